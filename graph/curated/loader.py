"""Reading curated YAML with positions kept, so every later error can name ``file:line:column``.

Why ruamel.yaml's round-trip loader: its mappings and sequences remember where each key, value
and item started. Timestamps are loaded as plain strings so that a bad date (``2024-13-01``)
becomes a located data error from the compiler rather than a crash inside the YAML library, and
``YYYY-MM`` and ``YYYY-MM-DD`` are handled by one code path.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import DuplicateKeyError, RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError

from graph.errors import Problem


class _StringTimestampConstructor(RoundTripConstructor):
    """Round-trip constructor that leaves timestamps as the text the curator wrote."""


_StringTimestampConstructor.add_constructor(
    "tag:yaml.org,2002:timestamp",
    lambda constructor, node: str(constructor.construct_scalar(node)),
)


def display_path(path: Path, root: Path | None) -> str:
    """The path as errors show it: relative to ``root`` (the repository) when inside it."""
    path = path.resolve()
    if root is not None:
        try:
            return path.relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return str(path)


@dataclass
class YamlDoc:
    """One parsed YAML file: its display name and the top-level value (``None`` if empty)."""

    file: str
    path: Path
    data: Any


def load_yaml(path: Path, root: Path | None) -> tuple[YamlDoc | None, list[Problem]]:
    """Parse one YAML file; on a syntax error return no document and one located problem."""
    file = display_path(path, root)
    yaml = YAML(typ="rt")
    yaml.Constructor = _StringTimestampConstructor
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(f"cannot read the file: {exc}", file=file)]
    try:
        data = yaml.load(text)
    except DuplicateKeyError as exc:
        mark = exc.problem_mark
        problem = Problem(
            f"YAML error: {exc.problem}",
            file=file,
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
            hint="each key may appear once in a mapping",
        )
        return None, [problem]
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.problem:
            message = f"{exc.problem} ({exc.context})"
        problem = Problem(
            f"YAML syntax error: {message}",
            file=file,
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        )
        return None, [problem]
    return YamlDoc(file=file, path=path, data=data), []


def key_pos(mapping: Any, key: str) -> tuple[int | None, int | None]:
    """1-based (line, column) of ``key`` in a loaded mapping; the mapping's start if absent."""
    if isinstance(mapping, CommentedMap):
        try:
            if key in mapping:
                line, col = mapping.lc.key(key)
                return line + 1, col + 1
            return mapping.lc.line + 1, mapping.lc.col + 1
        except (AttributeError, KeyError, TypeError):
            return None, None
    return None, None


def value_pos(mapping: Any, key: str) -> tuple[int | None, int | None]:
    """1-based (line, column) of the value of ``key`` (falls back to the key's position)."""
    if isinstance(mapping, CommentedMap) and key in mapping:
        try:
            line, col = mapping.lc.value(key)
            return line + 1, col + 1
        except (AttributeError, KeyError, TypeError):
            return key_pos(mapping, key)
    return key_pos(mapping, key)


def item_pos(seq: Any, index: int) -> tuple[int | None, int | None]:
    """1-based (line, column) of item ``index`` of a loaded sequence."""
    if isinstance(seq, CommentedSeq):
        try:
            line, col = seq.lc.item(index)
            return line + 1, col + 1
        except (AttributeError, KeyError, TypeError, IndexError):
            return None, None
    return None, None


def start_pos(node: Any) -> tuple[int | None, int | None]:
    """1-based (line, column) where a loaded mapping or sequence starts."""
    lc = getattr(node, "lc", None)
    if lc is None or lc.line is None:
        return None, None
    return lc.line + 1, lc.col + 1

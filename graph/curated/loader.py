"""Reading govkg's YAML with positions kept, so every later error can name ``file:line:column``.

Why ruamel.yaml's round-trip loader: its mappings and sequences remember where each key, value
and item started. Why a tolerant constructor on top: the library converts scalars itself and
raises from inside (``2025-02-30``: "day is out of range for month"; ``0x_``; ``!!int abc``),
which would be a crash without a location. Here a scalar the library cannot convert is kept as
the text written, so the caller's own field check reports it at its line. Curated data and
scenario files also load every timestamp as text (:func:`round_trip_yaml`), so ``YYYY-MM`` and
``YYYY-MM-DD`` are handled by one code path. Used by the curated compiler, scenario files
(:mod:`govkg.graph.analysis.scenario_files`) and the Ecosystem Graphs importer.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from govkg.graph.errors import Problem
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import DuplicateKeyError, RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.nodes import Node, ScalarNode

#: What ruamel's scalar constructors raise on a value they cannot convert (``2025-02-30``:
#: ValueError; ``0x_``: IndexError; ``!!bool maybe``: KeyError; ``!!set 3``: AttributeError).
_CONVERSION_ERRORS = (ValueError, TypeError, IndexError, KeyError, AttributeError, OverflowError)


class TolerantConstructor(RoundTripConstructor):
    """Round-trip constructor that keeps an unconvertible scalar as the text written.

    Valid values keep their YAML types (a date stays a :class:`datetime.date`), so callers that
    accept typed values see no change; only what would have crashed becomes a string.
    """

    def construct_non_recursive_object(self, node: Node, tag: str | None = None) -> Any:
        """Construct as ruamel does; a scalar it cannot convert is returned as its text."""
        if not isinstance(node, ScalarNode):
            return super().construct_non_recursive_object(node, tag)
        try:
            return super().construct_non_recursive_object(node, tag)
        except _CONVERSION_ERRORS:
            return str(node.value)


class _TextTimestampConstructor(TolerantConstructor):
    """Tolerant constructor that also leaves every timestamp as the text written."""


_TextTimestampConstructor.add_constructor(
    "tag:yaml.org,2002:timestamp",
    lambda constructor, node: str(constructor.construct_scalar(node)),
)


def round_trip_yaml(*, dates_as_text: bool = True) -> YAML:
    """A round-trip YAML loader that never crashes on a scalar (see the module docstring).

    ``dates_as_text=True`` (curated data, scenario files) loads ``2024-07-23`` as the string
    ``"2024-07-23"``; ``False`` keeps valid dates as :class:`datetime.date` (data sets whose
    checks take typed dates) and only an impossible one such as ``2023-02-30`` as text.

    >>> round_trip_yaml().load("a: 2024-02-29\\nb: 2025-02-30\\nc: 0x_")
    {'a': '2024-02-29', 'b': '2025-02-30', 'c': '0x_'}
    >>> round_trip_yaml(dates_as_text=False).load("a: 2024-02-29\\nb: 2025-02-30")
    {'a': datetime.date(2024, 2, 29), 'b': '2025-02-30'}
    """
    yaml = YAML(typ="rt")
    yaml.Constructor = _TextTimestampConstructor if dates_as_text else TolerantConstructor
    return yaml


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


#: Texts up to this many characters are parsed once per process (curated files are a few KB;
#: a large imported file is parsed each time rather than held in memory).
CACHED_TEXT = 100_000


@functools.lru_cache(maxsize=1024)
def _parse(text: str) -> Any:
    """The round-trip document of ``text``, parsed once per process (callers only read it).

    One ``govkg validate`` reads every file three times (compile, lint, evidence), and a build
    or a test session compiles the same files again and again; round-trip parsing, which keeps
    the line of every key, is most of that time. Keyed by the text, so an edited file is parsed
    anew; errors are not cached (they are raised again).
    """
    return round_trip_yaml().load(text)


def load_yaml(path: Path, root: Path | None) -> tuple[YamlDoc | None, list[Problem]]:
    """Parse one YAML file; on a syntax error return no document and one located problem.

    The document is shared with other readers of the same text: do not modify it.
    """
    file = display_path(path, root)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(f"cannot read the file: {exc}", file=file)]
    try:
        data = _parse(text) if len(text) <= CACHED_TEXT else round_trip_yaml().load(text)
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

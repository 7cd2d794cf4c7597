"""The evidence behind each curated statement: a verbatim quote and where it stands.

Why a module of its own: evidence is checked, emitted and reported the same way for every
statement kind, and an analyst needs to know which statements rest on words that can be found
in a readable copy of their source and which do not. A statement has evidence when it carries a
``quote`` and a ``locator`` (a section, paragraph, heading or table row; for a document govkg
holds, character offsets ``chars 1234-1302``). Where no copy of the source could be read, the
statement says so with ``evidence: unavailable`` and an ``evidence_note`` giving the reason; it
then counts as *without* evidence in the share :func:`evidence_report` computes, so the share is
an honest measure of what can be checked.

Tensions are left out of the count: a tension is the curators' juxtaposition of two statements,
each of which carries its own evidence.

>>> locator_span("table row 2; chars 1234-1302")
(1234, 1302)
>>> locator_span("second paragraph") is None
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govkg.graph.curated.checks import Checker
from govkg.graph.curated.loader import item_pos, key_pos, load_yaml, value_pos
from govkg.graph.curated.output import Output, text_lit
from govkg.graph.curated.schema import EVIDENCE_VALUES
from govkg.ontology import GK, GKC
from rdflib import URIRef

#: ``chars START-END`` in a locator: a 0-based, end-exclusive span of the document's text.
CHARS_RE = re.compile(r"\bchars (\d+)-(\d+)\b")

#: Statement kinds that are not counted: their evidence is that of the statements they link.
UNCOUNTED_KINDS = frozenset({"tension"})


def locator_span(locator: str) -> tuple[int, int] | None:
    """The ``(start, end)`` character span a locator names, or ``None`` when it names none."""
    m = CHARS_RE.search(locator)
    return (int(m.group(1)), int(m.group(2))) if m else None


def check_evidence(clean: dict[str, Any], raw: dict, file: str, path: str, ch: Checker) -> bool:
    """The evidence fields of one statement agree with each other; report what does not.

    ``evidence: unavailable`` needs an ``evidence_note`` and excludes a quote and a locator
    (there is nothing to quote from); a locator needs a quote; a ``chars`` span must be a span.
    """
    ok = True
    evidence = clean.get("evidence")
    if evidence is not None and evidence not in EVIDENCE_VALUES:
        ch.add(
            file,
            value_pos(raw, "evidence"),
            f"{path}.evidence",
            f"unknown evidence value {evidence!r} (allowed: {', '.join(EVIDENCE_VALUES)})",
        )
        return False
    if evidence == "unavailable":
        if "evidence_note" not in clean:
            ch.add(
                file,
                key_pos(raw, "evidence"),
                f"{path}.evidence",
                "'evidence: unavailable' needs an 'evidence_note' saying why no copy was read",
            )
            ok = False
        for key in ("quote", "locator"):
            if key in clean:
                ch.add(
                    file,
                    key_pos(raw, key),
                    f"{path}.{key}",
                    f"a statement with 'evidence: unavailable' cannot have a '{key}'",
                    "remove 'evidence: unavailable' if the quote was read in a copy",
                )
                ok = False
    elif "evidence_note" in clean:
        ch.add(
            file,
            key_pos(raw, "evidence_note"),
            f"{path}.evidence_note",
            "'evidence_note' belongs with 'evidence: unavailable'",
        )
        ok = False
    if "locator" in clean and "quote" not in clean:
        ch.add(file, key_pos(raw, "locator"), f"{path}.locator", "a 'locator' needs a 'quote'")
        ok = False
    span = locator_span(clean.get("locator", ""))
    if span is not None and span[0] >= span[1]:
        ch.add(
            file,
            value_pos(raw, "locator"),
            f"{path}.locator",
            f"empty character span {span[0]}-{span[1]}: expected chars START-END, START < END",
        )
        ok = False
    return ok


def emit_evidence(out: Output, g: URIRef, node: URIRef, v: dict[str, Any]) -> None:
    """``gk:locator``, ``gk:evidenceStatus`` and ``gk:evidenceNote`` of one statement node."""
    if "locator" in v:
        out.add(g, node, GK.locator, text_lit(v["locator"]))
    if "evidence" in v:
        out.add(g, node, GK.evidenceStatus, GKC[EVIDENCE_VALUES[v["evidence"]]])
    if "evidence_note" in v:
        out.add(g, node, GK.evidenceNote, text_lit(v["evidence_note"]))


# -- the report ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Missing:
    """A statement without evidence: where it is and why it counts as without."""

    file: str
    line: int | None
    kind: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.kind} statement: {self.reason}"


@dataclass
class EvidenceReport:
    """How many curated statements carry a quote with a locator, and which do not."""

    total: int = 0
    quoted: int = 0
    unavailable: list[Missing] = field(default_factory=list)
    missing: list[Missing] = field(default_factory=list)

    @property
    def share(self) -> float:
        """The share of counted statements with a quote and a locator (1.0 when none)."""
        return self.quoted / self.total if self.total else 1.0

    @property
    def without(self) -> list[Missing]:
        """Every statement without evidence, in file and line order."""
        return sorted(self.unavailable + self.missing, key=lambda m: (m.file, m.line or 0))

    def summary(self) -> str:
        """One line: the share, and how the rest divides."""
        return (
            f"evidence: {self.quoted} of {self.total} statements ({self.share:.1%}) have a "
            f"verbatim quote and a locator; {len(self.unavailable)} marked "
            f"'evidence: unavailable', {len(self.missing)} without either"
        )


def statement_evidence(raw: Any) -> str | None:
    """Why one YAML statement counts as without evidence, or ``None`` when it has it."""
    if raw.get("evidence") == "unavailable":
        note = raw.get("evidence_note")
        return f"evidence unavailable: {note}" if note else "evidence unavailable"
    has_quote, has_locator = bool(raw.get("quote")), bool(raw.get("locator"))
    if has_quote and has_locator:
        return None
    if has_quote:
        return "a quote without a locator"
    return "no quote and no 'evidence: unavailable'"


def evidence_report(
    source_dir: Path, root: Path | None = None, *, files: list[Path] | None = None
) -> EvidenceReport:
    """Count the evidence of every statement in ``source_dir/*.yaml`` (tensions left out).

    With ``files``, only those of them that are source files are counted.

    Reads the YAML itself rather than the compiled RDF so that a statement is counted once as
    written (a participation with three parties is one statement with one quote) and located
    at its line, whether or not the rest of the data compiles.
    """
    report = EvidenceReport()
    paths = sorted(Path(source_dir).glob("*.yaml"))
    if files is not None:
        wanted = {Path(f).resolve() for f in files}
        paths = [p for p in paths if p.resolve() in wanted]
    for path in paths:
        doc, _errors = load_yaml(path, root)
        if doc is None or not isinstance(doc.data, dict):
            continue
        stmts = doc.data.get("statements")
        if not isinstance(stmts, list):
            continue
        for i, raw in enumerate(stmts):
            if not isinstance(raw, dict) or raw.get("kind") in UNCOUNTED_KINDS:
                continue
            report.total += 1
            reason = statement_evidence(raw)
            if reason is None:
                report.quoted += 1
                continue
            entry = Missing(doc.file, item_pos(stmts, i)[0], str(raw.get("kind")), reason)
            target = report.unavailable if raw.get("evidence") == "unavailable" else report.missing
            target.append(entry)
    return report

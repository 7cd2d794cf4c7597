"""Lint of the bundled entity files: every alias is a name.

Why: importers and the did-you-mean resolve free-text names through labels and aliases, so an
alias that is only a legal suffix (``Inc.``, from a YAML flow list split at the comma of
``Meta Platforms, Inc.``) would match any company. Names shared by two entities (a family and
its only model, a jurisdiction and its government) are legitimate: the importers report them
as ambiguous instead of guessing (docs/importers.md).
"""

from __future__ import annotations

from pathlib import Path

from ruamel.yaml import YAML

ENTITIES = Path(__file__).resolve().parents[2] / "graph" / "data" / "entities"
LEGAL_SUFFIXES = {"inc", "ltd", "llc", "co", "corp", "plc", "gmbh", "sa", "ag", "the", "and"}


def entities() -> list[tuple[str, dict]]:
    yaml = YAML(typ="safe")
    found = []
    for path in sorted(ENTITIES.glob("*.yaml")):
        for value in (yaml.load(path.read_text(encoding="utf-8")) or {}).values():
            if isinstance(value, list):
                found += [(path.name, e) for e in value if isinstance(e, dict) and "id" in e]
    return found


def test_aliases_are_names_not_fragments_and_not_repeated() -> None:
    found = entities()
    assert len(found) > 100
    for file, entity in found:
        aliases = [str(a).strip() for a in entity.get("aliases") or []]
        assert len(aliases) == len(set(aliases)), (file, entity["id"], aliases)
        for alias in aliases:
            assert alias.rstrip(".").lower() not in LEGAL_SUFFIXES, (file, entity["id"], alias)

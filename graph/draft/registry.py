"""The curated entity registry as a name index for linking mentions in a document.

Why reuse the importers' keys: a mention is compared with every ``label`` and ``alias`` of the
curated entities (``graph/data/entities/*.yaml``) by the same normal forms entity resolution
uses (:func:`govkg.graph.importers.names.org_key` for organisations, people and jurisdictions,
:func:`~govkg.graph.importers.names.model_key` for models and instruments), so "Meta AI",
"Meta" and "Meta Platforms, Inc." are one organisation here as in the importers. Two additions
for running text:

- initialisms are collapsed before keying ("U.S." and "US" are one name);
- a label's parenthetical and the part after a colon are also indexed, marked as *partial*
  names ("White House Voluntary AI Commitments (2023)" is also "White House Voluntary AI
  Commitments"; "Executive Order 14110: Safe, Secure, ..." is also "Executive Order 14110").
  When a full name and a partial name of another entity collide, the full name wins.

Fuzzy matching (:meth:`EntityRegistry.fuzzy`) uses :class:`difflib.SequenceMatcher` ratios of
the keys; its score is reported on the link so a curator sees how sure the match is.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from govkg.graph.importers.names import model_key, org_key

#: Entity categories of the registry, in the order ties between them are broken: a name that is
#: both an organisation and a jurisdiction ("China", "European Union") is taken as the
#: organisation, because governance news names countries mostly as actors and parties.
CATEGORY_ORDER = ("organisation", "person", "instrument", "model", "family", "jurisdiction")
_INITIALISM = re.compile(r"\b((?:[A-Za-z]\.){2,})")
_PAREN = re.compile(r"\s*\([^)]*\)\s*")


@dataclass(frozen=True)
class RegistryEntity:
    """One curated entity: its id, category, class (local name), label and every name."""

    id: str
    category: str
    cls: str
    label: str
    names: tuple[str, ...]


def collapse_initialisms(name: str) -> str:
    """``U.S.`` → ``US``, ``E.U.`` → ``EU``: dotted initialisms written without dots.

    >>> collapse_initialisms("the U.S. AI Safety Institute")
    'the US AI Safety Institute'
    """
    return _INITIALISM.sub(lambda m: m.group(1).replace(".", ""), name)


def name_key(name: str, category: str = "organisation") -> str:
    """The comparison key of a name for an entity of ``category``.

    >>> name_key("U.S.") == name_key("US") == name_key("us")
    True
    >>> name_key("Meta Platforms, Inc.") == name_key("Meta Platforms")
    True
    >>> name_key("Llama 3.1-405B", "model") == name_key("Llama 3.1 405B", "model")
    True
    """
    text = collapse_initialisms(name.replace("\u2019", "'"))
    if category in ("model", "family", "instrument"):
        return model_key(text)
    return org_key(text)


def partial_names(name: str) -> list[str]:
    """Shorter forms of a label: without its parenthetical, before its colon.

    >>> partial_names("White House Voluntary AI Commitments (2023)")
    ['White House Voluntary AI Commitments']
    >>> partial_names("Executive Order 14110: Safe, Secure, and Trustworthy AI")
    ['Executive Order 14110']
    """
    out = []
    stripped = _PAREN.sub(" ", name).strip()
    if stripped and stripped != name:
        out.append(stripped)
    if ":" in name:
        head = name.split(":", 1)[0].strip()
        if head and head not in out:
            out.append(head)
    return out


class EntityRegistry:
    """Names of the curated entities, indexed for exact, key and fuzzy look-up."""

    def __init__(self, entities: list[RegistryEntity]) -> None:
        self.entities = {e.id: e for e in entities}
        #: surface name → [(entity id, full name?)]
        self.surface: dict[str, list[tuple[str, bool]]] = {}
        #: key → [(entity id, full name?)]
        self.keys: dict[str, list[tuple[str, bool]]] = {}
        for entity in entities:
            for name in entity.names:
                self._add(name, entity, True)
                for part in partial_names(name):
                    self._add(part, entity, False)
        self._key_list = sorted(self.keys)
        self._fuzzy_cache: dict[tuple[str, float], tuple[list[str], float]] = {}

    def _add(self, name: str, entity: RegistryEntity, full: bool) -> None:
        for table, key in ((self.surface, name), (self.keys, name_key(name, entity.category))):
            if not key:
                continue
            entries = table.setdefault(key, [])
            if all(eid != entity.id for eid, _ in entries):
                entries.append((entity.id, full))

    @classmethod
    def load(cls, data_dir: Path | None = None) -> EntityRegistry:
        """The registry of ``data_dir`` (default: the bundled ``graph/data``)."""
        return _load(str(data_dir) if data_dir else None)

    def rank(self, entries: list[tuple[str, bool]]) -> list[str]:
        """Entity ids of a look-up, best first: full names, then by :data:`CATEGORY_ORDER`."""
        full = [eid for eid, is_full in entries if is_full] or [eid for eid, _ in entries]
        return sorted(full, key=lambda eid: CATEGORY_ORDER.index(self.entities[eid].category))

    def exact(self, surface: str) -> list[str]:
        """Entities one of whose names is exactly ``surface`` (first letter in either case)."""
        found = self.surface.get(surface) or self.surface.get(surface[:1].swapcase() + surface[1:])
        return self.rank(found or [])

    def by_key(self, name: str) -> list[str]:
        """Entities one of whose names has the same key as ``name`` (any category's key)."""
        entries: list[tuple[str, bool]] = []
        for category in ("organisation", "model"):
            for entry in self.keys.get(name_key(name, category), []):
                if entry not in entries:
                    entries.append(entry)
        return self.rank(entries)

    def fuzzy(self, name: str, cutoff: float = 0.88) -> tuple[list[str], float]:
        """The entities whose names are closest to ``name``, and the similarity (0-1).

        Only names whose key starts with the same word are considered: a one-letter difference
        in a short first word ("US" and "UK") changes the entity, not the spelling.

        >>> reg = EntityRegistry([RegistryEntity("gpai", "instrument", "CodeOfPractice",
        ...     "General-Purpose AI Code of Practice", ("General-Purpose AI Code of Practice",))])
        >>> reg.fuzzy("General Purpose AI Codes of Practice")
        (['gpai'], 0.99)
        """
        key = name_key(name, "model")
        if len(key) < 4:
            return [], 0.0
        if (key, cutoff) not in self._fuzzy_cache:
            self._fuzzy_cache[(key, cutoff)] = self._fuzzy(key, cutoff)
        return self._fuzzy_cache[(key, cutoff)]

    def _fuzzy(self, key: str, cutoff: float) -> tuple[list[str], float]:
        first = key.split(" ")[0]
        best = [
            k
            for k in difflib.get_close_matches(key, self._key_list, n=5, cutoff=cutoff)
            if k.split(" ")[0] == first  # "us government" is not "uk government"
        ]
        if not best:
            return [], 0.0
        score = difflib.SequenceMatcher(None, key, best[0]).ratio()
        return self.rank(self.keys[best[0]]), round(score, 2)

    def governments(self, place: str) -> list[str]:
        """Organisations that are the government of ``place`` (by their names).

        "Government of France", "UK Government" and "U.S. federal government" name the
        government of France, the UK and the U.S.; a country named as a party or an actor
        stands for its government.
        """
        keys = {name_key(n) for n in (place, *self._jurisdiction_names(place))}
        found: list[str] = []
        for key in keys:
            forms = (
                f"government of {key}",
                f"government of the {key}",
                f"{key} government",
                f"{key} federal government",
            )
            for form in forms:
                for eid, _ in self.keys.get(form, []):
                    if self.entities[eid].category == "organisation" and eid not in found:
                        found.append(eid)
        return found

    def _jurisdiction_names(self, place: str) -> tuple[str, ...]:
        for eid in self.by_key(place):
            if self.entities[eid].category == "jurisdiction":
                return self.entities[eid].names
        return ()

    def all_surfaces(self) -> list[str]:
        """Every name and partial name, longest first (for building the mention scanner)."""
        return sorted(self.surface, key=lambda s: (-len(s), s))


@cache
def _load(data_dir: str | None) -> EntityRegistry:
    from govkg.graph.curated import DATA_DIR
    from govkg.graph.curated.entities import declare_entities
    from govkg.graph.errors import DataValidationError

    root = Path(data_dir) if data_dir else DATA_DIR
    problems: list = []
    reg = declare_entities(root / "entities", None, problems)
    if not reg.entities:
        raise DataValidationError(
            f"{root / 'entities'}: no curated entities to link mentions to", problems=problems
        )
    entities = [
        RegistryEntity(
            e.id,
            e.category,
            str(e.cls).rsplit("#", 1)[-1],
            e.label,
            tuple(dict.fromkeys([e.label, *e.aliases])),
        )
        for e in reg.entities.values()
    ]
    return EntityRegistry(entities)

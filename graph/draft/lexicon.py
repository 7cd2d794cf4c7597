"""Word lists the drafter's rules use: titles, kind cues and words that are never names.

Kept in one small module so that a curator can read (and extend) every cue the drafter relies
on; docs/draft.md describes how each list is used.
"""

from __future__ import annotations

#: Words that precede a person's name ("Vice President JD Vance", "Senator Scott Wiener"); they
#: are cut from the name and make the guessed kind ``person``.
PERSON_TITLES = frozenset(
    {
        "president", "vice", "senator", "sen", "governor", "gov", "secretary", "director",
        "minister", "chancellor", "ceo", "chair", "chairman", "chairwoman", "commissioner",
        "mr", "mrs", "ms", "dr", "prof", "professor", "representative", "rep", "judge",
        "justice", "premier", "mayor", "deputy", "prime", "chief", "executive", "founder",
        "spokesperson", "spokesman", "spokeswoman", "lawmaker", "leader", "majority",
        "minority", "speaker", "whip",
    }
)  # fmt: skip
#: Words that open a title only when a title word follows ("Senate Majority Leader X").
TITLE_PREFIXES = frozenset({"senate", "house", "state", "assembly", "party", "white"})
#: A name containing one of these is guessed to be an ``agency`` (a government body).
AGENCY_WORDS = frozenset(
    {
        "department", "ministry", "agency", "authority", "commission", "office", "institute",
        "administration", "bureau", "council", "regulator", "inspectorate", "center", "centre",
        "directorate", "secretariat", "parliament", "congress", "senate", "assembly", "court",
        "garante", "government", "legislature", "board",
    }
)  # fmt: skip
#: A name ending in one of these (or written like "SB 1047", "EO 14110") is an ``instrument``.
INSTRUMENT_WORDS = frozenset(
    {
        "act", "bill", "code", "order", "regulation", "directive", "declaration", "commitments",
        "commitment", "framework", "convention", "treaty", "statement", "plan", "law",
        "principles", "guidelines", "memorandum", "charter", "accord", "agreement", "pledge",
        "rule", "strategy", "policy", "practice", "provisions", "measures",
    }
)  # fmt: skip
#: A name containing one of these is an ``organisation`` (company, lab, association).
ORGANISATION_WORDS = frozenset(
    {
        "inc", "corp", "ltd", "llc", "labs", "lab", "group", "technologies", "foundation",
        "university", "association", "forum", "company", "systems", "research", "partners",
        "alliance", "consortium", "society", "network",
    }
)  # fmt: skip
#: Capitalised words that are not names on their own.
NOT_NAMES = frozenset(
    {
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
        "january", "february", "march", "april", "may", "june", "july", "august", "september",
        "october", "november", "december", "ai", "i", "we", "you", "he", "she", "they", "it",
        "the", "a", "an", "this", "that", "these", "those", "its", "their", "our", "his", "her",
        "published", "publisher", "updated", "by", "internet", "web", "state", "federal",
        "national", "government", "officials", "company", "companies", "summit", "bill", "law",
        "act", "code", "mr", "ms", "but", "and", "or", "if", "when", "while", "after",
        "before", "in", "on", "at", "for", "of", "to", "as", "with", "from", "under",
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
        "eighteen", "nineteen", "twenty", "thirty", "forty", "fifty", "hundred", "hundreds",
        "dozen", "dozens", "several", "many", "some", "all", "both", "most", "few", "new",
    }
)  # fmt: skip
#: Adjectives of nationality: capitalised, never names of an entity.
DEMONYMS = frozenset(
    {
        "american", "british", "chinese", "european", "french", "german", "italian", "irish",
        "japanese", "korean", "canadian", "indian", "western", "eastern", "english", "spanish",
        "dutch", "swiss", "russian", "israeli", "emirati", "saudi", "african", "asian",
        "australian", "brazilian", "californian", "silicon",
    }
)  # fmt: skip
#: A capitalised run ending in one of these is an event, not an entity ("AI Action Summit").
EVENT_WORDS = frozenset({"summit", "conference", "week", "day", "games", "expo", "awards"})
#: Lower-case words that may join the capitalised words of one name.
CONNECTORS = frozenset(
    {"of", "for", "the", "and", "on", "de", "per", "la", "dei", "del", "des", "du", "und", "&"}
)
#: Words for "the company", "the regulator", ...: a sentence subject that refers back to the
#: last organisation (or government body) named as a subject.
BACK_REFERENCES = {
    "company": "organisation",
    "firm": "organisation",
    "start-up": "organisation",
    "startup": "organisation",
    "developer": "organisation",
    "lab": "organisation",
    "regulator": "agency",
    "watchdog": "agency",
    "authority": "agency",
    "agency": "agency",
    "institute": "agency",
    "center": "agency",
    "centre": "agency",
    "commission": "agency",
    "governor": "person",
}

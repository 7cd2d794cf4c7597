"""Broken curated YAML gives located, actionable problems: exact file:line, field and message.

Each test starts from the valid fixture data (``conftest.py``), writes one broken file and
checks the problem the compiler reports for it. ``HEADER`` is 7 lines, so the first statement
starts on line 8.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from govkg.graph.curated import compile_data, validate
from govkg.graph.errors import DataValidationError, Problem

HEADER = """\
source:
  id: broken
  title: A broken source
  url: https://example.org/broken
  published: 2024-08-29
  kind: press-release
statements:
"""


def write_broken(curated, statements: str, header: str = HEADER) -> Path:
    """Write ``sources/broken.yaml``: the header and the given statements block."""
    return curated.write("sources/broken.yaml", header + statements)


def problems_in(root: Path, path: Path) -> list[Problem]:
    """The problems ``validate`` reports for one file."""
    name = str(path.resolve())
    return [p for p in validate(root) if p.file == name]


def only_problem(root: Path, path: Path) -> Problem:
    found = problems_in(root, path)
    assert len(found) == 1, "\n".join(str(p) for p in found)
    return found[0]


def test_the_fixture_data_is_valid(curated):
    assert validate(curated.root) == []


def test_yaml_syntax_error_names_file_line_and_column(curated):
    path = curated.write(
        "sources/broken.yaml",
        "source:\n  id: broken\n  title: [unclosed, list\n  url: https://example.org\n",
    )
    p = only_problem(curated.root, path)
    assert p.message.startswith("YAML syntax error:")
    assert (p.line, p.column) == (4, 6)
    assert str(p).startswith(f"{path.resolve()}:4:6: YAML syntax error")


def test_unknown_entity_with_near_miss_id_gets_did_you_mean(curated):
    path = write_broken(
        curated,
        "  - kind: release\n    model: llama-3.1-450b\n    developer: meta\n",
    )
    p = only_problem(curated.root, path)
    assert (p.line, p.column, p.field) == (9, 12, "statements[0].model")
    assert p.message == (
        "unknown id 'llama-3.1-450b': expected a model id declared in graph/data/entities/"
    )
    assert p.hint == "did you mean 'llama-3.1-405b'?"


def test_unknown_entity_written_as_an_alias_points_to_the_id(curated):
    path = write_broken(
        curated,
        "  - kind: release\n    model: llama-3.1-405b\n    developer: Meta Platforms\n",
    )
    p = only_problem(curated.root, path)
    assert (p.line, p.field) == (10, "statements[0].developer")
    assert p.hint == "did you mean 'meta'?"


def test_entity_of_the_wrong_type(curated):
    path = write_broken(
        curated,
        "  - kind: release\n    model: llama-3.1-405b\n    developer: llama-3.1-405b\n",
    )
    p = only_problem(curated.root, path)
    assert (p.line, p.field) == (10, "statements[0].developer")
    assert p.message == "'llama-3.1-405b' is a model; expected an organisation"


def test_bad_date(curated):
    path = write_broken(
        curated,
        "  - kind: release\n    model: llama-3.1-405b\n    developer: meta\n    date: 2024-13-01\n",
    )
    p = only_problem(curated.root, path)
    assert (p.line, p.column, p.field) == (11, 11, "statements[0].date")
    assert p.message == "invalid date '2024-13-01': expected YYYY-MM-DD, YYYY-MM or YYYY"


def test_missing_source_block(curated):
    path = curated.write(
        "sources/broken.yaml",
        "statements:\n  - kind: family\n    family: llama\n",
    )
    p = only_problem(curated.root, path)
    assert (p.line, p.field) == (1, "source")
    assert p.message == "missing the 'source' block (id, title, published, ...)"


def test_missing_field_of_the_source_block(curated):
    header = HEADER.replace("  published: 2024-08-29\n", "")
    path = write_broken(curated, "  - kind: family\n    family: llama\n", header=header)
    p = only_problem(curated.root, path)
    assert (p.line, p.field) == (2, "source.published")
    assert p.message == "missing required field 'published' for the source block"


def test_missing_required_statement_field(curated):
    path = write_broken(
        curated,
        "  - kind: participation\n    party: meta\n    status: signed\n    date: 2024-08-01\n",
    )
    p = only_problem(curated.root, path)
    assert (p.line, p.field) == (8, "statements[0].instrument")
    assert p.message == "missing required field 'instrument' for a participation statement"


def test_unknown_field_gets_did_you_mean(curated):
    path = write_broken(
        curated,
        "  - kind: release\n    modle: llama-3.1-405b\n    model: llama-3.1-405b\n"
        "    developer: meta\n",
    )
    p = only_problem(curated.root, path)
    assert (p.line, p.column, p.field) == (9, 5, "statements[0].modle")
    assert p.message.startswith("unknown field 'modle' for a release statement (allowed: ")
    assert p.hint == "did you mean 'model'?"


def test_duplicate_entity_id_across_files(curated):
    orgs = (curated.root / "entities" / "organisations.yaml").resolve()
    path = curated.write(
        "entities/publishers.yaml",
        "organisations:\n  - id: the-verge\n    type: publisher\n    label: The Verge\n"
        "  - id: meta\n    type: publisher\n    label: Meta again\n",
    )
    p = only_problem(curated.root, path)
    assert (p.line, p.field) == (5, "organisations[1].id")
    assert p.message == "duplicate id 'meta'"
    assert p.hint == f"first declared at {orgs}:2"


def test_duplicate_statement_id_in_one_file(curated):
    path = write_broken(
        curated,
        "  - id: same\n    kind: family\n    family: llama\n"
        "  - id: same\n    kind: family\n    family: llama\n    developer: meta\n",
    )
    p = only_problem(curated.root, path)
    assert (p.line, p.field) == (11, "statements[1]")
    assert p.message == "duplicate statement id 'same' (also statements[0])"


def test_source_id_must_match_the_file_name(curated):
    path = write_broken(curated, "  - kind: family\n    family: llama\n")
    path = path.rename(path.with_name("other.yaml"))
    p = only_problem(curated.root, path)
    assert (p.line, p.field) == (2, "source.id")
    assert p.message == "source id 'broken' does not match the file name 'other.yaml'"


def test_date_after_publication_without_scheduled(curated):
    path = write_broken(
        curated,
        "  - kind: participation\n    party: meta\n    instrument: wh-commitments-2023\n"
        "    status: signed\n    date: 2024-09-01\n",
    )
    p = only_problem(curated.root, path)
    assert (p.line, p.field) == (12, "statements[0].date")
    assert p.message == "date 2024-09-01 is after the source's publication date 2024-08-29"
    assert "scheduled: true" in (p.hint or "")


def test_month_precision_publication_compares_with_the_end_of_the_month(curated):
    header = HEADER.replace("published: 2024-08-29", "published: 2024-08")
    ok = "  - kind: stance\n    holder: meta\n    stance: resistant\n    as_of: 2024-08-31\n"
    path = write_broken(curated, ok, header=header)
    assert problems_in(curated.root, path) == []
    write_broken(curated, ok.replace("2024-08-31", "2024-09-01"), header=header)
    p = only_problem(curated.root, path)
    assert (p.line, p.field) == (11, "statements[0].as_of")
    assert p.message == "date 2024-09-01 is after the source's publication date 2024-08"


def test_concept_from_the_wrong_scheme(curated):
    path = write_broken(
        curated,
        "  - kind: release\n    model: llama-3.1-405b\n    developer: meta\n    weights: signed\n",
    )
    p = only_problem(curated.root, path)
    assert (p.line, p.field) == (11, "statements[0].weights")
    assert (
        p.message == "'signed' is a participation-status concept; expected a weights-access concept"
    )
    assert "open-weights-restricted" in (p.hint or "")


def test_unknown_concept_gets_did_you_mean(curated):
    path = write_broken(
        curated,
        "  - kind: stance\n    holder: meta\n    stance: resistent\n    as_of: 2024-08\n",
    )
    p = only_problem(curated.root, path)
    assert (p.line, p.field) == (10, "statements[0].stance")
    assert p.message == "unknown concept 'resistent': expected a stance concept"
    assert p.hint == "did you mean 'resistant'?"


def test_contradictory_release_facts_in_one_file(curated):
    path = write_broken(
        curated,
        "  - kind: release\n    model: llama-3.1-405b\n    developer: meta\n    date: 2024-07-23\n"
        "  - kind: release\n    model: llama-3.1-405b\n    developer: meta\n    date: 2024-07-24\n",
    )
    p = only_problem(curated.root, path)
    assert (p.line, p.field) == (15, "statements[1].date")
    assert p.message == (
        "contradiction: model 'llama-3.1-405b' has date 2024-07-24 here "
        "but 2024-07-23 in statements[0]"
    )


def test_signed_and_declined_on_the_same_date(curated):
    stmt = (
        "  - kind: participation\n    party: meta\n    instrument: wh-commitments-2023\n"
        "    status: {status}\n    date: 2024-08-01\n"
    )
    path = write_broken(curated, stmt.format(status="signed") + stmt.format(status="declined"))
    p = only_problem(curated.root, path)
    assert (p.line, p.field) == (16, "statements[1].status")
    assert p.message == (
        "contradiction: 'meta' declined 'wh-commitments-2023' on 2024-08-01 "
        "but signed it on the same date in statements[0]"
    )


def test_the_same_facts_in_two_sources_are_no_contradiction(curated):
    """Different sources may disagree; only a single file must be consistent."""
    path = write_broken(
        curated,
        "  - kind: release\n    model: llama-3.1-405b\n    developer: meta\n    date: 2024-07-24\n",
    )
    assert problems_in(curated.root, path) == []


def test_tension_with_an_unknown_statement(curated):
    path = write_broken(
        curated,
        "  - kind: tension\n    between: [wh-2023-07#meta-sign, meta-llama-3-1#release]\n",
    )
    p = only_problem(curated.root, path)
    assert (p.line, p.field) == (9, "statements[0].between[0]")
    assert p.message == "unknown statement 'meta-sign' in source 'wh-2023-07'"
    assert p.hint == "did you mean 'meta-signs'?"


def test_all_problems_are_reported_not_just_the_first(curated):
    path = write_broken(
        curated,
        "  - kind: release\n    model: llama-3.1-450b\n    developer: meta\n"
        "  - kind: stance\n    holder: meta\n    stance: resistent\n    as_of: 2024-13\n",
    )
    found = problems_in(curated.root, path)
    assert [(p.line, p.field) for p in found] == [
        (9, "statements[0].model"),
        (13, "statements[1].stance"),
        (14, "statements[1].as_of"),
    ]


def test_compile_data_raises_one_error_listing_every_problem(curated):
    path = write_broken(curated, "  - kind: family\n    family: lama\n")
    with pytest.raises(DataValidationError) as info:
        compile_data(curated.root)
    err = info.value
    assert [(p.line, p.field) for p in err.problems] == [(9, "statements[0].family")]
    assert f"{path.resolve()}:9:13: statements[0].family: unknown id 'lama'" in str(err)


def test_validate_only_given_files_still_resolves_entities(curated):
    broken = write_broken(curated, "  - kind: family\n    family: lama\n")
    good = curated.source("wh-2023-07")
    assert validate(curated.root, files=[good]) == []
    found = validate(curated.root, files=[broken])
    assert [(p.file, p.line) for p in found] == [(str(broken.resolve()), 9)]


def test_shacl_violations_are_located_at_the_yaml_item(curated):
    models = curated.write(
        "entities/models.yaml",
        "models:\n  - id: llama\n    type: family\n    label: Llama\n"
        "  - id: llama-3.1-405b\n    label: Llama 3.1 405B\n"
        "  - id: llama-9\n    label: Llama 9\n",
    )
    found = validate(curated.root)
    assert len(found) == 1, found
    p = found[0]
    assert (p.file, p.line) == (str(models.resolve()), 7)
    assert "gkid:llama-9" in p.message and "gk:developedBy" in p.message


def test_bad_entity_id_and_unknown_type(curated):
    path = curated.write(
        "entities/publishers.yaml",
        "organisations:\n  - id: The Verge\n    type: publisher\n    label: The Verge\n"
        "  - id: nyt\n    type: newspaper\n    label: The New York Times\n",
    )
    found = problems_in(curated.root, path)
    assert [(p.line, p.field, p.message) for p in found] == [
        (
            2,
            "organisations[0].id",
            "invalid id 'The Verge': use lower case letters, digits, '.' and '-'",
        ),
        (
            6,
            "organisations[1].type",
            "unknown type 'newspaper' (allowed: developer, company, agency, executive-office, "
            "legislature, intergovernmental, industry-body, publisher)",
        ),
    ]


def test_empty_source_file(curated):
    path = curated.write("sources/broken.yaml", "# nothing yet\n")
    p = only_problem(curated.root, path)
    assert p.line == 1
    assert p.message == "expected a mapping with 'source' and 'statements'"


# -- references into files that have errors of their own -----------------------------------------

WH_2023_09 = """\
source:
  id: wh-2023-09
  title: More voluntary commitments
  publisher: The White House
  url: https://example.org/wh-2023-09
  published: 2023-09
  kind: press-release
statements:
  - kind: tension
    between: [wh-2023-07#meta-signs, meta-llama-3-1#release]
    note: refers into wh-2023-07, which is broken below
"""


def _break_wh_2023_07(curated, how: str) -> Path:
    """Give ``sources/wh-2023-07.yaml`` an error of its own, of the kind ``how``."""
    path = curated.source("wh-2023-07")
    text = path.read_text(encoding="utf-8")
    broken = {
        "yaml-syntax": text.replace("title: Voluntary", "title: [Voluntary"),
        "source-block": text.replace("published: 2023-07", "published: 2023-02-30"),
        "statement": text.replace("status: signed", "status: signd"),
    }[how]
    assert broken != text
    path.write_text(broken, encoding="utf-8")
    return path


@pytest.mark.parametrize("how", ["yaml-syntax", "source-block", "statement"])
def test_references_into_a_source_file_with_errors_are_not_called_unknown(curated, how):
    referring = curated.write("sources/wh-2023-09.yaml", WH_2023_09)
    broken = _break_wh_2023_07(curated, how)
    found = validate(curated.root)
    assert found and all("unknown source" not in p.message for p in found), found
    assert all("unknown statement" not in p.message for p in found), found
    assert all("did you mean 'wh-2023-09'" not in (p.hint or "") for p in found), found
    assert any(p.file == str(broken.resolve()) for p in found)
    p = only_problem(curated.root, referring)
    assert (p.line, p.field) == (10, "statements[0].between[0]")
    assert p.message == (
        f"reference 'wh-2023-07#meta-signs' not checked: {broken.resolve()} has errors"
    )
    # asked about the referring file alone, the note is all there is: it says where to look
    (only,) = validate(curated.root, files=[referring])
    assert only == p


def test_a_reference_to_a_missing_source_is_still_unknown(curated):
    referring = curated.write(
        "sources/wh-2023-09.yaml", WH_2023_09.replace("wh-2023-07#", "wh-2023-08#")
    )
    p = only_problem(curated.root, referring)
    assert p.message == (
        "unknown source 'wh-2023-08' in statement reference 'wh-2023-08#meta-signs'"
    )
    assert p.hint is not None and "'wh-2023-07'" in p.hint


def test_ids_declared_in_an_entity_file_that_fails_to_parse_are_not_called_unknown(curated):
    orgs = curated.source("x").parent.parent / "entities" / "organisations.yaml"
    orgs.write_text(
        orgs.read_text(encoding="utf-8").replace("label: Meta\n", "label: [Meta\n"),
        encoding="utf-8",
    )
    found = validate(curated.root)
    assert [(p.file, p.message.split(":")[0]) for p in found] == [
        (str(orgs.resolve()), "YAML syntax error")
    ]
    # an id declared nowhere is still unknown
    path = write_broken(curated, "  - kind: family\n    family: llama\n    developer: nobody\n")
    p = only_problem(curated.root, path)
    assert p.message.startswith("unknown id 'nobody'")


def test_ids_of_entities_with_an_unknown_type_are_not_called_unknown(curated):
    orgs = curated.source("x").parent.parent / "entities" / "organisations.yaml"
    orgs.write_text(
        orgs.read_text(encoding="utf-8").replace("type: developer", "type: developr"),
        encoding="utf-8",
    )
    found = validate(curated.root)
    assert [(p.file, p.line, p.field) for p in found] == [
        (str(orgs.resolve()), 3, "organisations[0].type")
    ], found


@pytest.mark.parametrize(
    ("value", "shown"), [("0x_", "'0x_'"), ("!!int many", "'many'"), ("!!float x", "'x'")]
)
def test_values_yaml_cannot_convert_are_located_problems_not_crashes(curated, value, shown):
    path = write_broken(
        curated,
        "  - kind: release\n    model: llama-3.1-405b\n    developer: meta\n"
        f"    parameters: {value}\n",
    )
    p = only_problem(curated.root, path)
    assert (p.line, p.field) == (11, "statements[0].parameters")
    assert p.message == f"expected a positive whole number, got {shown}"


@pytest.mark.parametrize("module", ["govkg.graph.curated.loader", "govkg.graph.curated.entities"])
def test_docstring_examples_run(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted > 0 and result.failed == 0

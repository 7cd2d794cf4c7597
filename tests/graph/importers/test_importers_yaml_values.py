"""Ecosystem Graphs records with values ruamel cannot convert: skipped and reported, not a crash.

``created_date: 2023-02-30`` used to raise ValueError from inside the YAML library while the
whole file was read. Now such a value reaches the record check as the text written: lenient
imports skip that record (file, line, field) and keep the rest of the file; strict imports raise
a located :class:`~govkg.graph.errors.DataValidationError` and write nothing. The same holds for the
other fields ruamel converts itself (numbers, explicit tags, dates in non-date fields).
"""

from __future__ import annotations

import pytest
from govkg.graph.errors import DataValidationError
from govkg.graph.importers import import_ecosystem_graphs
from support.cli import Ran, invoke

EG = "https://w3id.org/govkg/graph/import-ecosystem-graphs"

GOOD = """\
- type: model
  name: Good Model
  organization: Acme AI
  created_date: 2024-02-29
  access: open
"""
BAD_DATE = """\
- type: model
  name: Impossible Day
  organization: Acme AI
  created_date: 2023-02-30
  access: open
"""


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("2023-02-30", "'2023-02-30'"),
        ("2023-13-01", "'2023-13-01'"),
        ("2023-01-01 25:00:00", "'2023-01-01 25:00:00'"),
        ("{value: 2023-02-30, explanation: from the blog}", "'2023-02-30'"),
        ("!!timestamp 2023-02-30", "'2023-02-30'"),
    ],
)
def test_lenient_import_skips_only_the_record_with_the_impossible_date(
    store, write_ecosystem, count, value, shown
):
    folder = write_ecosystem({"a.yaml": GOOD + BAD_DATE.replace("2023-02-30", value)})
    report = import_ecosystem_graphs(store, folder)
    assert report.rows_read == 2 and dict(report.imported) == {"model": 1}
    (problem,) = report.skipped
    assert problem.file == str(folder / "assets" / "a.yaml")
    assert (problem.line, problem.field) == (9, "created_date")
    assert "record 2 ('Impossible Day')" in problem.message and shown in problem.message
    assert count(store, EG, "?m rdfs:label 'Good Model'@en ; gk:releaseDate ?d") == 1


def test_strict_import_raises_a_located_error_and_writes_nothing(store, write_ecosystem):
    folder = write_ecosystem({"a.yaml": GOOD + BAD_DATE})
    with pytest.raises(DataValidationError) as caught:
        import_ecosystem_graphs(store, folder, strict=True)
    (problem,) = caught.value.problems
    assert (problem.file, problem.line, problem.field) == (
        str(folder / "assets" / "a.yaml"),
        9,
        "created_date",
    )
    assert "'2023-02-30'" in problem.message
    assert EG not in {g.value for g in store.named_graphs()}


@pytest.mark.parametrize(
    "line",
    [
        "  size: 0x_",  # matches YAML's int pattern, then IndexError inside ruamel
        "  size: !!int many",
        "  size: 2023-02-30",  # a date where a parameter count belongs
        "  license: !!bool maybe",
        "  url: !!float here",
        "  description: 2023-02-30 10:00:00",
    ],
)
def test_other_unconvertible_values_never_crash_the_import(store, write_ecosystem, line):
    folder = write_ecosystem({"a.yaml": GOOD + line + "\n" + GOOD.replace("Good", "Other")})
    report = import_ecosystem_graphs(store, folder)
    assert report.rows_read == 2
    assert report.imported["model"] == 2, report.summary()


def test_cli_lenient_reports_and_strict_fails_without_a_traceback(tmp_path, write_ecosystem):
    folder = write_ecosystem({"a.yaml": GOOD + BAD_DATE})
    store = tmp_path / "cli-store"

    def run(*extra: str) -> Ran:
        return invoke("import", "ecosystem-graphs", folder, "--store", store, *extra)

    strict = run("--strict")
    assert strict.returncode == 1, strict.stderr
    assert "Traceback" not in strict.stderr
    assert f"{folder / 'assets' / 'a.yaml'}:9: created_date:" in strict.stderr
    lenient = run()
    assert lenient.returncode == 0, lenient.stderr
    assert "Traceback" not in lenient.stderr
    assert "'2023-02-30'" in lenient.stdout + lenient.stderr

"""Data lint (issue 14): one test per rule on a small data set, and the bundled data's findings.

Lint findings are warnings of ``govkg validate`` (``--strict`` makes them fail); the bundled data
keeps only those that cannot be fixed without inventing a date.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from govkg.graph.curated import DATA_DIR, validate
from govkg.graph.curated.lint import lint
from typer.testing import CliRunner

SOURCE = """source:
  id: {id}
  title: Test source
  url: https://example.org/{id}
  published: {published}
  kind: company-announcement

statements:
{statements}"""


@pytest.fixture
def data(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    shutil.copytree(DATA_DIR / "entities", root / "entities")
    (root / "sources").mkdir()
    return root


def write(data: Path, sid: str, statements: str, published: str = "2024-07-23") -> None:
    text = SOURCE.format(id=sid, published=published, statements=statements)
    (data / "sources" / f"{sid}.yaml").write_text(text, encoding="utf-8")


def rules(data: Path) -> list[tuple[str, str]]:
    return [((p.hint or "").removeprefix("lint: "), p.field or "") for p in lint(data)]


def test_open_weights_without_a_weights_date(data: Path) -> None:
    write(
        data,
        "a",
        "  - kind: release\n    model: llama-3.1-405b\n    developer: meta\n"
        "    weights: open-weights-restricted\n",
    )
    assert rules(data) == [("weights-date", "statements[0].weights")]
    write(
        data,
        "b",
        "  - kind: release\n    model: llama-3.1-405b\n    developer: meta\n"
        "    weights_available: 2024-07-23\n",
    )
    assert rules(data) == []


def test_month_precision_in_a_source_dated_that_month(data: Path) -> None:
    stmt = "  - kind: release\n    model: llama-3.1-405b\n    developer: meta\n    date: 2024-07\n"
    write(data, "a", stmt, published="2024-07-23")
    assert rules(data) == [("month-precision", "statements[0].date")]
    write(data, "a", stmt, published="2024-08-02")  # another month: may truly be the month
    assert rules(data) == []
    write(data, "a", stmt, published="2024-07")  # the source itself is month-precision
    assert rules(data) == []


def test_a_status_without_a_start(data: Path) -> None:
    write(
        data,
        "a",
        "  - kind: action\n    actor: us-aisi\n    type: pressure\n    status: ongoing\n"
        "    description: x\n"
        "  - kind: organisation\n    organisation: meta\n    head: mark-zuckerberg\n",
    )
    assert rules(data) == [("no-start", "statements[0].status"), ("no-start", "statements[1].head")]


def test_duplicate_statements(data: Path) -> None:
    stmt = (
        "  - kind: participation\n    party: meta\n    instrument: wh-voluntary-commitments-2023\n"
        "    status: signed\n    date: 2023-07-21\n"
    )
    write(data, "a", stmt + stmt.replace("  - kind", "  - quote: other words\n    kind"))
    assert rules(data) == [("duplicate", "statements[1]")]


def test_alias_equal_to_another_label_or_a_bare_family_name(data: Path) -> None:
    models = data / "entities" / "models.yaml"
    text = models.read_text(encoding="utf-8")
    old = '    aliases: ["Llama-3.3-70B-Instruct"]\n'
    assert old in text
    text = text.replace(old, '    aliases: ["Llama 3.3", "Llama-3.3-70B-Instruct"]\n', 1)
    models.write_text(text, encoding="utf-8")
    write(
        data,
        "a",
        "  - kind: release\n    model: llama-3.3-70b\n    developer: meta\n    family: llama-3.3\n",
    )
    found = [p for p in lint(data) if p.hint == "lint: alias"]
    assert len(found) == 1 and "bare name of its family" in found[0].message


def test_bundled_data_lints_only_what_no_source_dates() -> None:
    found = {(p.hint, p.message.split("'")[1]) for p in lint(DATA_DIR)}
    hints = {h for h, _ in found}
    assert hints <= {"lint: weights-date", "lint: no-start"}
    # undated in every source we could check (see the issue-14 report); Falcon-40B is dated to
    # May 2023 by its weights repository's history (tii-falcon-40b-readme-history-2023-05)
    assert {m for h, m in found if h == "lint: weights-date"} == {"llama-3.1-nemotron-70b"}
    assert validate() == []


def test_validate_cli_prints_lint_warnings_and_strict_fails() -> None:
    from govkg.api.cli.main import app

    ok = CliRunner().invoke(app, ["validate"])
    assert ok.exit_code == 0, ok.output
    assert "lint warning" in ok.output
    strict = CliRunner().invoke(app, ["validate", "--strict"])
    assert strict.exit_code == 1


def test_a_curator_cannot_state_corroborated(data: Path) -> None:
    write(
        data,
        "a",
        "  - kind: participation\n    party: meta\n    instrument: wh-voluntary-commitments-2023\n"
        "    status: signed\n    date: 2023-07-21\n    epistemic: corroborated\n",
    )
    problems = validate(data)
    assert any("computed" in p.message and p.hint == "SHACL shape violation" for p in problems)
    write(
        data,
        "a",
        "  - kind: participation\n    party: meta\n    instrument: wh-voluntary-commitments-2023\n"
        "    status: signed\n    date: 2023-07-21\n    epistemic: claimed\n",
    )
    # (this small data set lacks the releases the entity shapes ask for: only the status matters)
    assert not any("epistemic" in p.message or "computed" in p.message for p in validate(data))

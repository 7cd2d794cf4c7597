"""Scenario files with values the YAML library cannot convert: located errors, never a crash.

ruamel's round-trip loader turns ``2025-02-30`` (and ``0x_``, ``!!int abc``) into an exception
from inside the library. A scenario file is user input, so each case must come back as an
:class:`~govkg.graph.errors.InputError` naming file, line and field: from :func:`parse_scenario`,
from
``govkg analyze scenario FILE`` (exit 1, no traceback) and from ``POST /analysis/scenario``
(a 400 problem).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from govkg.graph.analysis import parse_scenario
from govkg.graph.errors import InputError
from support.cli import invoke
from support.servers import http, in_process_server

HEAD = "scenario:\n  id: x\n  title: X\n"
BAD_DATE = HEAD + (
    "changes:\n  - add: testing-agreement\n    id: a\n    label: A\n    valid_from: 2025-02-30\n"
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (BAD_DATE, "x.yaml:8: changes[0].valid_from: expected a date YYYY-MM-DD, got '2025-02-30'"),
        (
            HEAD + "  as_of: 2026-13-01\nchanges: []\n",
            "x.yaml:4: scenario.as_of: expected a date YYYY-MM-DD, got '2026-13-01'",
        ),
        (
            HEAD + "changes:\n  - rule: licensing\n    label: L\n    effective: 2027-02-29\n",
            "x.yaml:7: changes[0].effective: expected a date YYYY-MM-DD, got '2027-02-29'",
        ),
        (
            HEAD + "changes:\n  - add: participation\n    party: a\n    instrument: b\n"
            "    status: signed\n    date: 2025-01-01 25:00:00\n",
            "x.yaml:9: changes[0].date: expected a date YYYY-MM-DD, got '2025-01-01 25:00:00'",
        ),
        (
            HEAD + "changes:\n  - rule: licensing\n    label: L\n    effective: 2027-01-01\n"
            "    min_parameters: 0x_\n",
            "x.yaml:8: changes[0].min_parameters: expected a number",
        ),
        (
            HEAD + "changes:\n  - rule: licensing\n    label: L\n    effective: 2027-01-01\n"
            "    min_parameters: !!int many\n",
            "x.yaml:8: changes[0].min_parameters: expected a number",
        ),
    ],
)
def test_unconvertible_values_are_located_input_errors(text: str, expected: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_scenario(text, file="x.yaml")
    assert expected in str(caught.value)


def test_a_valid_date_still_parses_to_the_day() -> None:
    scenario = parse_scenario(BAD_DATE.replace("2025-02-30", "2024-02-29"))
    assert scenario.changes[0].fields["valid_from"] == "2024-02-29"


def test_cli_reports_the_bad_date_without_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad-date.yaml"
    bad.write_text(BAD_DATE, encoding="utf-8")
    env_store = tmp_path / "no-store"  # the file is checked before any store is opened
    r = invoke("analyze", "scenario", bad, "--store", env_store)
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stderr
    assert f"{bad}:8: changes[0].valid_from: expected a date YYYY-MM-DD" in r.stderr


def test_http_answers_400_with_the_located_problem(tmp_path: Path) -> None:
    with in_process_server(tmp_path / "store") as server:
        r = http.post(
            server.url + "/analysis/scenario",
            content=BAD_DATE.encode(),
            headers={"Content-Type": "application/yaml"},
            timeout=60,
        )
    assert r.status_code == 400, r.text
    problems = r.json()["problems"]
    assert any(
        p.startswith("<request body>:8: changes[0].valid_from: expected a date") for p in problems
    ), problems

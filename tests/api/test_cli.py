"""The ``govkg`` CLI: exit codes, output formats, help, on real stores in temporary directories.

Most tests run the real ``.venv/bin/govkg`` script in a subprocess (what users run); a few use
typer's CliRunner for speed where only the command logic matters.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from govkg.api.cli.main import app
from govkg.graph.questions import list_questions
from govkg.ontology import ONTOLOGY_FILE, ONTOLOGY_GRAPH
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
GOVKG = Path(sys.executable).parent / "govkg"
ID = "https://w3id.org/govkg/id/"


def govkg(*args: str, store: Path | None = None, **kw) -> subprocess.CompletedProcess:
    """Run the installed ``govkg`` script; ``GOVKG_STORE`` points at ``store`` when given."""
    env = {k: v for k, v in os.environ.items() if k != "GOVKG_STORE"}
    if store is not None:
        env["GOVKG_STORE"] = str(store)
    return subprocess.run(
        [str(GOVKG), *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120, **kw
    )


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store loaded through the CLI itself: the question fixture plus the ontology."""
    path = tmp_path_factory.mktemp("cli") / "store"
    first = govkg("load", str(FIXTURES / "questions.trig"), store=path)
    assert first.returncode == 0, first.stderr
    assert "loaded 192 quads" in first.stdout
    onto = govkg("load", str(ONTOLOGY_FILE), "--graph", str(ONTOLOGY_GRAPH), store=path)
    assert onto.returncode == 0, onto.stderr
    return path


def test_script_exists() -> None:
    assert GOVKG.exists(), "install the project (pip install -e .) to get the govkg script"


def test_ask_json_on_a_real_store(store: Path) -> None:
    r = govkg(
        "ask",
        "open-weights-without-review",
        "--param",
        "as_of=2025-01-01",
        "--format",
        "json",
        store=store,
    )
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["question"] == "open-weights-without-review"
    models = {row["model"].removeprefix(ID): row["status"] for row in data["rows"]}
    assert models["zephyr-7b"] == "modified after review"
    assert models["llama-3.1-70b"] == "unreviewed"
    assert "gpt-4o" not in models and "mistral-7b" not in models


def test_global_store_option_and_csv(store: Path) -> None:
    r = govkg(
        "--store",
        str(store),
        "ask",
        "models-by-developer",
        "-p",
        "developer=meta",
        "--format",
        "csv",
    )
    assert r.returncode == 0, r.stderr
    lines = r.stdout.strip().splitlines()
    assert lines[0].startswith("developer,developerLabel,model,label")
    assert len(lines) == 4


def test_ask_list_names_every_question(store: Path) -> None:
    r = govkg("ask", "--list", "--format", "json", store=store)
    assert r.returncode == 0, r.stderr
    names = [q["name"] for q in json.loads(r.stdout)]
    assert names == [q.name for q in list_questions()]
    table = govkg("ask", "--list", store=store)
    assert table.returncode == 0 and "open-weights-without-review" in table.stdout


@pytest.mark.parametrize(
    ("args", "code", "fragment"),
    [
        (["ask", "open-weights-without-review", "-p", "as_of=tomorrowish"], 1, "expects a date"),
        (["ask", "open-weights-without-revue"], 1, "did you mean open-weights-without-review"),
        (["ask", "models-by-developer", "-p", "developer"], 1, "name=value"),
        (["query", "SELECT WHERE {"], 1, "syntax error"),
        (["load", str(FIXTURES / "broken.ttl")], 1, "broken.ttl:5:15"),
        (["export", "--format", "xlsx"], 1, "graphml"),
        (["no-such-command"], 2, "No such command"),
        (["ask", "--format", "yaml", "--list"], 2, "--format"),
        (["query"], 2, "query text or --file"),
    ],
)
def test_exit_codes(store: Path, args: list[str], code: int, fragment: str) -> None:
    r = govkg(*args, store=store)
    assert r.returncode == code, (r.stdout, r.stderr)
    assert fragment in r.stderr
    assert "Traceback" not in r.stderr


def test_broken_load_leaves_the_store_unchanged(store: Path) -> None:
    before = govkg(
        "query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--format", "json", store=store
    )
    bad = govkg("load", str(FIXTURES / "broken.nt"), "--graph", "https://e.org/g", store=store)
    assert bad.returncode == 1 and "broken.nt:3:49" in bad.stderr
    after = govkg(
        "query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--format", "json", store=store
    )
    assert json.loads(before.stdout) == json.loads(after.stdout)


def test_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    r = govkg("stats", store=tmp_path / "nothing-here")
    assert r.returncode == 1
    assert "govkg build" in r.stderr


# -- CliRunner: command logic without a subprocess per case -----------------------------------

runner = CliRunner()


def test_every_command_has_help_with_examples() -> None:
    commands = ["build", "validate", "load", "query", "ask", "export", "stats", "ontology", "serve"]
    top = runner.invoke(app, ["--help"])
    assert top.exit_code == 0
    for name in commands:
        assert name in top.output
        r = runner.invoke(app, [name, "--help"])
        assert r.exit_code == 0, name
        assert "Examples" in r.output, name
        assert "govkg" in r.output, name


def test_query_formats_and_ask(store: Path) -> None:
    q = "SELECT ?m WHERE { ?m gk:developedBy gkid:meta } ORDER BY ?m"
    tsv = runner.invoke(app, ["--store", str(store), "query", q, "--format", "tsv"])
    assert tsv.exit_code == 0, tsv.output
    assert tsv.output.splitlines() == [
        "m",
        ID + "llama-3-70b",
        ID + "llama-3.1-70b",
        ID + "llama-4",
    ]
    ask = runner.invoke(app, ["--store", str(store), "query", "ASK { gkid:meta ?p ?o }"])
    assert ask.output.strip() == "true"


def test_query_from_file_and_separate_default_graph(store: Path, tmp_path: Path) -> None:
    qfile = tmp_path / "count.rq"
    qfile.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?s gk:developedBy ?o }")
    union = runner.invoke(
        app, ["--store", str(store), "query", "-f", str(qfile), "--format", "csv"]
    )
    assert union.output.splitlines() == ["n", "10"]
    separate = runner.invoke(
        app,
        [
            "--store",
            str(store),
            "query",
            "-f",
            str(qfile),
            "--format",
            "csv",
            "--default-graph",
            "separate",
        ],
    )
    assert separate.output.splitlines() == ["n", "0"]


def _ontology_triples() -> int:
    """Triples of the shipped ontology, which the build loads into its own graph."""
    import pyoxigraph as ox

    return sum(1 for _ in ox.parse(path=str(ONTOLOGY_FILE), format=ox.RdfFormat.TURTLE))


def test_export_and_stats(store: Path, tmp_path: Path) -> None:
    onto = _ontology_triples()
    out = tmp_path / "dump.nq"
    r = runner.invoke(app, ["--store", str(store), "export", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert out.read_text().count("\n") == 192 + onto
    assert not (tmp_path / "dump.nq.partial").exists()
    stats = runner.invoke(app, ["--store", str(store), "stats", "--format", "json"])
    data = json.loads(stats.output)
    assert data["total"] == 192 + onto
    assert data["graphs"][str(ONTOLOGY_GRAPH)] == onto


def test_bundled_data_llama_unreviewed_gpt4o_not(tmp_path: Path) -> None:
    store = tmp_path / "store"
    built = govkg("build", store=store)
    assert built.returncode == 0, built.stderr[-2000:]
    r = govkg("ask", "open-weights-without-review", "--format", "json", store=store)
    assert r.returncode == 0, r.stderr
    labels = [row["label"] for row in json.loads(r.stdout)["rows"]]
    assert any(label.startswith("Llama") for label in labels), labels
    assert "GPT-4o" not in labels

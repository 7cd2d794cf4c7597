"""The ``govkg`` CLI: exit codes, output formats, help, on real stores in temporary directories.

Most tests run the commands in-process (``support.cli.invoke``: typer's CliRunner on the same
app, the same argument handling as the script); the ``test_script_*`` tests run the installed
``govkg`` script in a subprocess, where what matters is what a user's shell sees: the exit code,
no traceback, stdout and stderr kept apart.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from govkg.api.cli.main import app
from govkg.graph.questions import list_questions
from govkg.ontology import ONTOLOGY_FILE, ONTOLOGY_GRAPH
from support.cli import GOVKG, govkg, invoke
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
ID = "https://w3id.org/govkg/id/"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store loaded through the CLI itself: the question fixture plus the ontology."""
    path = tmp_path_factory.mktemp("cli") / "store"
    first = invoke("load", str(FIXTURES / "questions.trig"), store=path)
    assert first.returncode == 0, first.stderr
    assert "loaded 192 quads" in first.stdout
    onto = invoke("load", str(ONTOLOGY_FILE), "--graph", str(ONTOLOGY_GRAPH), store=path)
    assert onto.returncode == 0, onto.stderr
    return path


def test_script_exists() -> None:
    assert GOVKG.exists(), "install the project (pip install -e .) to get the govkg script"


def test_script_exit_codes_and_streams(store: Path) -> None:
    """The installed script: 0/1/2 exit codes, results on stdout, messages on stderr only."""
    ok = govkg("ask", "models-by-developer", "-p", "developer=meta", "--format", "csv", store=store)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("developer,developerLabel,model,label") and ok.stderr == ""
    error = govkg("ask", "open-weights-without-revue", store=store)
    assert error.returncode == 1 and error.stdout == ""
    assert "did you mean open-weights-without-review" in error.stderr
    usage = govkg("no-such-command", store=store)
    assert usage.returncode == 2 and usage.stdout == "" and "No such command" in usage.stderr
    for r in (ok, error, usage):
        assert "Traceback" not in r.stderr


def test_ask_json_on_a_real_store(store: Path) -> None:
    r = invoke(
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
    r = invoke(
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
    r = invoke("ask", "--list", "--format", "json", store=store)
    assert r.returncode == 0, r.stderr
    names = [q["name"] for q in json.loads(r.stdout)]
    assert names == [q.name for q in list_questions()]
    table = invoke("ask", "--list", store=store)
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
    r = invoke(*args, store=store)
    assert r.returncode == code, (r.stdout, r.stderr)
    assert fragment in r.stderr
    assert "Traceback" not in r.stderr


def test_broken_load_leaves_the_store_unchanged(store: Path) -> None:
    before = invoke(
        "query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--format", "json", store=store
    )
    bad = invoke("load", str(FIXTURES / "broken.nt"), "--graph", "https://e.org/g", store=store)
    assert bad.returncode == 1 and "broken.nt:3:49" in bad.stderr
    after = invoke(
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


def test_bundled_data_llama_unreviewed_gpt4o_not(bundled_store: Path) -> None:
    # The session's bundled store is what `govkg build` writes (same build_store); the command
    # itself is run, as a subprocess, by tests/faults/test_faults_kill.py.
    r = invoke("ask", "open-weights-without-review", "--format", "json", store=bundled_store)
    assert r.returncode == 0, r.stderr
    labels = [row["label"] for row in json.loads(r.stdout)["rows"]]
    assert any(label.startswith("Llama") for label in labels), labels
    assert "GPT-4o" not in labels

"""``govkg draft`` end to end: bad input is refused cleanly, output is the data format, ``-o`` is
atomic, and a real store on disk gives "already in the graph" notes.

Bad input (issue 17): an empty file, a binary, a file over the size limit, an unknown
encoding: a clear error naming the file, exit code 1, nothing written.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pyoxigraph as ox
import pytest
from govkg.api.cli.main import app
from govkg.graph.draft import MAX_BYTES
from ruamel.yaml import YAML
from typer.testing import CliRunner

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "draft"
runner = CliRunner()


def draft(*args: str, store: Path | None = None):
    """Run ``govkg draft`` in-process; without a store unless one is given."""
    extra = ["--store", str(store)] if store else ["--no-store"]
    return runner.invoke(app, ["draft", *args, *extra])


def _sparse(path: Path, size: int) -> Path:
    with path.open("wb") as handle:
        handle.truncate(size)
    return path


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "the file is empty"),
        ("blank.html", b"  \n\t\n", "the file is empty"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary file"),
        ("latin.txt", "Garante fined OpenAI \u20ac15m".encode("cp1252"), "not UTF-8"),
        ("bad.html", b'<meta charset="x-klingon"><p>Caf\xe9 signed', "unknown charset"),
        ("wrong.html", b'<meta charset="utf-16"><p>Meta \xff\xfe\xfd signed', "not valid"),
        ("broken.pdf", b"%PDF-1.7\nthis is not a PDF body", "not a readable PDF"),
        ("nothing.html", b"<html><script>x()</script></html>", "no text to draft from"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(tmp_path, name, content, message):
    source = tmp_path / name
    source.write_bytes(content)
    out = tmp_path / "draft.yaml"
    result = draft(str(source), "-o", str(out))
    assert result.exit_code == 1
    assert message in result.stderr and name in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not out.exists() and list(tmp_path.iterdir()) == [source]


def test_a_file_over_the_limit_is_refused_before_it_is_read(tmp_path):
    huge = _sparse(tmp_path / "huge.txt", 100 * 1024 * 1024)  # 100 MB, sparse: no disk used
    result = draft(str(huge), "-o", str(tmp_path / "out.yaml"))
    assert result.exit_code == 1
    assert "huge.txt" in result.stderr and "at most 20 MB" in result.stderr
    assert MAX_BYTES == 20 * 1024 * 1024
    assert not (tmp_path / "out.yaml").exists()


def test_a_missing_file_and_a_folder_are_clear_errors(tmp_path):
    missing = draft(str(tmp_path / "nope.txt"))
    assert missing.exit_code == 1 and "nope.txt: no such file" in missing.stderr
    folder = draft(str(tmp_path))
    assert folder.exit_code == 1 and "not a regular file" in folder.stderr


def test_a_bad_format_is_a_usage_error(tmp_path):
    result = draft(str(FIXTURES / "sb1047-veto.html"), "--format", "xml")
    assert result.exit_code == 2


def test_yaml_draft_is_the_data_format_with_checks(tmp_path):
    out = tmp_path / "draft.yaml"
    result = draft(str(FIXTURES / "meta-gpai-code.html"), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    text = out.read_text(encoding="utf-8")
    data = YAML(typ="safe").load(text)
    assert set(data) == {"source", "statements"}
    assert data["source"]["published"] == "2025-07-18"
    assert data["source"]["publisher"] == "Govkg Test Wire"
    assert "# CHECK:" in text and "Joel Kaplan -> joel-kaplan" in text
    body = (FIXTURES / "meta-gpai-code.html").read_text(encoding="utf-8")
    assert "Meta declined to sign the General-Purpose AI Code of Practice" in body
    kinds = {(s["kind"], s.get("party"), s.get("status")) for s in data["statements"]}
    assert ("participation", "meta", "declined") in kinds
    assert not list(tmp_path.glob(".draft.yaml.*"))  # the temporary file was renamed


def test_json_quotes_are_verbatim_and_text_prints_what_offsets_count(tmp_path):
    pdf = FIXTURES / "nist-aisi-agreements.pdf"
    result = draft(str(pdf), "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    text = draft(str(pdf), "--text").stdout
    assert data["document"]["format"] == "pdf"
    assert data["statements"]
    for st in data["statements"]:
        assert text[st["start"] : st["end"]] == st["quote"]
    assert {"id": "elizabeth-kelly", "kind": "person"}.items() <= data["new_entities"][0].items()
    assert data["store_checked"] is False


def test_utf16_text_with_a_byte_order_mark_is_read(tmp_path):
    source = tmp_path / "utf16.txt"
    source.write_bytes("Meta declined to sign the GPAI Code of Practice.".encode("utf-16"))
    result = draft(str(source), "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["statements"][0]["status"] == "declined"


def test_windows_1252_html_is_read_by_its_declared_charset():
    result = draft(str(FIXTURES / "garante-openai-fine.html"), "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["document"]["encoding"] == "cp1252"
    assert any("\u20ac15 million" in st["quote"] for st in data["statements"])


@pytest.fixture(scope="module")
def built_store(tmp_path_factory) -> Path:
    """The bundled curated data in a real Oxigraph store on disk."""
    from govkg.graph.curated import compile_data
    from govkg.graph.store.embedded import Store

    path = tmp_path_factory.mktemp("draft-store") / "store"
    store = Store.open(path)
    store.load(compile_data().to_nquads(), ox.RdfFormat.N_QUADS)
    store.flush()
    del store
    return path


def test_statements_the_graph_holds_are_noted_with_their_sources(built_store):
    result = draft(
        str(FIXTURES / "paris-summit-declaration.txt"), "--format", "json", store=built_store
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["store_checked"] is True
    by_party = {
        s["party"]: s["known_in"] for s in data["statements"] if s["kind"] == "participation"
    }
    assert by_party["uk-government"] == ["bbc-paris-summit-us-uk-decline-2025-02"]
    assert "paris-summit-statement-2025-02" in by_party["france-government"]
    claims = [s for s in data["statements"] if s["kind"] == "claim"]
    assert claims and all(s["known_in"] == [] for s in claims)
    yaml_text = draft(str(FIXTURES / "paris-summit-declaration.txt"), store=built_store).stdout
    assert "already in the graph from: bbc-paris-summit-us-uk-decline-2025-02" in yaml_text


def test_no_store_means_no_notes_and_no_store_is_created(tmp_path):
    absent = tmp_path / "no-store"
    result = runner.invoke(
        app, ["draft", str(FIXTURES / "llama-3.1-release.txt"), "--store", str(absent)]
    )
    assert result.exit_code == 0, result.stderr
    # The console wraps lines at its width, and where depends on the tmp path's length (longer
    # under an xdist worker): compare with the line breaks undone.
    assert "no 'already in the graph' notes" in " ".join(result.stderr.split())
    assert not absent.exists()
    assert os.listdir(tmp_path) == []


def test_a_draft_validates_once_the_curator_has_done_the_marked_work(tmp_path):
    """The draft is the data format: what validate reports is exactly what it marks."""
    from govkg.graph.curated import DATA_DIR, validate

    yaml = YAML(typ="safe")
    for name, expected in (
        ("meta-gpai-code.html", set()),
        ("paris-summit-declaration.txt", {"britain", "jd-vance"}),  # proposed new entities
    ):
        text = draft(str(FIXTURES / name)).stdout
        path = tmp_path / f"{yaml.load(text)['source']['id']}.yaml"
        path.write_text(text, encoding="utf-8")
        problems = validate(DATA_DIR, files=[path])
        unknown = {p.message.split("'")[1] for p in problems if "unknown id" in p.message}
        assert unknown == expected and len(problems) == len(expected), problems


def test_an_unreachable_endpoint_costs_only_the_notes(tmp_path):
    """With --endpoint set and no server answering, the draft is still written, without notes."""
    import socket
    import subprocess
    import sys

    with socket.socket() as sock:  # a loopback port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    out = tmp_path / "draft.json"
    govkg = Path(sys.executable).parent / "govkg"
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVKG_")}
    done = subprocess.run(
        [str(govkg), "--endpoint", f"http://127.0.0.1:{port}/sparql", "draft",
         str(FIXTURES / "llama-3.1-release.txt"), "--format", "json", "-o", str(out)],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "no 'already in the graph' notes" in done.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["store_checked"] is False and data["statements"]

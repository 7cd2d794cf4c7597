"""``/changes``: the build history as JSON and as an Atom 1.0 feed, filtered, never a 500.

Two real ``govkg build`` runs (typer's CliRunner, real store on disk) over a small data set,
with one status changed between them; the feed must list that change.
"""

from __future__ import annotations

import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from govkg.api.cli.main import app as cli
from govkg.api.http.app import create_app
from govkg.api.settings import Settings
from typer.testing import CliRunner

ATOM = "{http://www.w3.org/2005/Atom}"

ENTITIES = """\
organisations:
  - id: meta
    type: developer
    label: Meta
instruments:
  - id: wh-commitments-2023
    type: voluntary-commitment
    label: White House voluntary AI commitments
"""
SOURCE = """\
source:
  id: wh-2023-07
  title: Voluntary commitments from leading AI companies
  publisher: The White House
  url: https://example.org/wh-2023-07
  published: 2023-07
  kind: press-release
statements:
  - id: meta-signs
    kind: participation
    party: meta
    instrument: wh-commitments-2023
    status: signed
    date: 2023-07-21
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store built twice: the second build changes Meta's status from signed to declined."""
    root = tmp_path_factory.mktemp("changes")
    data, store = root / "data", root / "store"
    (data / "entities").mkdir(parents=True)
    (data / "sources").mkdir()
    (data / "entities" / "registry.yaml").write_text("registry:\n  published: 2026-11-28\n")
    (data / "entities" / "all.yaml").write_text(ENTITIES)
    (data / "sources" / "wh-2023-07.yaml").write_text(SOURCE)
    runner = CliRunner()
    for text in (SOURCE, SOURCE.replace("status: signed", "status: declined")):
        (data / "sources" / "wh-2023-07.yaml").write_text(textwrap.dedent(text))
        result = runner.invoke(cli, ["build", "--store", str(store), "--data", str(data)])
        assert result.exit_code == 0, result.output
    return store


@pytest.fixture(scope="module")
def client(built: Path):  # noqa: ANN201
    with TestClient(create_app(Settings(store=built))) as c:
        yield c


def test_json_lists_the_change_between_two_builds(client: TestClient) -> None:
    r = client.get("/changes", headers={"Accept": "application/json"})
    assert r.status_code == 200
    records = r.json()["records"]
    assert len(records) == 2  # the first build (everything added) and the second
    latest = records[0]
    assert latest["kind"] == "build"
    assert latest["counts"]["statements_changed"] == 1
    (change,) = latest["changes"]
    assert change["statement"] == "https://w3id.org/govkg/statement/wh-2023-07/meta-signs"
    assert change["aspects"] == ["status"]
    assert change["properties"][0]["new"] == ["<https://w3id.org/govkg/concept/declined>"]


def test_atom_feed_is_valid_and_lists_the_change(client: TestClient) -> None:
    r = client.get("/changes", headers={"Accept": "application/atom+xml"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(r.content)
    assert feed.tag == ATOM + "feed"
    for required in ("id", "title", "updated", "author"):
        assert feed.find(ATOM + required) is not None, required
    entries = feed.findall(ATOM + "entry")
    assert len(entries) == 2
    for entry in entries:
        for required in ("id", "title", "updated"):
            assert (entry.findtext(ATOM + required) or "").strip(), required
    assert "meta-signs" in entries[0].findtext(ATOM + "content")
    feedparser = pytest.importorskip("feedparser")
    parsed = feedparser.parse(r.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert "1 changed" in parsed.entries[0].title


def test_format_parameter_overrides_accept(client: TestClient) -> None:
    r = client.get("/changes?format=atom", headers={"Accept": "application/json"})
    assert r.headers["content-type"].startswith("application/atom+xml")
    assert client.get("/changes?format=json").json()["records"]


def test_filters(client: TestClient) -> None:
    assert len(client.get("/changes?entity=meta").json()["records"]) == 2
    assert client.get("/changes?entity=openai").json()["records"] == []
    assert client.get("/changes?since=2999-01-01").json()["records"] == []
    assert len(client.get("/changes?since=2000-01-01").json()["records"]) == 2


@pytest.mark.parametrize(
    "query",
    [
        "since=yesterday",
        "since=2026-13-01",
        "since=2026-1-1",
        "entity=Not%20An%20Id",
        "format=rss",
        "limit=0",
    ],
)
def test_malformed_filters_are_400_problems(client: TestClient, query: str) -> None:
    r = client.get(f"/changes?{query}")
    assert r.status_code == 400, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["detail"]


def test_unacceptable_media_type_is_406(client: TestClient) -> None:
    assert client.get("/changes", headers={"Accept": "image/png"}).status_code == 406


def test_release_cli_writes_a_change_log_and_records_it(tmp_path: Path) -> None:
    data, store = tmp_path / "data", tmp_path / "store"
    (data / "entities").mkdir(parents=True)
    (data / "sources").mkdir()
    (data / "entities" / "registry.yaml").write_text("registry:\n  published: 2026-11-28\n")
    (data / "entities" / "all.yaml").write_text(ENTITIES)
    (data / "sources" / "wh-2023-07.yaml").write_text(SOURCE)
    runner = CliRunner()

    def ok(*args: str) -> str:
        result = runner.invoke(cli, [*args, "--store", str(store)])
        assert result.exit_code == 0, result.output
        return result.output

    ok("build", "--data", str(data))
    ok("release", "--version", "1.0", "-o", str(tmp_path / "r1"), "--date", "2026-12-01")
    (data / "sources" / "wh-2023-07.yaml").write_text(SOURCE.replace("2023-07-21", "2023-07-20"))
    ok("build", "--data", str(data))
    refused = runner.invoke(
        cli, ["release", "--version", "1.1", "-o", str(tmp_path / "r1"), "--store", str(store)]
    )
    assert refused.exit_code == 1 and "not empty" in refused.output
    ok(
        "release",
        "--version",
        "1.1",
        "-o",
        str(tmp_path / "r2"),
        "--previous",
        str(tmp_path / "r1"),
    )
    changes_md = (tmp_path / "r2" / "CHANGES.md").read_text()
    assert "govkg 1.0" in changes_md and "2023-07-20" in changes_md
    assert 'version: "1.1"' in (tmp_path / "r2" / "CITATION.cff").read_text()
    with TestClient(create_app(Settings(store=store))) as client:
        records = client.get("/changes").json()["records"]
    assert [(r["kind"], r["version"]) for r in records] == [
        ("release", "1.1"),
        ("build", None),
        ("release", "1.0"),
        ("build", None),
    ]
    assert records[0]["changes"][0]["aspects"] == ["date"]
    diff = runner.invoke(
        cli, ["diff", str(tmp_path / "r1" / "govkg-1.0.nq.gz"), str(store), "--format", "json"]
    )
    assert diff.exit_code == 0, diff.output
    assert '"statements_changed": 1' in diff.stdout


@pytest.mark.parametrize("bad", ["binary-previous", "missing-rev", "not-a-release"])
def test_release_with_a_bad_previous_writes_nothing(built: Path, tmp_path: Path, bad: str) -> None:
    previous = tmp_path / "previous"
    previous.mkdir()
    if bad == "binary-previous":
        (previous / "govkg-0.9.nq.gz").write_bytes(b"\x1f\x8b" + bytes(range(256)) * 8)
        args = ["--previous", str(previous)]
    elif bad == "missing-rev":
        args = ["--previous-rev", "no-such-revision-xyz"]
    else:
        args = ["--previous", str(previous)]
    out = tmp_path / "release"
    history = built.with_name(built.name + ".changes.jsonl").read_bytes()
    result = CliRunner().invoke(
        cli, ["release", "--version", "2.0", "-o", str(out), "--store", str(built), *args]
    )
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    named = {"binary-previous": "govkg-0.9.nq.gz", "missing-rev": "no-such-revision-xyz"}
    assert named.get(bad, "not a govkg release") in result.output
    assert not out.exists()
    assert not list(tmp_path.glob(".release.tmp-*"))
    assert built.with_name(built.name + ".changes.jsonl").read_bytes() == history

"""``govkg push``: per-graph replace on the server, idempotent, verified; SPARQL Update fallback."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from govkg.graph.push import push
from govkg.graph.store.remote import INSERT_BATCH, RemoteConfig, RemoteStore
from support.cli import Ran, invoke

pytestmark = [pytest.mark.slow, pytest.mark.virtuoso]


def test_repush_is_idempotent(pushed, local_store) -> None:
    for name, remote in pushed.items():
        before = remote.quad_count()
        report = push(local_store, remote)
        assert report.ok, name
        assert remote.quad_count() == before == local_store.quad_count(), name
        assert set(local_store.named_graphs()) <= set(remote.named_graphs()), name


def test_update_fallback_batches_and_replaces(servers, pushed) -> None:
    """Without GSP a graph bigger than Virtuoso's INSERT DATA limit goes in batches."""
    remote = RemoteStore(RemoteConfig(servers.urls["VIRTUOSO_ENDPOINT"], gsp_endpoint=""))
    graph = "http://example.org/push-fallback"
    n = INSERT_BATCH * 2 + 7
    quads = [
        ox.Quad(
            ox.NamedNode(f"http://example.org/s{i}"),
            ox.NamedNode("http://example.org/p"),
            ox.Literal(f'v"{i}\n'),
            ox.NamedNode(graph),
        )
        for i in range(n)
    ]
    for _ in range(2):  # twice: the second replaces, never doubles
        remote.replace_graph(graph, quads)
        assert remote.quad_count(graph) == n
    assert remote.drop_graph(graph)
    assert remote.quad_count(graph) == 0


def test_cli_push_reports_verified_counts(servers, bundled_store) -> None:
    proc = invoke(
        "--store",
        str(bundled_store),
        "--endpoint",
        servers.urls["OXIGRAPH_ENDPOINT"],
        "push",
        "--format",
        "json",
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["ok"] is True
    assert all(g["local"] == g["remote"] > 0 for g in report["graphs"])
    assert len(report["graphs"]) > 100


def test_cli_stats_and_export_over_remote(servers, pushed, local_store, tmp_path) -> None:
    url = servers.urls["VIRTUOSO_ENDPOINT"]
    stats = invoke("--endpoint", url, "stats", "--format", "json")
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout) == local_store.stats()
    out = tmp_path / "all.nq"
    export = invoke("--endpoint", url, "export", "-o", str(out))
    assert export.returncode == 0, export.stderr
    exported = set(ox.parse(path=str(out), format=ox.RdfFormat.N_QUADS))
    assert exported == set(local_store.oxigraph.quads_for_pattern(None, None, None, None))


@pytest.mark.parametrize("backend", ["virtuoso", "oxigraph"])
def test_analysis_same_over_remote(servers, pushed, bundled_store, backend) -> None:
    """`analyze coverage` reads the projection through the backend: same table either way."""
    key = "VIRTUOSO_ENDPOINT" if backend == "virtuoso" else "OXIGRAPH_ENDPOINT"
    runs = []
    for where in (["--store", str(bundled_store)], ["--endpoint", servers.urls[key]]):
        proc = invoke(*where, "analyze", "coverage", "--format", "csv")
        assert proc.returncode == 0, proc.stderr
        runs.append(sorted(proc.stdout.splitlines()))
    assert len(runs[0]) > 10
    assert runs[0] == runs[1]


def test_cli_load_over_remote_is_all_or_nothing(servers, tmp_path) -> None:
    url = servers.urls["OXIGRAPH_ENDPOINT"]
    graph = "http://example.org/cli-loaded"
    good = tmp_path / "good.nt"
    good.write_text('<http://example.org/a> <http://example.org/p> "1" .\n', encoding="utf-8")
    bad = tmp_path / "bad.nt"
    bad.write_text(
        '<http://example.org/b> <http://example.org/p> "2" .\n<http://example.org/c> <x',
        encoding="utf-8",
    )
    remote = RemoteStore(RemoteConfig(url))

    def govkg(path: Path) -> Ran:
        return invoke("--endpoint", url, "load", str(path), "--graph", graph)

    assert govkg(good).returncode == 0
    failed = govkg(bad)
    assert failed.returncode == 1
    assert "bad.nt:2" in failed.stderr and "Traceback" not in failed.stderr
    assert remote.quad_count(graph) == 1
    assert remote.drop_graph(graph)


def test_digest_auth_against_virtuoso(servers, pushed) -> None:
    """Virtuoso's /sparql-auth wants Digest: right credentials answer, wrong ones are a 401."""
    from govkg.graph.errors import AuthenticationError

    url = servers.urls["VIRTUOSO_ENDPOINT"] + "-auth"
    ok = RemoteStore(RemoteConfig(url, user="dba", password="dba", auth="digest"))
    assert ok.quad_count() == pushed["virtuoso"].quad_count() > 0
    wrong = RemoteStore(RemoteConfig(url, user="dba", password="wrong", auth="digest"))
    with pytest.raises(AuthenticationError) as info:
        wrong.quad_count()
    assert url in info.value.message

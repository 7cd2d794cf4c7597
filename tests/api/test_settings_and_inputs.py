"""Bad settings and bad IRIs are refused with a message naming them, never a traceback.

Settings are checked when built (``Settings(...)`` and ``Settings.from_env``), so ``govkg serve``
fails at start-up rather than on the first request; graph names a user types are checked by
``govkg.graph.iris.named_node`` before any store is touched.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from govkg.api.settings import Settings
from govkg.graph.errors import InputError
from govkg.graph.store.embedded import Store
from support.cli import govkg, invoke


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"GOVKG_QUERY_TIMEOUT": "abc"}, "GOVKG_QUERY_TIMEOUT"),
        ({"GOVKG_QUERY_TIMEOUT": "-5"}, "GOVKG_QUERY_TIMEOUT"),
        ({"GOVKG_DEFAULT_GRAPH": "seperate"}, "GOVKG_DEFAULT_GRAPH"),
        ({"GOVKG_WORKERS": "0"}, "GOVKG_WORKERS"),
        ({"GOVKG_MAX_RESULTS": "many"}, "GOVKG_MAX_RESULTS"),
    ],
)
def test_invalid_environment_is_refused_by_name(env: dict[str, str], named: str) -> None:
    with pytest.raises(InputError) as info:
        Settings.from_env(env)
    assert named in info.value.message


def test_environment_sets_workers_results_and_allowlist() -> None:
    s = Settings.from_env(
        {
            "GOVKG_WORKERS": "3",
            "GOVKG_MAX_RESULTS": "500",
            "GOVKG_SERVICE_ALLOWLIST": "https://a.example/sparql, https://b.example/sparql",
            "GOVKG_DEFAULT_GRAPH": "Separate",
        }
    )
    assert (s.workers, s.max_results, s.default_graph) == (3, 500, "separate")
    assert s.service_allowlist == ("https://a.example/sparql", "https://b.example/sparql")


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [
        ({"port": 99999}, "port"),
        ({"query_timeout": 0}, "query_timeout"),
        ({"workers": 0}, "workers"),
    ],
)
def test_invalid_settings_object_is_refused(kwargs: dict, named: str) -> None:
    with pytest.raises(InputError) as info:
        Settings(**kwargs)
    assert named in info.value.message


def test_store_refuses_a_graph_name_that_is_not_an_iri(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "store")
    data = b"<http://a> <http://b> <http://c> ."
    for bad in ("not an iri", "relative", "http://a b"):
        with pytest.raises(InputError) as info:
            store.load(data, ox.RdfFormat.N_TRIPLES, graph=bad)
        assert repr(bad) in info.value.message
    assert store.quad_count() == 0


def test_cli_bad_graph_iri_and_settings_exit_1_without_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "ok.nt"
    source.write_text("<http://a> <http://b> <http://c> .\n", encoding="utf-8")
    store = tmp_path / "store"
    assert invoke("load", str(source), store=store).returncode == 0
    for args in (
        ("load", str(source), "--graph", "not an iri"),
        ("export", "--graph", "relative", "--format", "nt", "-o", str(tmp_path / "x.nt")),
        ("query", "ASK {}", "--graph", "relative"),
    ):
        proc = invoke(*args, store=store)
        assert proc.returncode == 1, (args, proc.stderr)
        assert "is not an absolute IRI" in proc.stderr, proc.stderr
        assert "Traceback" not in proc.stderr
    assert Store.open(store, read_only=True).quad_count() == 1  # nothing was added
    nowhere = tmp_path / "missing-dir" / "x.nt"
    proc = invoke("export", "--format", "nt", "-o", str(nowhere), store=store)
    assert proc.returncode == 1 and f"cannot write {nowhere}" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
    monkeypatch.setenv("GOVKG_REMOTE_TIMEOUT", "abc")
    proc = govkg("--endpoint", "http://127.0.0.1:9/sparql", "stats")
    assert proc.returncode == 1 and "GOVKG_REMOTE_TIMEOUT" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_remote_options_may_follow_the_command() -> None:
    from govkg.api.cli.main import hoist_remote_options

    assert hoist_remote_options(["--store", "s", "ask", "q", "--endpoint=http://x/q"]) == [
        "--store",
        "s",
        "--endpoint=http://x/q",
        "ask",
        "q",
    ]
    # a query text after `--` is left alone, even when it looks like an option
    assert hoist_remote_options(["query", "--", "--endpoint"]) == ["query", "--", "--endpoint"]
    url = "http://127.0.0.1:9/sparql"  # nothing listens on port 9: the option was honoured
    proc = govkg("stats", "--endpoint", url, "--remote-timeout", "2")
    assert proc.returncode == 1, proc.stderr
    assert url in proc.stderr and "No such option" not in proc.stderr

"""W3C SPARQL 1.1 query-evaluation tests through HTTP (the categories of the suite's README)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from support.servers import LiveServer
from support.sparql_suite import expected_failures, load_tests, run_test

EXPECTED = Path(__file__).with_name("expected_failures.txt")

pytestmark = pytest.mark.slow


def test_query_evaluation(conformance_server: LiveServer) -> None:
    tests = load_tests()
    known = expected_failures(EXPECTED)
    failures: dict[str, str] = {}
    with httpx.Client(timeout=60) as client:
        for test in tests:
            try:
                reason = run_test(client, conformance_server.url, test)
            except Exception as exc:  # noqa: BLE001 - a crash of one test is its failure
                reason = f"{type(exc).__name__}: {exc}"
            if reason is not None:
                failures[test.id] = reason
    passed = len(tests) - len(failures)
    print(f"\nSPARQL 1.1 query evaluation: {passed} passed, {len(failures)} failed")
    for test_id, reason in sorted(failures.items()):
        flag = "expected" if test_id in known else "UNEXPECTED"
        print(f"  {flag}: {test_id}: {reason}")
    fixed = sorted(t for t in known if t not in failures and not t.startswith("protocol/"))
    if fixed:
        print("  now passing (remove from expected_failures.txt): " + ", ".join(fixed))
    unexpected = sorted(set(failures) - set(known))
    assert not unexpected, f"unexpected failures: {unexpected}"
    assert len(tests) == 235
    assert passed >= 224

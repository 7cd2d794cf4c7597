"""The W3C SPARQL 1.1 Protocol test suite through HTTP: every test must pass."""

from __future__ import annotations

import httpx
import pytest
from support.protocol_suite import load_protocol_tests, run_protocol_test
from support.servers import LiveServer

pytestmark = pytest.mark.slow


def test_protocol_suite(conformance_server: LiveServer) -> None:
    tests = load_protocol_tests()
    failures: dict[str, list[str]] = {}
    checks = 0
    with httpx.Client(timeout=60) as client:
        for test in tests:
            checks += len(test.requests)
            problems = run_protocol_test(client, conformance_server.url, test)
            if problems:
                failures[test.id] = problems
    passed = len(tests) - len(failures)
    print(f"\nSPARQL 1.1 Protocol: {passed} passed, {len(failures)} failed ({checks} requests)")
    for test_id, problems in failures.items():
        print(f"  FAILED {test_id}: {'; '.join(problems)}")
    assert len(tests) == 34
    assert not failures

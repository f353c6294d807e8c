SHELL := /bin/bash

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=
# Tests run in two pytest-xdist worker processes (CI has two cores); PYTEST_WORKERS=0 runs them in this one.
PYTEST_WORKERS ?= 2
PYTEST_PARALLEL := -n $(PYTEST_WORKERS) --dist loadgroup
# The fast lane leaves out what drives Chromium, starts the multi-node cluster or is marked slow (see README).
FAST_MARKERS := not browser and not multinode and not slow

.PHONY: venv run test test-fast lint messages worker beat bench clean

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -e '.[dev]'
	touch $@

# Development server: SQLite and eager Celery unless DATABASE_URL / REDIS_URL are set.
run: export DEBUG ?= 1
run: venv
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py signing_demo_ca
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver 127.0.0.1:$${PORT:-8000}

# Settings refuse to load with DEBUG off and no SECRET_KEY; tests run with DEBUG off.
test: export SECRET_KEY ?= insecure-test-only-key
test: venv lint
	$(BIN)/python -m pytest $(PYTEST_PARALLEL) $(PYTEST_ARGS)
	$(BIN)/bandit -q -ll -c pyproject.toml -r portal surveys review

# ruff (pycodestyle, pyflakes, import order, McCabe ≤ 12) and its formatter; `make test` runs it first.
LINTED := portal surveys review tests bench manage.py
lint: venv
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)

test-fast: export SECRET_KEY ?= insecure-test-only-key
# Each worker's database is cloned from a migrated template kept between runs (tests/template_db.py). The fast
# lane has none of the folder groups (browser, multi-node, site), so idle workers steal queued tests at the end.
test-fast: export TEST_DB_TEMPLATE = 1
test-fast: venv
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist worksteal -m "$(FAST_MARKERS)" $(PYTEST_ARGS)

messages: venv
	$(BIN)/python manage.py makemessages -l ko --ignore=.venv --ignore=static --ignore=tests --no-obsolete
	$(BIN)/python manage.py compilemessages -l ko --ignore=.venv

worker: venv
	$(BIN)/celery -A portal worker -l info

beat: venv
	$(BIN)/celery -A portal beat -l info

# Benchmarks: gunicorn on PostgreSQL and Redis (127.0.0.1) against a bare view; writes bench/results.json.
# BENCH_N=1000,100000 and BENCH_DURATION=10 (seconds per measurement) by default; see bench/run.py.
bench: venv
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) db.sqlite3 media/

# The portal's two commands (see README.md): `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
export DEBUG ?= 1

.PHONY: run serve test lint bench venv venv-dev system-deps system-deps-test services-check migrate seed worker clean

$(VENV)/bin/python:
	@PYTHON=$$(bin/find-python) && echo "Tạo môi trường ảo với $$PYTHON" && $$PYTHON -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

venv: $(VENV)/.installed
venv-dev: $(VENV)/.installed-dev

system-deps:
	@bin/system-deps run

system-deps-test:
	@bin/system-deps test

migrate: venv
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

# Serves at http://127.0.0.1:8000; with REDIS_URL set a Celery worker runs beside the server. The demo
# asks nobody for a second factor (TWO_FACTOR_DEMO_BYPASS; refused when DEBUG is off): set it to 0 to try it.
run: export TWO_FACTOR_DEMO_BYPASS ?= 1
run: system-deps venv seed
	@if [ -n "$$REDIS_URL" ]; then \
	  echo "REDIS_URL đã đặt: khởi động Celery worker"; \
	  $(VENV)/bin/celery -A tthc_portal worker --loglevel=INFO --concurrency=2 & WORKER=$$!; \
	  trap "kill $$WORKER 2>/dev/null" EXIT INT TERM; \
	  $(PY) manage.py runserver 127.0.0.1:8000; \
	else \
	  $(PY) manage.py runserver 127.0.0.1:8000; \
	fi

# As a province runs it: gunicorn (gunicorn.conf.py), a Celery worker and the beat scheduler, against
# DATABASE_URL (PostgreSQL) and REDIS_URL; migrates and collects the static files first.
serve: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/tthc
serve: export REDIS_URL ?= redis://127.0.0.1:6379/0
serve: system-deps venv services-check
	$(PY) manage.py check --deploy
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput -v0
	@mkdir -p var
	@$(VENV)/bin/celery -A tthc_portal worker --loglevel=INFO & WORKER=$$!; \
	  $(VENV)/bin/celery -A tthc_portal beat --loglevel=INFO --schedule var/celerybeat-schedule & BEAT=$$!; \
	  trap "kill $$WORKER $$BEAT 2>/dev/null" EXIT INT TERM; \
	  $(VENV)/bin/gunicorn -c gunicorn.conf.py

# The suite runs against PostgreSQL and Redis (the machine's own, unless DATABASE_URL / REDIS_URL
# say otherwise): the integration tests start a real Celery worker against them.
test: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/tthc
test: export REDIS_URL ?= redis://127.0.0.1:6379/14
test: lint system-deps-test services-check
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest $(PYTEST_ARGS)

# ruff (format and lint) and mypy (django-stubs) on the modules pyproject.toml lists; `make test` runs it first.
lint: venv-dev
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

services-check: venv
	@$(PY) bin/check-services

# The report batch part needs PostgreSQL and Redis shared with real worker processes.
bench: export BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/tthc_bench
bench: export BENCH_REDIS_URL ?= redis://127.0.0.1:6379/11
bench: venv-dev
	@bin/system-deps bench
	@psql -h 127.0.0.1 -U postgres -lqt 2>/dev/null | cut -d'|' -f1 | grep -qw tthc_bench || createdb -h 127.0.0.1 -U postgres tthc_bench 2>/dev/null || true
	$(PY) bin/bench
	$(PY) bin/bench-load

clean:
	rm -rf $(VENV) var db.sqlite3

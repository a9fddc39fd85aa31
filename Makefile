# Two commands on a fresh Debian/Ubuntu machine with Python 3.11+:
#   make run   — install into .venv, start PostgreSQL and Redis, create the database if
#                missing, migrate, load the demo, serve with the worker and its beat
#   make test  — install, start PostgreSQL and Redis, run the whole suite against them
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

# The test suite runs against the real PostgreSQL and Redis of this machine.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/cong1022
TEST_REDIS_URL ?= redis://127.0.0.1:6379/9
TEST_ENV := DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) \
	CELERY_BROKER_URL=$(TEST_REDIS_URL) DEBUG=false SECURE_SSL_REDIRECT=false \
	DJANGO_ALLOW_ASYNC_UNSAFE=true

# Debian packages: WeasyPrint's libraries and fonts, gettext, the services the project runs
# on (PostgreSQL, with unaccent and pg_trgm, and Redis); for the tests also PDF tools, the
# browser for browser tests, an IMAP server for the mailbox intake, docker-compose to
# check docker-compose.yml, Caddy to try the reverse proxy's configuration, and cairo to
# read the two-factor QR code back in its test.
DEB_RUN := gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation2 \
	fonts-dejavu-core postgresql postgresql-contrib redis-server
DEB_TEST := $(DEB_RUN) poppler-utils chromium dovecot-imapd docker-compose libcairo2 caddy

.PHONY: run test bench lint messages system-run system-test services demo clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet ".[dev]"
	touch $@

.env:
	@key=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))'); \
	sed "s|^SECRET_KEY=.*|SECRET_KEY=$$key|" .env.example > .env; \
	echo "Wrote .env with a fresh SECRET_KEY."

system-run:
	@scripts/install-debian-packages $(DEB_RUN)

system-test:
	@scripts/install-debian-packages $(DEB_TEST)

services:
	@scripts/start-services

# axe-core for the accessibility tests, from the npm registry; reinstalled when the lockfile
# changes. Debian's nodejs and npm are installed only where no npm exists (some machines have
# NodeSource's nodejs, which bundles its own npm and conflicts with Debian's package).
node_modules/.package-lock.json: package-lock.json
	@command -v npm >/dev/null || scripts/install-debian-packages nodejs npm
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

messages: $(VENV)/.installed
	$(PY) manage.py compilemessages --ignore=.venv -v 0

lint: $(VENV)/.installed .env
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache
	$(TEST_ENV) $(VENV)/bin/mypy
	$(PY) manage.py makemigrations --check --dry-run

# On the local PostgreSQL and Redis (the settings' defaults, or DATABASE_URL, REDIS_URL and
# CELERY_BROKER_URL in .env); the database is created once and kept from run to run.
run: system-run $(VENV)/.installed .env services messages
	mkdir -p var/media
	$(PY) scripts/create-database
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py collectstatic --no-input -v 0
	$(PY) manage.py load_demo
	@echo "Serving http://$(HOST):$(PORT)/ with the worker and its beat (Ctrl-C stops both)."
	@trap 'kill 0' EXIT INT TERM; \
	$(VENV)/bin/celery -A config worker --beat --concurrency 1 --loglevel WARNING \
		--schedule var/celerybeat-schedule & \
	$(PY) manage.py runserver --noreload $(HOST):$(PORT)

test: system-test $(VENV)/.installed .env services messages node_modules/.package-lock.json
	mkdir -p var/static
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache
	$(TEST_ENV) $(VENV)/bin/mypy
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run
	$(TEST_ENV) $(PY) -m pytest $(PYTEST_ARGS)

bench: system-test $(VENV)/.installed .env services messages
	$(TEST_ENV) $(PY) manage.py bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var node_modules test-artifacts

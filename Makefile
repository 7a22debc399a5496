# Symptomcheck: `make run` serves the app, `make test` runs the whole suite.
# Both create .venv when needed. `make run` and `make serve` install only what the server needs
# (requirements.txt); `make test`, `make lint` and `make format` also install the test, browser,
# lint and benchmark tools (requirements-dev.txt). Each file is installed once, and again when
# it changes: the second time they are quick.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed-requirements
INSTALLED_DEV := $(VENV)/.installed-requirements-dev
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install install-dev run serve test lint format check-python database clean-database

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Symptomcheck needs Python 3.11 or newer; this is " + sys.version.split()[0] + ". Set PYTHON=python3.11 (or newer).")'

$(INSTALLED): requirements.txt | check-python
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@touch $(INSTALLED)

$(INSTALLED_DEV): requirements-dev.txt $(INSTALLED)
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	@touch $(INSTALLED_DEV)

install: $(INSTALLED)

install-dev: $(INSTALLED_DEV)

# Migrate, and seed an EMPTY database from knowledge/ (published as version 1). Once the database
# holds a knowledge base it is the source of truth and knowledge/ is not loaded (README,
# "Curating the knowledge base"). The embedded PostgreSQL starts on demand and stops when the
# last process using it exits.
database: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_knowledge_base knowledge/
	$(BIN)/python manage.py seed_clinical_vignettes vignettes/development.json

run: database
	@$(BIN)/python -c 'import socket, sys; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); r = s.connect_ex(("$(HOST)", $(PORT))); s.close(); sys.exit("symptomcheck: port $(PORT) on $(HOST) is already in use; stop the other server or run: make run PORT=8001" if r == 0 else 0)'
	@echo "Serving http://$(HOST):$(PORT)/ (admin at /$${ADMIN_PATH:-admin/}); Ctrl-C stops the server and the database."
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Production mode (DEBUG=0) with gunicorn and WhiteNoise. SECRET_KEY comes from the environment,
# or else a random one kept in var/secret-key. Over plain HTTP on this machine by default
# (HTTPS_ONLY=0); behind a TLS proxy run it with HTTPS_ONLY=1 and ALLOWED_HOSTS set.
serve: database
	@mkdir -p var && test -s var/secret-key || $(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))' > var/secret-key
	DEBUG=0 SECRET_KEY=$${SECRET_KEY:-$$(cat var/secret-key)} $(BIN)/python manage.py collectstatic --noinput -v0
	DEBUG=0 HTTPS_ONLY=$${HTTPS_ONLY:-0} ALLOWED_HOSTS=$${ALLOWED_HOSTS:-localhost,127.0.0.1} \
	  SECRET_KEY=$${SECRET_KEY:-$$(cat var/secret-key)} BIND=$(HOST):$(PORT) \
	  $(BIN)/gunicorn -c symptomcheck/gunicorn.conf.py symptomcheck.wsgi

test: install-dev
	$(BIN)/python -m pytest

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean-database:
	rm -rf .pgdata

# Symptomcheck: `make run` serves the app, `make test` runs the whole suite.
# Both create .venv and install requirements.txt when needed; the second time they are quick.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed-requirements
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint format check-python database clean-database

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Symptomcheck needs Python 3.11 or newer; this is " + sys.version.split()[0] + ". Set PYTHON=python3.11 (or newer).")'

$(INSTALLED): requirements.txt | check-python
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@touch $(INSTALLED)

install: $(INSTALLED)

# Migrate and load the knowledge base (publishing it when it changed). The embedded PostgreSQL
# starts on demand and stops when the last process using it exits.
database: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_knowledge_base knowledge/ --publish

run: database
	@$(BIN)/python -c 'import socket, sys; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); r = s.connect_ex(("$(HOST)", $(PORT))); s.close(); sys.exit("symptomcheck: port $(PORT) on $(HOST) is already in use; stop the other server or run: make run PORT=8001" if r == 0 else 0)'
	@echo "Serving http://$(HOST):$(PORT)/ (admin at /$${ADMIN_PATH:-admin/}); Ctrl-C stops the server and the database."
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean-database:
	rm -rf .pgdata

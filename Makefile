# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
INSTALLED := $(VENV)/.installed

.PHONY: run test lint format install migrate demo messages clean bench

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --upgrade pip
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $@

install: $(INSTALLED)

migrate: install
	$(PY) manage.py migrate --noinput

# Links in the demo's emails and calendar files follow HOST and PORT (see SITE_URL).
demo: migrate
	PORTAL_HOST=$(HOST) PORTAL_PORT=$(PORT) $(PY) manage.py seed_demo

# The embedded default: SQLite, no Redis, emails as files under var/mail/, and a Celery
# worker with embedded beat on a broker in var/celery/, so background jobs really run.
run: demo
	@echo ""
	@echo "  Portal:         http://$(HOST):$(PORT)/"
	@echo "  Administration: http://$(HOST):$(PORT)/admin/"
	@echo "  Emails:         var/mail/"
	@echo ""
	@export PORTAL_HOST=$(HOST) PORTAL_PORT=$(PORT); \
	$(VENV)/bin/celery -A portal worker --beat --loglevel=INFO --pool=solo \
		--schedule var/celerybeat-schedule & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(VENV)/bin/pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Update the catalogues after changing texts, then translate and compile them.
messages: install
	$(PY) manage.py makemessages --locale de --locale en --ignore ".venv/*" --ignore "var/*" --no-obsolete
	$(PY) manage.py compilemessages --ignore ".venv/*"

# slots, outbox and calendar run on the local PostgreSQL (BENCH_DATABASE_URL); rounds on
# the kind of database DATABASE_URL names (SQLite without one), each in a throwaway database.
bench: install
	$(PY) -m tests.bench.slots --appointments 500
	$(PY) -m tests.bench.outbox --emails 10000
	$(PY) -m tests.bench.calendar --sizes 10,1000,10000
	$(PY) -m tests.bench.rounds --registrations 200 --sizes 10,1000

clean:
	rm -rf var/ staticfiles/ .pytest_cache/

# The two commands of the README:
#   make run    set up .venv, install, create the SQLite database, seed demo data, serve on http://127.0.0.1:5000
#   make test   install the test dependencies (and Debian's chromium when missing), run the whole suite
# DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test make test   runs the suite on PostgreSQL
# (in a fresh database of its own, created and dropped by the run).
# Production (README "Running in production"):
#   make serve    init-db, then gunicorn (factorysafe/gunicorn_conf.py: SERVE_BIND, SERVE_WORKERS, SERVE_THREADS,
#                 SERVE_TIMEOUT) on DATABASE_URL (SQLite in instance/ when unset), JSON logs
#   make worker   the background job worker on Redis (needs REDIS_URL; without it jobs run inline)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app factorysafe
PYTEST_ARGS ?=

.PHONY: run install install-test translations chromium test serve worker bench

run: install
	$(FLASK) init-db
	$(FLASK) seed-demo --if-empty
	$(FLASK) run --host 127.0.0.1 --port 5000

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	$(MAKE) --no-print-directory translations

install-test: $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	$(MAKE) --no-print-directory translations

translations:
	$(BIN)/pybabel compile --use-fuzzy -d factorysafe/translations 2>&1 | grep -v "^compiling" || true

chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null; \
	  else echo "Debian's chromium is missing: run 'make test' as root once, or 'sudo apt-get install chromium'." >&2; exit 1; fi; \
	fi

test: install-test chromium
	$(BIN)/python -m pytest $(PYTEST_ARGS)

serve: install
	$(FLASK) init-db
	$(BIN)/gunicorn --config python:factorysafe.gunicorn_conf

worker: install
	$(FLASK) worker

# bench/load.py (PostgreSQL, minutes) and bench/seed_demo.py (20,000 factories) run on their own;
# hello_app.py and locustfile.py are their helpers.
bench: install-test
	@for f in bench/*.py; do case $$f in */load.py|*/seed_demo.py|*/hello_app.py|*/locustfile.py) continue;; esac; \
	  echo "== $$f"; $(BIN)/python $$f || exit 1; done

# Material Passport Exchange: set up, run, test and measure.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
# Tests run on both cores; each worker starts its own throwaway PostgreSQL cluster.
PYTEST ?= $(BIN)/python -m pytest -n auto
export FLASK_APP := app

.PHONY: install run serve test test-sqlite test-postgres bench lint format clean messages translations

# The app's catalogues (app/translations/<language>/LC_MESSAGES), compiled for Babel to read.
CATALOGUES := $(wildcard app/translations/*/LC_MESSAGES/messages.po)
SOURCES    := app passports marketplace dashboard mine

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $@

install: $(BIN)/.installed translations

translations: $(CATALOGUES:.po=.mo)

%.mo: %.po $(BIN)/.installed
	$(BIN)/pybabel -q compile -i $< -o $@

## make messages: extract the texts to translate and merge them into every catalogue
messages: $(BIN)/.installed
	$(BIN)/pybabel -q extract -F babel.cfg --no-location --sort-output -o app/translations/messages.pot $(SOURCES)
	$(BIN)/pybabel -q update --no-fuzzy-matching -i app/translations/messages.pot -d app/translations

## make run: virtualenv, migrations, demo data, then serve on http://127.0.0.1:$(PORT)
run: install
	$(BIN)/flask db upgrade
	$(BIN)/flask demo load
	$(BIN)/flask exchange demo
	$(BIN)/flask mine demo
	$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

## make serve: production (gunicorn, several workers, and a job worker) on PostgreSQL; needs
## DATABASE_URL, SECRET_KEY and JOB_QUEUE_URL, see docs/deployment.md. Migrates first, then
## serves on $(PORT).
serve: install
	@test -n "$$DATABASE_URL" || { echo "make serve needs DATABASE_URL=postgresql://user:pass@host/db" >&2; exit 2; }
	@test -n "$$SECRET_KEY" || { echo "make serve needs SECRET_KEY (32+ random characters)" >&2; exit 2; }
	@test -n "$$JOB_QUEUE_URL" || { echo "make serve needs JOB_QUEUE_URL=redis://host:6379/1 (the job queue, see docs/deployment.md)" >&2; exit 2; }
	APP_ENV=production $(BIN)/flask db upgrade
	@# One job worker beside gunicorn, stopped with it (more: docs/deployment.md).
	APP_ENV=production $(BIN)/flask jobs worker & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker' EXIT; \
	trap 'exit 143' TERM INT; \
	APP_ENV=production PORT=$(PORT) $(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

## make test: the whole suite on SQLite, then on a throwaway PostgreSQL cluster
test: install
	./scripts/ensure-debian-packages.sh postgresql chromium redis-server
	$(PYTEST)
	MPX_TEST_DB=postgresql $(PYTEST)

test-sqlite: install
	$(PYTEST)

test-postgres: install
	./scripts/ensure-debian-packages.sh postgresql chromium redis-server
	MPX_TEST_DB=postgresql $(PYTEST)

## make bench: benchmarks with their figures (SQLite and PostgreSQL)
bench: install
	./scripts/ensure-debian-packages.sh postgresql redis-server wrk
	$(BIN)/python -m bench

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache *.egg-info

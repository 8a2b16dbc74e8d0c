# The two set-up commands of the README: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# The development defaults; production sets DEBUG=0 and a real SECRET_KEY.
export DEBUG ?= 1

.PHONY: run test venv lint migrations-check imports bench

# A development .env (DEBUG on, a random SECRET_KEY) for the manage.py commands the README shows. manage.py,
# wsgi, asgi and celery read it; real environment variables win; an existing file is never touched.
.env:
	@printf '# Development settings written by `make`. Production sets real environment variables instead.\nDEBUG=1\nSECRET_KEY=%s\n' \
		"$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" > $@
	@echo "Wrote a development $@ (DEBUG=1 and a random SECRET_KEY)."

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

venv: $(VENV)/.installed

run: venv .env
	$(PY) manage.py migrate --noinput
	HOST=$(HOST) PORT=$(PORT) $(PY) manage.py seed_demo
	$(PY) manage.py setup_periodic_tasks
	HOST=$(HOST) PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(PY) -m honcho start -f Procfile -p $(PORT)

test: venv
	$(PY) -m pytest $(PYTEST_ARGS)

lint: venv
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

migrations-check: venv
	$(PY) manage.py makemigrations --check --dry-run

imports: venv
	$(VENV)/bin/lint-imports

bench: venv
	$(PY) bench/availability.py

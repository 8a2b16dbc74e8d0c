# The two set-up commands of the README: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# The development defaults; production sets DEBUG=0 and a real SECRET_KEY.
export DEBUG ?= 1

.PHONY: run test venv lint migrations-check imports bench

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

venv: $(VENV)/.installed

run: venv
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

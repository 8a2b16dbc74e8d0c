# The two set-up commands of the README: `make run` and `make test`. Everything else is a helper.
# The newest installed Python that the project supports (3.13, 3.12, 3.11), unless PYTHON names one.
SUPPORTS_PY := import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 13))
ifndef PYTHON
PYTHON := $(firstword $(foreach p,python3.13 python3.12 python3.11 python3,$(if $(shell $(p) -c '$(SUPPORTS_PY)' 2>/dev/null && echo ok),$(p))))
endif
VENV ?= .venv
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
	@test -x $(PY) || { \
		[ -n "$(PYTHON)" ] || { echo "No supported Python found: install Python 3.11, 3.12 or 3.13 (or set PYTHON=/path/to/python3.x)." >&2; exit 1; }; \
		$(PYTHON) -c '$(SUPPORTS_PY)' 2>/dev/null \
			|| { echo "$(PYTHON) is not Python 3.11, 3.12 or 3.13: set PYTHON to one of those." >&2; exit 1; }; \
		echo "Creating $(VENV) with $(PYTHON) ($$($(PYTHON) -c 'import sys; print(sys.version.split()[0])'))"; \
		$(PYTHON) -m venv $(VENV); }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

venv: $(VENV)/.installed

run: venv .env
	$(PY) manage.py migrate --noinput
	HOST=$(HOST) PORT=$(PORT) $(PY) manage.py seed_demo
	$(PY) manage.py setup_periodic_tasks
	HOST=$(HOST) PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(PY) -m honcho start -f Procfile -p $(PORT)

# Prints how long the suite took, and on which Python, at the end (pass or fail).
test: venv
	@start=$$(date +%s); $(PY) -m pytest $(PYTEST_ARGS); rc=$$?; \
		echo "make test: $$(( $$(date +%s) - start )) s on Python $$($(PY) -c 'import sys; print(sys.version.split()[0])') (exit $$rc)"; \
		exit $$rc

lint: venv
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

migrations-check: venv
	$(PY) manage.py makemigrations --check --dry-run

imports: venv
	$(VENV)/bin/lint-imports

bench: venv
	$(PY) bench/availability.py

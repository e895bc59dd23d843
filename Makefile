# The entry points a person uses: `make demo` and `make test` (README), plus lint and bench.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000
SCALE ?= 0.1
SEED ?= 1
# `make demo DEMO_FLAGS=--replace-everything` rebuilds over records the demo did not make.
DEMO_FLAGS ?=
CHROMIUM ?= /usr/bin/chromium
# Test processes: one per core (pytest-xdist); WORKERS=0 runs the suite in one process.
WORKERS ?= auto

.PHONY: demo serve test lint bench messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Installed again whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	DEBUG=1 $(BIN)/fupin migrate --no-input
	DEBUG=1 $(BIN)/fupin load_regions
	DEBUG=1 $(BIN)/fupin demo --scale $(SCALE) --seed $(SEED) $(DEMO_FLAGS)
	$(MAKE) --no-print-directory serve

# The background worker runs beside the web server and stops with it.
serve: $(VENV)/.installed
	@echo "Serving on http://$(HOST)/ (Ctrl-C stops the server and the worker)"
	@DEBUG=1 sh -c '$(BIN)/fupin db_worker --no-reload & worker=$$!; \
		trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
		$(BIN)/fupin runserver $(HOST)'

test: $(VENV)/.installed-test
	@if [ ! -x "$(CHROMIUM)" ]; then \
		echo ""; \
		echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
		echo "!! $(CHROMIUM) is missing: the browser tests will be SKIPPED.        "; \
		echo "!! Install it with: sudo apt-get install chromium fonts-noto-cjk      "; \
		echo "!! (With CI=true a missing browser fails the run instead.)            "; \
		echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
		echo ""; \
	fi
	$(BIN)/pytest -n $(WORKERS) $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy fupin
	$(BIN)/lint-imports
	SECRET_KEY=lint-only-secret-key-long-enough-for-the-check $(BIN)/fupin makemigrations --check --dry-run

# Every benchmark runs; the target fails if any missed its limit.
bench: $(VENV)/.installed-test
	@failed=0; for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || failed=1; done; exit $$failed

# Re-extract the strings and fill the Chinese catalogue from tools/zh_hans.py (needs gettext).
messages: $(VENV)/.installed-test
	cd fupin && DEBUG=1 ../$(BIN)/fupin makemessages -l zh_Hans --no-obsolete
	$(BIN)/python tools/zh_hans.py

clean:
	rm -rf $(VENV) build *.egg-info

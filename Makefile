# Two commands do everything on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
export UV_COMPILE_BYTECODE := 1
export UV_LINK_MODE := copy
UV := $(shell command -v uv 2>/dev/null || echo python3 -m uv)
PY := .venv/bin/python
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install browser run test lint bench demo clean

install: .venv/.installed

.venv/.installed: pyproject.toml uv.lock
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	$(UV) sync --frozen
	@touch $@

# Debian's chromium for the browser tests and the PDF charts (playwright cannot download a browser here).
browser: $(CHROMIUM)
$(CHROMIUM):
	$(SUDO) apt-get install -y chromium || ($(SUDO) apt-get update && $(SUDO) apt-get install -y chromium)

run: install
	$(PY) -m mi ensure-db
	$(PY) -m streamlit run app.py

test: install browser
	$(PY) -m pytest -n 2 -p no:cacheprovider

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	.venv/bin/lint-imports

bench: install
	$(PY) -m mi bench --scales 1,10,98 --sessions 1,10,30 --out bench/results.json
	$(PY) -m mi bench --sessions 1,10,30 --ramp 60 --think 10 --out bench/results.json

clean:
	rm -rf .venv data/mi.duckdb data/demo

# Two commands on a fresh machine: `make serve` and `make test` (see README.md).
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
HOST    ?= 127.0.0.1
PORT    ?= 8000

.PHONY: all install system-deps build serve test test-fast bench clean

all: build

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# Debian packages the tests need: a Java runtime (HermiT), Chromium + a CJK font (browser tests),
# Virtuoso (the remote-backend tests). Idempotent; skipped when present.
system-deps:
	bash scripts/install-system-deps.sh

build: $(STAMP)
	$(BIN)/kg build

serve: $(STAMP) build
	$(BIN)/kg serve --host $(HOST) --port $(PORT)

test: $(STAMP) system-deps
	$(BIN)/pytest -q -n 2

# Unit and corpus tests only: no browser, no Virtuoso.
test-fast: $(STAMP)
	$(BIN)/pytest -q -m "not browser and not virtuoso"

bench: $(STAMP) build
	$(BIN)/python bench/lift.py
	$(BIN)/python bench/site.py
	$(BIN)/python bench/validate.py
	$(BIN)/python bench/endpoint.py

clean:
	rm -rf build .pytest_cache test-artifacts

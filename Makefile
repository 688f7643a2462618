# Claimwatch: `make run` and `make test` work on a fresh machine with Python 3.11+.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test faults lint structure duplicates format bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/claimwatch db upgrade
	$(BIN)/claimwatch run

test: $(STAMP)
	$(BIN)/python -m pytest

faults: $(STAMP)
	$(BIN)/python -m pytest tests/faults

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

structure: $(STAMP)
	$(BIN)/python -m pytest tests/test_structure.py tests/test_command_specs.py

duplicates: $(STAMP)
	$(BIN)/pylint --disable=all --enable=duplicate-code --min-similarity-lines=6 \
		--ignore=migrations bot adapters storage

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	$(BIN)/python bench/claims.py
	$(BIN)/python bench/feeds.py
	$(BIN)/python bench/extraction.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis

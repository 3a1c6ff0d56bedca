# The two set-up commands are `make demo` and `make test`; both install what they need.
SHELL := /bin/bash
.DEFAULT_GOAL := help
export UV_PYTHON_DOWNLOADS := never

.PHONY: help setup demo test lint bench clean

help:
	@echo "make demo   load the bundled Staffordshire data and summarise the store"
	@echo "make test   run the whole test suite"
	@echo "make lint   ruff and the import-linter contracts"
	@echo "make bench  run the benchmarks in bench/ and record them"

setup:
	@scripts/bootstrap.sh

demo: setup
	.venv/bin/saferplaces demo

test: setup
	scripts/test-deps.sh
	.venv/bin/ruff check src tests bench
	.venv/bin/lint-imports
	.venv/bin/pytest -n auto

lint: setup
	.venv/bin/ruff check src tests bench
	.venv/bin/lint-imports

bench: setup
	.venv/bin/python bench/ingest.py
	.venv/bin/python bench/hotspots.py

clean:
	rm -rf .venv .tools .pytest_cache

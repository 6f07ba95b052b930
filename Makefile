# `make run` and `make test` bootstrap .venv on first use; nothing else is needed.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.selaras-installed

.PHONY: run test lint bench bytecode clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $(STAMP)

# An editable install leaves the project's modules uncompiled, and where bytecode is not
# written (PYTHONDONTWRITEBYTECODE, a read-only checkout) every command would compile about
# a hundred of them again (0.12 s of each `selaras match`). compileall redoes only the
# modules changed since; Python checks each cached file against its source before use.
bytecode: $(STAMP)
	$(BIN)/python -m compileall -q -j 0 models matcher api cli benchmarks

run: bytecode
	$(BIN)/selaras demo --data data/sample --as-of 2026-03-01

lint: bytecode
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# CI runs every benchmark in its quick mode too: a smoke test that each still runs end to end.
test: lint
	$(BIN)/pytest -q
	$(MAKE) --no-print-directory bench QUICK=1

# Every benchmarks/bench_*.py, one after the other (many minutes); QUICK=1 runs
# each on small inputs in seconds (the numbers then mean nothing).
BENCHMARKS := $(sort $(basename $(notdir $(wildcard benchmarks/bench_*.py))))
bench: bytecode
	@set -e; for name in $(BENCHMARKS); do \
		echo "== benchmarks.$$name$(if $(QUICK), (quick))"; \
		$(BIN)/python -m benchmarks.$$name $(if $(QUICK),--quick); \
	done

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

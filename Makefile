# qualpipe: the two quick-start commands are `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STUDY  ?= study.yaml
# A CPU-only torch keeps the environment near 2.6 GB instead of ~7 GB with a CUDA build.
TORCH_SPEC ?= torch==2.13.0
# tests in 2 processes, one test file per process at a time (pytest-xdist); PYTEST_PARALLEL= runs them in one
PYTEST_PARALLEL ?= -n 2 --dist loadfile

.PHONY: install run test test-slow lint clean

$(BIN)/qualpipe: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet $(TORCH_SPEC)
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(BIN)/qualpipe

install: $(BIN)/qualpipe

run: install
	$(BIN)/qualpipe run --study $(STUDY)

test: install
	$(BIN)/ruff check pipeline tests benchmarks examples
	$(BIN)/python -m pytest -q $(PYTEST_PARALLEL)

# the slow tests (notebooks, fits in new processes, a killed ingest); CI runs them after `make test`
test-slow: install
	$(BIN)/python -m pytest -q -m slow $(PYTEST_PARALLEL)

lint: install
	$(BIN)/ruff check pipeline tests benchmarks examples

clean:
	rm -rf $(VENV) reports/*/ .pytest_cache

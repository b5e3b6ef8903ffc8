# qualpipe: the two quick-start commands are `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STUDY  ?= study.yaml
# A CPU-only torch keeps the environment near 2.6 GB instead of ~7 GB with a CUDA build.
TORCH_SPEC ?= torch==2.13.0

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
	$(BIN)/python -m pytest -q

# the slow tests (notebooks, fits in new processes, a killed ingest); CI runs them after `make test`
test-slow: install
	$(BIN)/python -m pytest -q -m slow

lint: install
	$(BIN)/ruff check pipeline tests benchmarks examples

clean:
	rm -rf $(VENV) reports/*/ .pytest_cache

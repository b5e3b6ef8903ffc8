"""The researchers' notebooks (notebooks/*.ipynb) run from top to bottom on the sample study,
so they never rot; and they are stored without outputs, so a diff shows only what a person wrote.

The slow tests execute each notebook with nbclient in a python3 kernel (ipykernel of this
environment), with the notebooks/ folder as working directory, as Jupyter does. The stages
cache their results on disk, so after the first notebook the others are quick.
"""
from __future__ import annotations

import re
import time
from pathlib import Path

import nbformat
import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
NAMES = ["01_corpus.ipynb", "02_coding_review.ipynb", "03_topics.ipynb", "04_compare_models.ipynb"]
CELL_TIMEOUT = 300  # seconds per cell: a cold cache fits the topic model and trains the coder


def _read(name: str):
    return nbformat.read(NOTEBOOKS / name, as_version=4)


def _code_cells(nb) -> list:
    return [cell for cell in nb.cells if cell.cell_type == "code"]


# -- fast: how the notebooks are stored --------------------------------------------------------

def test_every_notebook_is_executed_by_this_file():
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == sorted(NAMES), (
        "a notebook was added or renamed in notebooks/: list it in NAMES of tests/test_notebooks.py")


@pytest.mark.parametrize("name", NAMES)
def test_notebook_is_stored_without_outputs(name):
    nb = _read(name)
    nbformat.validate(nb)
    assert nb.nbformat == 4
    cells = _code_cells(nb)
    assert cells, f"{name} has no code cells"
    with_output = [i for i, cell in enumerate(nb.cells)
                   if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None)]
    assert not with_output, (
        f"{name}: cells {with_output} hold outputs or an execution count. Clear them before committing "
        f"(jupyter nbconvert --clear-output --inplace notebooks/{name}).")
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"


@pytest.mark.parametrize("name", NAMES)
def test_notebook_uses_the_study_relative_to_the_repo_and_no_private_names(name):
    source = "\n".join(cell.source for cell in _code_cells(_read(name)))
    assert "pipeline.load_study(" in source
    assert not re.search(r"/work/|/home/|/Users/|[A-Z]:\\\\", source), f"{name} names an absolute path"
    private = re.findall(r"pipeline(?:\.\w+)*\._\w+|from pipeline[\w.]* import [^\n]*\b_\w+", source)
    assert not private, f"{name} uses private names of pipeline: {private}"


# -- slow: executing them ----------------------------------------------------------------------

def _execute(name: str):
    from jupyter_client import KernelManager
    from jupyter_client.kernelspec import find_kernel_specs
    from nbclient import NotebookClient

    specs = find_kernel_specs()
    if "python3" not in specs:
        pytest.fail(f"no 'python3' Jupyter kernel (found {sorted(specs)}): install ipykernel in this "
                    "environment (.venv/bin/pip install ipykernel).")
    nb = _read(name)
    km = KernelManager(kernel_name="python3")
    client = NotebookClient(nb, km=km, kernel_name="python3", timeout=CELL_TIMEOUT,
                            resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute()  # raises CellExecutionError, naming the cell, on the first error
    return nb


def _stdout(nb) -> str:
    return "".join(out.get("text", "") for cell in _code_cells(nb) for out in cell.outputs
                   if out.output_type == "stream" and out.name == "stdout")


def _n_images(nb) -> int:
    return sum("image/png" in out.get("data", {}) for cell in _code_cells(nb) for out in cell.outputs)


def _number(pattern: str, text: str) -> int:
    match = re.search(pattern, text)
    assert match, f"the notebook did not print {pattern!r}; it printed:\n{text[:3000]}"
    return int(match.group(1).replace(",", ""))


@pytest.fixture(scope="module")
def study():
    import pipeline

    return pipeline.load_study(REPO / "study.yaml")


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs(name, study):
    started = time.time()
    nb = _execute(name)
    elapsed = time.time() - started
    print(f"{name}: {elapsed:.0f} s")
    out = _stdout(nb)
    assert _n_images(nb) >= 1, f"{name} drew no figure"
    assert "Traceback" not in out

    if name.startswith("01"):
        manifest = pd.read_csv(study.manifest_path, dtype=str, keep_default_na=False)
        assert _number(r"Documents: (\d+)", out) == len(manifest)
        assert _number(r"Known names found: (\d+)", out) == 0
        assert _number(r"ingest refused to run: (\d+) problem", out) == 2  # the broken copy's two faults
    elif name.startswith("02"):
        assert _number(r"Review sheet: (\d+) rows", out) > 0
        assert _number(r"Decisions read: (\d+)", out) == 2  # one accept, one reject, one left blank
        assert _number(r"rows left blank: (\d+)", out) == 1
    elif name.startswith("03"):
        topics = pd.read_csv(study.output_dir / "topics.csv")
        assert _number(r"Topics: (\d+)", out) == int((topics["topic"] >= 0).sum())
        assert _number(r"k-means topics: (\d+)", out) == 6  # the fixed number the notebook asks for
    elif name.startswith("04"):
        index = study.output_dir / "index.html"
        assert index.exists() and index.stat().st_mtime >= started - 1, "the report was not (re)written"
        assert re.search(r"Report written: \S*index\.html", out)
        html = index.read_text(encoding="utf-8")
        assert "dual" in html and "centralised" in html

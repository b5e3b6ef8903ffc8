"""Shared test fixtures."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def shared() -> Path:
    """The project's shared reference material (../shared beside the checkout, or $QUALPIPE_SHARED)."""
    path = Path(os.environ.get("QUALPIPE_SHARED", REPO.parent / "shared"))
    if not path.is_dir():
        pytest.skip(f"shared material not found at {path}; set QUALPIPE_SHARED")
    return path

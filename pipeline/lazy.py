"""A package's public names imported when first used (PEP 562), so that importing the package
(the CLI, a cached stage) does not import pandas, scikit-learn or a stage before it is needed."""
from __future__ import annotations

import importlib
import sys
from typing import Any, Callable


def lazy_getattr(package: str, names: dict[str, str], renames: dict[str, str] | None = None) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package``: ``names`` maps each public name to the module that
    defines it (absolute); ``renames`` maps a public name to its name in that module. A name is
    imported once, then kept in the package like any other."""
    renames = renames or {}

    def __getattr__(name: str) -> Any:
        if name not in names:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(names[name]), renames.get(name, name))
        vars(sys.modules[package])[name] = value
        return value

    return __getattr__


__all__ = ["lazy_getattr"]

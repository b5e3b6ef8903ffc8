"""One registry mechanism for swappable components (transcript readers, coders, topic-model parts),
in the manner of spaCy's registries::

    from pipeline.registry import registry

    @registry("topics.reduction").register("truncated-svd")
    def make_svd(settings, n_units): ...

A registry knows the module that registers its built-in components and imports it (by name, the
first time a name is looked up), so a settings model can check a name without importing the stage
that implements it. This module imports nothing of the package.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

#: registry name -> module that registers its built-in components
BUILTINS = {
    "codebook.readers": "pipeline.stages.refi.codebook",
    "ingest.readers": "pipeline.stages.ingest.formats",
    "coding.coders": "pipeline.stages.coding.code",
    "topics.embedding": "pipeline.stages.topics.components",
    "topics.reduction": "pipeline.stages.topics.components",
    "topics.clustering": "pipeline.stages.topics.components",
    "topics.representation": "pipeline.stages.topics.components",
}


class Registry:
    """Named factories of one kind of component."""

    def __init__(self, name: str, builtins: str | None = None):
        self.name = name
        self.builtins = builtins
        self._items: dict[str, Callable[..., Any]] = {}

    def register(self, name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Decorator: make ``func`` the factory registered as ``name``."""
        def add(func: Callable[..., Any]) -> Callable[..., Any]:
            self._items[name] = func
            return func

        return add

    def unregister(self, name: str) -> None:
        """Forget the factory registered as ``name`` (if any)."""
        self._items.pop(name, None)

    def _load(self) -> None:
        if self.builtins:
            importlib.import_module(self.builtins)

    def names(self) -> list[str]:
        self._load()
        return sorted(self._items)

    def __contains__(self, name: str) -> bool:
        self._load()
        return name in self._items

    def get(self, name: str) -> Callable[..., Any]:
        self._load()
        if name not in self._items:
            raise KeyError(f"unknown {self.name} {name!r}; choose one of: {', '.join(self.names())}")
        return self._items[name]


_REGISTRIES: dict[str, Registry] = {}


def registry(name: str) -> Registry:
    """The registry called ``name`` (made on first use)."""
    if name not in _REGISTRIES:
        _REGISTRIES[name] = Registry(name, BUILTINS.get(name))
    return _REGISTRIES[name]

"""A registry of named topic-model components, in the manner of spaCy's registries.

Four kinds: ``embedding``, ``reduction``, ``clustering``, ``representation``. A study chooses
one name of each in its settings; :func:`register` adds a name::

    from pipeline.stages.topics import register

    @register("reduction", "truncated-svd")
    def make_svd(settings, n_units):
        from sklearn.decomposition import TruncatedSVD
        return TruncatedSVD(settings.n_components, random_state=settings.seed)

Factories take ``(settings, n_units)`` (``embedding`` factories take ``(settings, argument)``,
where ``argument`` is the text after ``:`` in ``sentence-transformers:all-MiniLM-L6-v2``) and
return the object BERTopic expects (an embedder for ``embedding``, see
:mod:`pipeline.stages.topics.embed`). Heavy libraries are imported inside factories.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pipeline.registry import registry
from pipeline.settings.topics import check_component, split_name  # noqa: F401  (re-exported)

KINDS = ("embedding", "reduction", "clustering", "representation")


def _kind(kind: str):
    if kind not in KINDS:
        raise ValueError(f"unknown component kind {kind!r}; use one of {', '.join(KINDS)}")
    return registry(f"topics.{kind}")  # its built-ins: pipeline.stages.topics.components


def register(kind: str, name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator: make ``func`` the factory of component ``name`` of ``kind``."""
    return _kind(kind).register(name)


def names(kind: str) -> list[str]:
    """The registered names of ``kind``."""
    return _kind(kind).names()


def get(kind: str, value: str) -> tuple[Callable[..., Any], str]:
    """The factory of ``value`` and the argument after ``:``."""
    name, argument = split_name(value)
    return _kind(kind).get(name), argument

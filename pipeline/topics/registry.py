"""A registry of named topic-model components, in the manner of spaCy's registries.

Four kinds: ``embedding``, ``reduction``, ``clustering``, ``representation``. A study chooses
one name of each in its settings; :func:`register` adds a name::

    from pipeline.topics import register

    @register("reduction", "truncated-svd")
    def make_svd(settings, n_units):
        from sklearn.decomposition import TruncatedSVD
        return TruncatedSVD(settings.n_components, random_state=settings.seed)

Factories take ``(settings, n_units)`` (``embedding`` factories take ``(settings, argument)``,
where ``argument`` is the text after ``:`` in ``sentence-transformers:all-MiniLM-L6-v2``) and
return the object BERTopic expects (an embedder for ``embedding``, see
:mod:`pipeline.topics.embed`). Heavy libraries are imported inside factories.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

KINDS = ("embedding", "reduction", "clustering", "representation")
_REGISTRY: dict[str, dict[str, Callable[..., Any]]] = {kind: {} for kind in KINDS}


def register(kind: str, name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator: make ``func`` the factory of component ``name`` of ``kind``."""
    if kind not in _REGISTRY:
        raise ValueError(f"unknown component kind {kind!r}; use one of {', '.join(KINDS)}")

    def add(func: Callable[..., Any]) -> Callable[..., Any]:
        _REGISTRY[kind][name] = func
        return func

    return add


def names(kind: str) -> list[str]:
    """The registered names of ``kind``."""
    _load_builtins()
    return sorted(_REGISTRY[kind])


def split_name(value: str) -> tuple[str, str]:
    """``'sentence-transformers:all-MiniLM-L6-v2'`` -> ``('sentence-transformers', 'all-MiniLM-L6-v2')``."""
    name, _, argument = value.partition(":")
    return name.strip(), argument.strip()


def check_component(kind: str, value: str) -> None:
    """Raise ``ValueError`` (shown by pydantic under the field) if ``value`` is not registered."""
    _load_builtins()
    name, argument = split_name(value)
    if kind == "clustering" and name == "auto":
        return
    if name not in _REGISTRY[kind]:
        raise ValueError(f"unknown {kind} {value!r}; choose one of: {', '.join(names(kind))}")
    if name == "sentence-transformers" and not argument:
        raise ValueError("name the model, e.g. 'sentence-transformers:all-MiniLM-L6-v2' or "
                         "'sentence-transformers:/path/to/model'")


def get(kind: str, value: str) -> tuple[Callable[..., Any], str]:
    """The factory of ``value`` and the argument after ``:``."""
    _load_builtins()
    name, argument = split_name(value)
    return _REGISTRY[kind][name], argument


def _load_builtins() -> None:
    import pipeline.topics.components  # noqa: F401  (registers the built-in names)

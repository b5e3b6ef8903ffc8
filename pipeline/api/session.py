"""One ``run``: each stage is computed once and shared by the stages after it; across runs the
disk cache (:mod:`pipeline.api.cache`) skips stages whose inputs did not change."""
from __future__ import annotations

import contextlib
import contextvars
from pathlib import Path

from pipeline.settings import Study, load_study


def as_study(study: Study | str | Path) -> Study:
    return study if isinstance(study, Study) else load_study(study)


# Within one ``run`` (or ``report``) each stage is computed once and shared by the stages after
# it; across runs the disk cache (pipeline.api.cache) skips stages whose inputs did not change.
_MEMO: contextvars.ContextVar[dict | None] = contextvars.ContextVar("qualpipe_memo", default=None)


@contextlib.contextmanager
def session():
    """Share stage results between the API calls made inside the ``with`` block."""
    token = _MEMO.set({}) if _MEMO.get() is None else None
    try:
        yield
    finally:
        if token is not None:
            resources = _MEMO.get().get(_RESOURCES, {})
            _MEMO.reset(token)
            for obj, close in reversed(list(resources.values())):  # e.g. a Dask cluster of the run
                close(obj)


#: the memo's entry for the objects :func:`resource` made in a session
_RESOURCES = ("__resources__",)


def resource(key: tuple, make, close):
    """Within a session: one object ``make()`` per ``key``, shared by the session's stages and
    closed with ``close(obj)`` when the session ends. Outside a session: None."""
    memo = _MEMO.get()
    if memo is None:
        return None
    made = memo.setdefault(_RESOURCES, {})
    if key not in made:
        made[key] = (make(), close)
    return made[key][0]


def release(key: tuple) -> None:
    """Close the session's object :func:`resource` made for ``key`` now, not at the session's end
    (a cluster no later stage needs); nothing outside a session or when there is none."""
    memo = _MEMO.get()
    made = memo.get(_RESOURCES, {}) if memo is not None else {}
    if key in made:
        obj, close = made.pop(key)
        close(obj)


def memo(study: Study, key: tuple, compute):
    memo = _MEMO.get()
    if memo is None:
        return compute()
    key = (str(study.source), id(study)) + key
    if key not in memo:
        memo[key] = compute()
    return memo[key]



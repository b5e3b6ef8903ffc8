"""Import BERTopic without the heavy libraries qualpipe never uses through it.

``import bertopic`` imports torch (``bertopic._save_utils`` checks for it), transformers (its
text-generation and zero-shot representations), sentence-transformers (its multimodal backend),
spaCy (its part-of-speech representation) and plotly with nbformat and jsonschema (its
visualisations): about 10 s of a cold ``qualpipe topics`` on the 2-core machine, up to 25 s
under load, for nothing: qualpipe gives BERTopic its own embedder, saves with pickle and offers
none of those representations. :func:`import_bertopic` imports BERTopic with them kept away for
the duration of that one import (an import finder that answers "not installed" for the packages
not imported yet; ``sys.modules`` is not touched), after registering ``bertopic.plotting`` as a
lazy module: a visualisation still works, importing plotly when first called. The packages
themselves stay importable afterwards (the ``sentence-transformers:`` embedding imports them
when chosen); in that process BERTopic's own TextGeneration, ZeroShotClassification,
PartOfSpeech and multimodal parts say they are not installed.
"""
from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
import threading
from types import ModuleType

#: kept away while BERTopic is imported (a module that is already imported is left alone): torch
#: (``_save_utils``), transformers (the text-generation and zero-shot representations),
#: sentence-transformers (the multimodal backend), spaCy (the part-of-speech representation; it
#: would import thinc, which would remember torch as missing for the whole process)
HEAVY = ("torch", "transformers", "sentence_transformers", "spacy")
_LOCK = threading.Lock()


class _NotHere(importlib.abc.MetaPathFinder):
    """Answers 'not installed' for the heavy packages and their submodules, to the thread that
    imports BERTopic only (another thread's imports are not its business)."""

    def __init__(self, names: tuple[str, ...]):
        self.names = names
        self.thread = threading.get_ident()

    def find_spec(self, fullname, path=None, target=None):
        if fullname.split(".")[0] in self.names and threading.get_ident() == self.thread:
            raise ModuleNotFoundError(f"No module named {fullname!r} (left out while BERTopic is imported)",
                                      name=fullname)
        return None


class _LazyPlotting(ModuleType):
    """Stands for ``bertopic.plotting`` until a visualisation is used: then imports it (and
    plotly) and hands over every attribute."""

    def __getattr__(self, name: str):
        real = self.__dict__.get("_real")
        if real is None:
            if sys.modules.get(self.__name__) is self:
                del sys.modules[self.__name__]
            real = importlib.import_module(self.__name__)
            self.__dict__["_real"] = real
        return getattr(real, name)


def _lazy_plotting() -> None:
    """Register ``bertopic.plotting`` as a lazy module (see :class:`_LazyPlotting`)."""
    package = importlib.util.find_spec("bertopic")
    if "bertopic.plotting" in sys.modules or package is None or not package.submodule_search_locations:
        return
    folder = os.path.join(package.submodule_search_locations[0], "plotting")
    stub = _LazyPlotting("bertopic.plotting", "BERTopic's plotly visualisations, imported when first used")
    # what tools read of every module (inspect.getmodule reads __file__) is there without the import
    stub.__file__, stub.__path__, stub.__package__ = os.path.join(folder, "__init__.py"), [folder], "bertopic.plotting"
    stub.__spec__ = importlib.machinery.ModuleSpec("bertopic.plotting", None, is_package=True)
    sys.modules["bertopic.plotting"] = stub


def import_bertopic() -> ModuleType:
    """The ``bertopic`` package, imported without torch, sentence-transformers and plotly (see
    the module docstring); as it is when it was imported already."""
    if "bertopic" in sys.modules:
        return sys.modules["bertopic"]
    with _LOCK:
        if "bertopic" in sys.modules:
            return sys.modules["bertopic"]
        import scipy.stats  # noqa: F401  - imported first: it asks whether torch is loaded
        import sklearn  # noqa: F401

        _lazy_plotting()
        finder = _NotHere(tuple(name for name in HEAVY if name not in sys.modules))
        sys.meta_path.insert(0, finder)
        try:
            import bertopic
        finally:
            sys.meta_path.remove(finder)
        return bertopic

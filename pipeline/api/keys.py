"""Precise cache keys: which source files a stage runs, and which parts of the codebook it reads.

A stage's key used to include a hash of *all* of qualpipe's source and of the whole codebook file,
so editing a code's definition (read by the report only) or a topic-model module recomputed the
coders. Two narrower, still exact, ingredients replace them:

- :func:`stage_code_hash`: the hash of the source files a stage can execute: the closure of the
  stage's modules under every ``import`` of ``pipeline`` (at module level or inside a function),
  the registry's built-in modules (imported by name) included, plus the glue that calls it
  (``pipeline/api/stages.py``, this module, the cache) and the report's templates. A change in any
  of those files invalidates the stage; a change elsewhere does not.
- :func:`coding_view`: the codebook with the fields the coders, evaluation, agreement and the
  comparison never read (definitions, when to use / not to use, the description) left empty. Those
  stages are *given* this view, so their results cannot depend on the texts left out: keying them
  on the view's hash is exact by construction, not by convention.
"""
from __future__ import annotations

import ast
import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

PACKAGE = Path(__file__).resolve().parents[1]  # the pipeline package

#: modules (and their imports) each cached stage runs; see :func:`stage_code_hash`
STAGE_MODULES: dict[str, tuple[str, ...]] = {
    "ingest": ("pipeline.stages.ingest.corpus", "pipeline.api.inputs"),
    "code": ("pipeline.stages.coding.code", "pipeline.api.inputs"),
    "evaluate": ("pipeline.stages.coding.code", "pipeline.stages.coding.coders",
                 "pipeline.stages.quality.agreement", "pipeline.stages.quality.design", "pipeline.api.inputs"),
    "agreement": ("pipeline.stages.quality.agreement", "pipeline.stages.quality.design", "pipeline.api.inputs"),
    # the topic parts are looked up by name (registry "topics.<kind>"): their module is a root
    "topics": ("pipeline.stages.topics", "pipeline.stages.topics.components"),
    "topic_stability": ("pipeline.stages.topics", "pipeline.stages.topics.components"),
    "compare": ("pipeline.stages.compare.differences",),
    "report": ("pipeline.stages.report.render",),
}
#: files every stage's key includes: the glue that calls the stages and builds their keys
GLUE = ("api/stages.py", "api/keys.py", "api/cache.py", "api/session.py", "api/results.py")
#: folders of non-Python files a stage reads (templates), relative to the package
STAGE_DATA = {"report": ("stages/report/templates",)}
#: glue files of one stage only (the report's caller), relative to the package
STAGE_GLUE = {"report": ("api/reporting.py",), "evaluate": ("api/quality.py",), "agreement": ("api/quality.py",)}
#: codebook fields no cached stage except the report reads (see :func:`coding_view`)
PROSE_FIELDS = ("definition", "when_to_use", "when_not_to_use")


def digest(*parts: Any) -> str:
    """A stable hex digest of JSON-able parts (dicts are sorted)."""
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def _module_path(name: str) -> Path | None:
    rel = Path(*name.split(".")[1:]) if "." in name else Path()
    for candidate in (PACKAGE / rel / "__init__.py", (PACKAGE / rel).with_suffix(".py")):
        if candidate.is_file():
            return candidate
    return None


def _type_checking(node: ast.AST) -> bool:
    test = getattr(node, "test", None) if isinstance(node, ast.If) else None
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _nodes(tree: ast.AST, top_level_only: bool):
    """The nodes of ``tree`` that run (``if TYPE_CHECKING:`` blocks left out); with
    ``top_level_only`` those that run when the module is imported (function bodies left out)."""
    todo = [tree]
    while todo:
        node = todo.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if _type_checking(child):
                continue
            if not (top_level_only and isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))):
                todo.append(child)


@lru_cache(maxsize=None)
def _imports(source: str, top_level_only: bool = False, lookups: bool = True) -> frozenset[str]:
    """``pipeline`` modules named by the imports of a module's source (a ``from x import y``
    counts ``x.y`` when ``y`` is a module), and the built-in modules of the registries it looks
    up by a literal name (imported by name). ``top_level_only``: only the imports run when the
    module is imported. ``lookups=False`` leaves registry look-ups out (the settings only check
    that a name exists)."""
    from pipeline.registry import BUILTINS

    found = set()
    for node in _nodes(ast.parse(source), top_level_only):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("pipeline")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("pipeline"):
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names
                      if _module_path(f"{node.module}.{a.name}") is not None}
        elif (lookups and isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
              and node.func.id == "registry" and node.args and isinstance(node.args[0], ast.Constant)
              and node.args[0].value in BUILTINS):
            found.add(BUILTINS[node.args[0].value])
    return frozenset(found)


def _closure(roots: tuple[str, ...]) -> dict[str, Path]:
    """Modules a stage runs: its roots and everything they import, followed through function-local
    imports too; a package's ``__init__`` that runs only because a submodule is imported counts
    with its module-level imports."""
    seen: dict[str, Path] = {}
    followed: set[str] = set()
    todo = [(name, False) for name in roots]
    while todo:
        name, implicit = todo.pop()
        parts = name.split(".")
        for i in range(1, len(parts) + 1):  # importing a module runs its packages' __init__ first
            module = ".".join(parts[:i])
            top_only = implicit or i < len(parts)
            if module in followed or (top_only and module in seen):
                continue
            path = _module_path(module)
            if path is None:
                continue
            seen[module] = path
            if not top_only:
                followed.add(module)
            source = path.read_text(encoding="utf-8")
            lookups = not module.startswith("pipeline.settings")
            todo.extend((m, False) for m in _imports(source, top_only, lookups))
    return seen


@lru_cache(maxsize=None)
def stage_files(stage: str) -> tuple[Path, ...]:
    """The source (and template) files whose content a stage's cache key covers.

    Parsing the package's modules to follow their imports takes about 2 s, so the lists are kept
    in ``pipeline/__pycache__/qualpipe-stage-files.json`` under the hash of every source file of
    the package (names and contents): any edit to the package computes them again."""
    if stage not in STAGE_MODULES:
        raise KeyError(f"no module list for stage {stage!r}: add it to STAGE_MODULES in {__file__}")
    memo = _stage_files_memo()
    if stage not in memo["stages"]:
        files = set(_closure(STAGE_MODULES[stage]).values()) | {PACKAGE / g for g in GLUE + STAGE_GLUE.get(stage, ())}
        for folder in STAGE_DATA.get(stage, ()):
            files |= {p for p in (PACKAGE / folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts}
        memo["stages"][stage] = sorted(str(p.relative_to(PACKAGE)) for p in files)
        _save_stage_files_memo(memo)
    return tuple(PACKAGE / rel for rel in memo["stages"][stage])


_MEMO_FILE = PACKAGE / "__pycache__" / "qualpipe-stage-files.json"


@lru_cache(maxsize=1)
def _stage_files_memo() -> dict:
    from pipeline.api.runrecord import source_hash

    names = sorted(str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*")
                   if p.is_file() and "__pycache__" not in p.parts)  # a new template counts too
    source = digest(source_hash(), names)
    try:
        memo = json.loads(_MEMO_FILE.read_text(encoding="utf-8"))
        if memo.get("source") == source and isinstance(memo.get("stages"), dict):
            return memo
    except (OSError, ValueError):
        pass
    return {"source": source, "stages": {}}


def _save_stage_files_memo(memo: dict) -> None:
    import os

    try:  # a read-only install computes the lists in each process instead
        _MEMO_FILE.parent.mkdir(exist_ok=True)
        tmp = _MEMO_FILE.with_name(f"{_MEMO_FILE.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(memo, sort_keys=True), encoding="utf-8")
        os.replace(tmp, _MEMO_FILE)
    except OSError:
        pass


@lru_cache(maxsize=None)
def stage_code_hash(stage: str) -> str:
    """Hash of the files of :func:`stage_files` (names and contents)."""
    sha = hashlib.sha256()
    for path in stage_files(stage):
        sha.update(str(path.relative_to(PACKAGE)).encode())
        sha.update(path.read_bytes())
    return sha.hexdigest()[:16]


def coding_view(codebook):
    """A copy of ``codebook`` without the prose only people and the report read (definitions,
    when to use, when not to use, the description): what the coders, evaluation, agreement and
    comparison are given, so that editing a definition does not recompute them."""
    view = codebook.model_copy(deep=True)
    view.description = {}
    for code, _, _ in view.walk():
        for field in PROSE_FIELDS:
            setattr(code, field, {})
    return view


def codebook_hash(codebook) -> str:
    return digest(codebook.model_dump(mode="json"), codebook.source)

"""The layout's rules, read from the source: no import circle, each engine behind one folder, process tricks in runtime/."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import ROOT

PACKAGE = ROOT / "build_tools"

# The outside engines and the one folder each may be imported from.
ENGINES = {"mkdocs": "site", "material": "site", "whoosh": "indexes/whoosh", "pagefind": "indexes/pagefind"}
# Process and memory tricks: only runtime/ forks, collects, frees or ends the process by hand.
TRICKS = {"multiprocessing", "gc", "ctypes", "concurrent.futures.process"}
TRICK_CALLS = {"os._exit", "os.fork", "atexit._run_exitfuncs"}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imports_of(path: Path) -> list[tuple[str, list[str], int]]:
    """Every import of a module, function-local and TYPE_CHECKING ones included: (module, names, line)."""
    found = []
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, [], node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            found.append((base, [alias.name for alias in node.names], node.lineno))
    return found


def internal_targets(module: str, names: list[str]) -> list[str]:
    """The project's modules an import statement reaches: a submodule named in `from x import y`, else x itself."""
    targets = [f"{module}.{name}" for name in names if f"{module}.{name}" in MODULES]
    if module in MODULES and len(targets) < len(names) or not names and module in MODULES:
        targets.append(module)
    return targets


def import_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {name: set() for name in MODULES}
    for name, path in MODULES.items():
        for module, names, _ in imports_of(path):
            graph[name].update(target for target in internal_targets(module, names) if target != name)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def folder_of(path: Path) -> str:
    return str(path.parent.relative_to(PACKAGE))


def test_there_is_no_import_circle():
    assert cycles(import_graph()) == []


def test_the_cycle_finder_finds_a_circle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_private_name_is_imported_from_another_module():
    private = [f"{path.relative_to(ROOT)}:{line}: {module}.{name}"
               for path in MODULES.values() for module, names, line in imports_of(path)
               for name in names if name.startswith("_") and not name.startswith("__") and module.startswith("build_tools")]
    assert private == []


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_each_engine_is_imported_from_one_folder_only(engine):
    allowed = ENGINES[engine]
    outside = [f"{path.relative_to(ROOT)}:{line}" for path in MODULES.values() for module, _, line in imports_of(path)
               if module.split(".")[0] == engine and not (folder_of(path) + "/").startswith(allowed + "/")]
    assert outside == []


def test_process_and_memory_tricks_stay_in_runtime():
    outside = []
    for path in MODULES.values():
        if folder_of(path) == "runtime":
            continue
        source = path.read_text(encoding="utf-8")
        outside += [f"{path.relative_to(ROOT)}:{line}: import {module}" for module, names, line in imports_of(path)
                    if module in TRICKS or any(f"{module}.{name}" in TRICKS for name in names)]
        outside += [f"{path.relative_to(ROOT)}: {call}" for call in TRICK_CALLS if call + "(" in source]
    assert outside == []


def test_the_core_steps_do_not_import_the_site_adapter_or_the_build():
    # load → check → faq → pages are used by the site adapter and the build, never the other way round.
    core = ("build_tools.load", "build_tools.check", "build_tools.faq", "build_tools.pages", "build_tools.text", "build_tools.models")
    graph = import_graph()
    wrong = [f"{name} → {target}" for name in graph if name.startswith(core)
             for target in graph[name] if target.startswith(("build_tools.site", "build_tools.build"))]
    assert wrong == []

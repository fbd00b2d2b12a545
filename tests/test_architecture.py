"""The package's layers, as docs/architecture.md states them, checked from the source.

Every import of a kzfigures module (at module level or inside a function) is an
edge; the rules below are the architecture page's table.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "kzfigures"

#: The data floor: what a figure and an observation are.
DATA = {"errors", "model", "conventions", "parse", "frame", "extract", "_strings", "_version"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """The kzfigures modules ``path`` imports (``from kzfigures.a import b`` counts a.b if it is a module)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "kzfigures":
            found.add(node.module)
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                if candidate in GRAPH_NODES:
                    found.add(candidate)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "kzfigures")
    return found - {"kzfigures"}


#: The hypothesis entry point: it and the strategies import each other, by hypothesis' design.
PLUGIN = "kzfigures._hypothesis_plugin"

FILES = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
GRAPH_NODES = set(FILES)
GRAPH = {name: _imports(path) for name, path in FILES.items()}


def _layer(module: str) -> str:
    short = module.removeprefix("kzfigures.")
    if short.split(".")[0] in DATA:
        return "data"
    if short.startswith("analysis"):
        return "analysis"
    if short.startswith("present"):
        return "present"
    return "face"  # __init__, cli, plot, strategies, datasets, the hypothesis plugin


def test_the_graph_was_read() -> None:
    # An import parser that found nothing would pass every rule below.
    assert "kzfigures.analysis.index" in GRAPH["kzfigures.analysis.estimate"]
    assert "kzfigures.present.words" in GRAPH["kzfigures.present.report"]
    assert _layer("kzfigures.frame") == "data"
    assert _layer("kzfigures.cli") == "face"


@pytest.mark.parametrize("module", sorted(m for m in FILES if _layer(m) == "data"))
def test_the_data_floor_imports_only_the_data_floor(module: str) -> None:
    assert {_layer(m) for m in GRAPH[module]} <= {"data"}, GRAPH[module]


@pytest.mark.parametrize("module", sorted(m for m in FILES if _layer(m) == "analysis"))
def test_an_analysis_never_imports_presentation(module: str) -> None:
    assert {_layer(m) for m in GRAPH[module]} <= {"data", "analysis"}, GRAPH[module]


@pytest.mark.parametrize("module", sorted(m for m in FILES if _layer(m) == "present"))
def test_presentation_modules_share_only_their_wording(module: str) -> None:
    # words and summary are the wording every output shares: the same words everywhere.
    others = {m for m in GRAPH[module] if _layer(m) == "present"} - {
        "kzfigures.present.words",
        "kzfigures.present.summary",
    }
    assert not others, others
    assert {_layer(m) for m in GRAPH[module]} <= {"data", "analysis", "present"}


def test_the_import_graph_has_no_cycle() -> None:
    # Depth-first search with colours; the hypothesis entry point is registered by hypothesis
    # itself and imports the model lazily, so it is no edge of ours.
    state: dict[str, int] = {}
    cycle: list[str] = []

    def visit(node: str, path: list[str]) -> bool:
        state[node] = 1
        for nxt in sorted(GRAPH.get(node, set()) & GRAPH_NODES):
            if state.get(nxt) == 1:
                cycle.extend([*path, node, nxt])
                return True
            if state.get(nxt) is None and visit(nxt, [*path, node]):
                return True
        state[node] = 2
        return False

    for node in sorted(set(GRAPH) - {PLUGIN}):
        state[PLUGIN] = 2  # left out, as the rule says: hypothesis loads it, not we
        if state.get(node) is None and visit(node, []):
            break
    assert not cycle, " -> ".join(cycle)


def test_a_planted_cycle_is_found() -> None:
    # The search above must be able to fail.
    saved = dict(GRAPH)
    try:
        GRAPH["kzfigures.model"] = GRAPH["kzfigures.model"] | {"kzfigures.frame"}
        with pytest.raises(AssertionError, match=r"kzfigures\.model"):
            test_the_import_graph_has_no_cycle()
    finally:
        GRAPH.clear()
        GRAPH.update(saved)


def test_importing_the_package_loads_no_plotting_or_hypothesis() -> None:
    code = "import sys, kzfigures; print(sorted({m.split('.')[0] for m in sys.modules} & {'matplotlib', 'hypothesis'}))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    # and the check sees them when they are loaded
    out = subprocess.run(
        [sys.executable, "-c", code.replace("import sys, kzfigures", "import sys, kzfigures, kzfigures.strategies")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "hypothesis" in out

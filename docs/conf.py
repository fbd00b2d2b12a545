"""Sphinx configuration for the kzfigures documentation.

Why these tools:

- **Sphinx**, because the projects we copy from (attrs, hypothesis, pandera,
  more-itertools) build their documentation with it, and its ``doctest``
  builder runs the examples on the pages, so a page that drifts from the code
  fails the build.
- **furo**, the clean theme those projects use.
- **MyST** (myst-parser), so the pages are Markdown that GitHub also renders,
  and that pytest's ``--doctest-glob='*.md'`` runs as well.
- **numpydoc**, because the docstrings are numpy-style (Parameters, Returns,
  Notes, Examples), as in numpy, pandas and scipy, whose users are ours.
  Napoleon reads the same style, but numpydoc is the reference
  implementation of it and renders *Notes* mathematics and *Examples* as
  those projects do.

Build with warnings as errors (``docs/build.sh``)::

    sphinx-build -n -W --keep-going -b html docs docs/_build/html
    sphinx-build -n -W --keep-going -b doctest docs docs/_build/doctest
"""

from __future__ import annotations

import inspect
import os
import re
import sys
from pathlib import Path
from typing import Any

# Document the source tree, not whatever kzfigures happens to be installed.
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# Headless: never open a window while drawing the tutorial's chart.
os.environ.setdefault("MPLBACKEND", "Agg")

import kzfigures  # noqa: E402

project = "kzfigures"
author = "kzfigures developers"
copyright = "2026, kzfigures developers"
release = kzfigures.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "myst_parser",
    "numpydoc",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.doctest",
    "sphinx.ext.mathjax",
]

source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "README.md"]

# -- Warnings are errors, references must resolve ---------------------------
nitpicky = True
# The build has no network, so there is no intersphinx: names from other
# libraries cannot be linked and are not errors. Names of our own must
# resolve.
nitpick_ignore_regex = [
    (r"py:.*", r"(pandas|pd|numpy|np|npt|scipy|matplotlib|hypothesis|st|attrs|attr|datetime|dt|os|typing)(\..*)?"),
    (r"py:.*", r"(collections\.abc|_io|io|enum|re)\..*"),
    (r"py:class", r"(IO|Any|Callable|Iterable|Iterator|Mapping|Sequence|Literal|SearchStrategy|TextIO|Path)"),
    (r"py:class", r"(DataFrame|Series|Timestamp|Timedelta|ndarray|Axes|Figure|MplFigure|Artist)"),
    (r"py:class", r"(optional|default|array-like|callable|iterable|file-like|path-like)"),
    (r"py:class", r"(kzfigures\..*\.)?_[A-Za-z].*"),  # private helpers named in annotations
]

# -- MyST -------------------------------------------------------------------
myst_enable_extensions = ["colon_fence", "dollarmath", "amsmath", "deflist"]
myst_heading_anchors = 3

# -- autodoc / numpydoc -----------------------------------------------------
autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_preserve_defaults = True
autosummary_generate = False
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
numpydoc_attributes_as_param_list = True

# -- doctest ----------------------------------------------------------------
# The pages' examples are ```{doctest} blocks: the doctest builder runs them
# here, and pytest (--doctest-glob='*.md') runs the same ``>>>`` lines.
# Docstring examples are run by pytest --doctest-modules in their own
# module's namespace (some use the module's names without importing them),
# so the builder does not run them a second time out of context.
doctest_test_doctest_blocks = ""
doctest_default_flags = (
    __import__("doctest").ELLIPSIS
    | __import__("doctest").NORMALIZE_WHITESPACE
    | __import__("doctest").DONT_ACCEPT_TRUE_FOR_1
)
doctest_global_setup = """
import matplotlib
matplotlib.use("Agg")
"""

# -- HTML -------------------------------------------------------------------
html_theme = "furo"
html_title = f"kzfigures {release}"
html_static_path: list[str] = []
html_show_sourcelink = False

# -- The public API page ----------------------------------------------------
# docs/api.md holds a marker; the reference below it is generated from
# ``kzfigures.__all__`` so that the page lists exactly the public API, in
# groups, and never drifts from it.
API_MARKER = "<!-- public-api -->"


def _api_groups() -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {
        "Analyses and I/O": [],
        "Value classes and enums": [],
        "Constants": [],
        "Exceptions": [],
    }
    for name in kzfigures.__all__:
        if name.startswith("_"):
            continue
        obj = getattr(kzfigures, name)
        if inspect.isclass(obj) and issubclass(obj, BaseException):
            groups["Exceptions"].append(name)
        elif inspect.isclass(obj):
            groups["Value classes and enums"].append(name)
        elif callable(obj):
            groups["Analyses and I/O"].append(name)
        else:
            groups["Constants"].append(name)
    return groups


def _constant_doc(name: str) -> str:
    """The ``#:`` comment above a constant where it is defined (autodoc would show its type's docstring)."""
    from sphinx.pycode import ModuleAnalyzer

    for module in sorted(m for m in sys.modules if m.startswith("kzfigures.")):
        docs = ModuleAnalyzer.for_module(module).find_attr_docs()
        if ("", name) in docs:
            return " ".join(line.strip() for line in docs[("", name)] if line.strip())
    raise RuntimeError(f"kzfigures.{name} is public but has no '#:' comment where it is defined")


def _api_markdown() -> str:
    parts = []
    for title, names in _api_groups().items():
        if not names:
            continue
        table = "\n".join(f"   kzfigures.{name}" for name in names)
        entries = []
        for name in names:
            obj = getattr(kzfigures, name)
            if inspect.isclass(obj):
                options = "   :members:\n   :undoc-members:\n   :show-inheritance:"
                entries.append(f".. autoclass:: kzfigures.{name}\n{options}")
            elif callable(obj):
                entries.append(f".. autofunction:: kzfigures.{name}")
            else:
                entries.append(f".. py:data:: kzfigures.{name}\n\n   {_constant_doc(name)}")
        body = "\n\n".join(entries)
        parts.append(f"## {title}\n\n```{{eval-rst}}\n.. autosummary::\n   :nosignatures:\n\n{table}\n\n{body}\n```\n")
    return "\n".join(parts)


def _fill_api(app: Any, docname: str, source: list[str]) -> None:
    if docname == "api" and API_MARKER in source[0]:
        source[0] = source[0].replace(API_MARKER, _api_markdown())


# Pages written for GitHub use ```python fences that open with ">>>"; pytest
# runs them already. Read them as {doctest} blocks so the doctest builder
# runs them too and every page example is checked by both.
_PYCON_FENCE = re.compile(r"^```(?:python|pycon)[ \t]*\n(?=>>> )", re.MULTILINE)


def _doctest_fences(app: Any, docname: str, source: list[str]) -> None:
    source[0] = _PYCON_FENCE.sub("```{doctest}\n", source[0])


def _public_name(app: Any, env: Any, node: Any, contnode: Any) -> Any:
    """Resolve ``Observation`` or ``kzfigures.model.Observation`` to ``kzfigures.Observation``.

    The public API is documented under the names users import; annotations
    and docstrings inside the package name the defining module instead.
    """
    if node.get("refdomain") != "py":
        return None
    name = node["reftarget"].rsplit(".", 1)[-1]
    if name not in kzfigures.__all__ or node["reftarget"] == f"kzfigures.{name}":
        return None
    domain = env.get_domain("py")
    return domain.resolve_xref(env, node["refdoc"], app.builder, node["reftype"], f"kzfigures.{name}", node, contnode)


# -- The tutorial's chart ---------------------------------------------------
# Drawn at build time from the bundled dataset, so the picture on the page is
# what the code draws today (generated files are not committed).
GENERATED = Path(__file__).resolve().parent / "_generated"


def _draw_charts(app: Any) -> None:
    from kzfigures.datasets import kazakhstan_2022
    from kzfigures.present.plot import save, timeline

    GENERATED.mkdir(exist_ok=True)
    frame = kazakhstan_2022()
    estimate = kzfigures.best_estimate(frame)
    found = kzfigures.violations(frame)
    for metric in ("detained", "killed"):
        key = {"metric": metric, "group": "all"}
        chart = timeline(frame, estimate, key=key, violations=found)
        save(chart, GENERATED / f"tutorial-{metric}.png", dpi=110)
    _draw_gallery()


# -- The gallery ------------------------------------------------------------
# docs/gallery_charts.py holds one function per chart; docs/gallery.md shows
# each function (literalinclude) above the PNG drawn here, so the page's code
# is the code that drew the picture. The PNGs go to the ignored _generated/.
def _draw_gallery() -> None:
    from kzfigures.present.plot import save

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import gallery_charts

    for name, draw in gallery_charts.CHARTS.items():
        chart = draw()
        save(chart, GENERATED / f"gallery-{name}.png", dpi=110)
        save(chart, GENERATED / f"gallery-{name}.svg")


def setup(app: Any) -> dict[str, Any]:
    app.connect("builder-inited", _draw_charts)
    app.connect("source-read", _fill_api)
    app.connect("source-read", _doctest_fences)
    app.connect("missing-reference", _public_name)
    return {"parallel_read_safe": True}

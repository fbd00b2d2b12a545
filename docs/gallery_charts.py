"""The gallery's charts: each function draws one, from the bundled dataset.

``docs/conf.py`` calls every function in :data:`CHARTS` when the documentation
is built and writes its PNG to ``docs/_generated/``; ``docs/gallery.md``
shows each function's code beside its picture, so the code on the page is the
code that drew it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import kzfigures
from kzfigures.datasets import kazakhstan_2022
from kzfigures.plot import timeline, vintages


def detained() -> Any:
    frame = kazakhstan_2022()
    return timeline(
        frame,
        kzfigures.best_estimate(frame),
        key={"metric": "detained", "group": "all"},
        violations=kzfigures.violations(frame),
        title="Kazakhstan detained about 8,000 people in four days",
    )


def killed() -> Any:
    frame = kazakhstan_2022()
    return timeline(
        frame,
        kzfigures.best_estimate(frame),
        key="metric=killed,group=all",
        title="The death toll: 164 by January 9",
        speakers="top",
    )


def every_series() -> Any:
    frame = kazakhstan_2022()
    return timeline(frame, kzfigures.best_estimate(frame), violations=kzfigures.violations(frame))


def killed_on_one_scale() -> Any:
    frame = kazakhstan_2022()
    return timeline(
        frame,
        kzfigures.best_estimate(frame),
        key="metric=killed",
        sharey=True,
        title="Most of the dead were counted only as a total",
        theme={"font": ("DejaVu Serif", "serif"), "line": "#8B0000", "palette": ("#1b4f72", "#b9770e", "#117864",
               "#6c3483", "#5d6d7e", "#a93226")},
    )  # fmt: skip


def detained_as_known() -> Any:
    return vintages(
        kazakhstan_2022(),
        key={"metric": "detained", "group": "all"},
        title="What a desk knew: the detention count at the end of each day",
    )


#: Name of the PNG (``gallery-<name>.png``) and the function that draws it.
CHARTS: dict[str, Callable[[], Any]] = {
    "detained": detained,
    "killed": killed,
    "every-series": every_series,
    "killed-on-one-scale": killed_on_one_scale,
    "detained-as-known": detained_as_known,
}

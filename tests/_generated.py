"""Small local hypothesis generators of observation frames for the ranges and violations tests.

Few distinct values on purpose, so that ties (equal lows, equal points, equal times) are common;
highs are sometimes unbounded; times mix day and hour precision within one key.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from hypothesis import strategies as st

from kzfigures.frame import from_frame


@st.composite
def rows(draw: st.DrawFn) -> dict[str, Any]:
    day = draw(st.integers(7, 10))
    hour = draw(st.one_of(st.none(), st.integers(1, 23)))
    low = draw(st.integers(0, 12))
    width = draw(st.one_of(st.none(), st.integers(0, 6)))
    stated = draw(st.one_of(st.none(), st.integers(0, 20)))
    return {
        "metric": draw(st.sampled_from(["detained", "killed"])),
        "as_of": f"2022-01-{day:02d}T{hour or 0:02d}:00+06:00",
        "as_of_precision": "day" if hour is None else "hour",
        "low": low,
        "high": None if width is None else low + width,
        "stated": stated,
        "qualifier": "range" if stated is None else "about",
        "authority": draw(st.sampled_from(["Interior Ministry", "Police", None])),
        "outlet": draw(st.sampled_from(["CNN", "Xinhua", None])),
        "cumulative": draw(st.sampled_from([True, True, True, False])),
    }


@st.composite
def frames(draw: st.DrawFn, *, max_size: int = 14) -> pd.DataFrame:
    records = draw(st.lists(rows(), min_size=1, max_size=max_size))
    raw = pd.DataFrame(records)
    raw["id"] = [f"obs-{i:02d}" for i in draw(st.permutations(range(len(records))))]
    raw["low"] = raw["low"].astype("Int64")
    raw["high"] = raw["high"].astype("Int64")
    raw["stated"] = raw["stated"].astype("Int64")
    return from_frame(raw)


def echo(frame: pd.DataFrame, position: int, outlet: str) -> pd.DataFrame:
    """``frame`` plus one more outlet carrying the (attributed) observation at ``position``."""
    copy = frame.iloc[[position]].copy()
    copy["id"] = copy["id"] + "-echo-" + outlet
    copy["outlet"] = outlet
    return from_frame(pd.concat([frame, copy], ignore_index=True))

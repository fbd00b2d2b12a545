"""A timeline chart of one series: claims, their intervals, the estimate and the violations.

Needs the ``plot`` extra (``pip install "kzfigures[plot]"``, matplotlib).
matplotlib is imported only when :func:`timeline` is called, and the chart is
drawn on a :class:`matplotlib.figure.Figure` made without ``pyplot``: no GUI
backend, no global state, so it works headless (and under ``MPLBACKEND=Agg``).

>>> from kzfigures.datasets import kazakhstan_2022
>>> fig = timeline(kazakhstan_2022(), key={"metric": "detained", "group": "all"})
>>> fig.axes[0].get_title()
'detained: reported figures'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd

from kzfigures.analysis.index import DEFAULT_BY, claim_ids, point_values, speakers, time_slots
from kzfigures.analysis.inputs import key_rows, select_series
from kzfigures.errors import UnknownKeyError
from kzfigures.frame import as_frame
from kzfigures.model import Observation
from kzfigures.present.words import figure_words, key_label

if TYPE_CHECKING:  # pragma: no cover - annotations only; matplotlib is optional
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure as MplFigure

__all__ = ["timeline"]

_INSTALL = 'kzfigures.plot needs matplotlib; install it with: pip install "kzfigures[plot]"'
_MARKERS = ("o", "s", "D", "^", "v", "P", "X", "*", "h", "<", ">")
# The claims of one time slot stand side by side inside the slot's first day
# (from _FIRST_DAY to _FIRST_DAY + _SPREAD_DAYS), right of the date tick, so
# they sit on the same step of the estimate as the day they describe.
_FIRST_DAY = 0.12
_SPREAD_DAYS = 0.6


def _matplotlib() -> Any:
    try:
        import matplotlib
        import matplotlib.dates
        import matplotlib.figure
        import matplotlib.ticker
    except ImportError as error:  # pragma: no cover - exercised by monkeypatching in tests
        raise ImportError(_INSTALL) from error
    return matplotlib


def _local_times(column: pd.Series) -> pd.Series:
    """Wall-clock times in the column's own zone, without the zone (what matplotlib draws)."""
    local: pd.Series = column.dt.tz_localize(None)
    return local


def _speaker_labels(series: pd.DataFrame) -> pd.Series:
    """Legend words for each row's speaker: the authority, else whose own figure it is."""
    own = series["outlet"].astype("string") + " (own figure)"
    unattributed = ("unattributed, via " + series["via"].astype("string")).fillna("unattributed")
    labels: pd.Series = series["authority"].astype("string").fillna(own).fillna(unattributed)
    return labels


def _claims_table(series: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """One row per observation with its claim, speaker, slot, point value and x position.

    The first observation of each claim (earliest published, then id) is the
    claim's marker; the others are its echoes.
    """
    table = pd.DataFrame(
        {
            "id": series["id"].to_numpy(dtype=object),
            "claim": claim_ids(series, by),
            "slot": time_slots(series, by),
            "speaker": speakers(series).to_numpy(dtype=object),
            "label": _speaker_labels(series).to_numpy(dtype=object),
            "low": series["low"].to_numpy(dtype=np.int64),
            "high": series["high"].to_numpy(dtype="float64", na_value=np.nan),
            "point": point_values(series),
            "stated": series["stated"].notna().to_numpy(dtype=bool),
            "start": _local_times(series["as_of"]).to_numpy(),
            "published": series["published"].to_numpy(),
        }
    )
    table = table.sort_values(["claim", "published", "id"], kind="stable", na_position="last")
    table["echo"] = table.duplicated("claim", keep="first")
    # Spread the claims of one slot along its day, in claim order; echoes sit
    # beside their claim.
    claims = table.loc[~table["echo"], ["claim", "slot"]].drop_duplicates()
    rank = claims.groupby("slot").cumcount().to_numpy(dtype=float)
    size = claims.groupby("slot")["claim"].transform("size").to_numpy(dtype=float)
    offset_days = _FIRST_DAY + rank * np.minimum(0.2, _SPREAD_DAYS / size)
    table["offset"] = table["claim"].map(pd.Series(offset_days, index=claims["claim"].to_numpy()))
    slot_start = table.groupby("slot")["start"].transform("min")
    echo_nudge = np.where(table["echo"], 0.07, 0.0)
    table["x"] = slot_start + pd.to_timedelta(table["offset"] + echo_nudge, unit="D")
    return table


def _violation_marks(violations: pd.DataFrame | None, ids: set[str]) -> list[tuple[str, str]]:
    """(observation id, label) for each violation whose later observation is in this series.

    A disagreement (figures of one time from different speakers) is no fall of the count: a
    table that holds some (kind ``disagreement``) marks none of them.
    """
    if violations is None or len(violations) == 0:
        return []
    marks: list[tuple[str, str]] = []
    for later, kind, witness in zip(
        violations["id"].astype(str), violations["kind"].astype(str), violations["witness_id"].astype(str), strict=True
    ):
        if later in ids and kind != "disagreement":
            marks.append((later, f"{kind} vs {witness}"))
    return marks


def timeline(
    observations: pd.DataFrame | Iterable[Observation],
    estimate: Any = None,
    *,
    key: Mapping[str, str] | str | None = None,
    violations: Any = None,
    by: Sequence[str] = DEFAULT_BY,
    ax: Axes | None = None,
) -> MplFigure:
    """Draw one series as a timeline and return the matplotlib Figure.

    Each *claim* (one speaker's figure for one time, however many outlets
    carried it) is one marker, with one colour and marker shape per speaker;
    the echoes of a claim (further observations of it) are drawn as small
    hollow markers beside it. A bounded interval figure ("almost 6,000",
    "thousands") gets an error bar from ``low`` to ``high``; an open-ended
    one ("more than 3,000") an arrow pointing up from ``low``. With an
    ``estimate``, its ``[low, high]`` band is shaded and its ``best`` line
    drawn, both held flat between points (carried forward). Violations are
    circled in red and labelled with their kind and witness.

    Parameters
    ----------
    observations : DataFrame or iterable of Observation
        The observations; only the selected series is drawn.
    estimate : Estimate or DataFrame, optional
        What :func:`kzfigures.best_estimate` returns, or its ``series``
        frame (``time``, ``low``, ``best``, ``high``); only the rows of the
        selected series are drawn.
    key : mapping or str, optional
        Which series to draw: ``{"metric": "detained", "group": "all"}`` or
        ``"metric=detained,group=all"``. Columns of ``by`` left out match any
        value, but the selection must be a single series. Optional when the
        observations hold one series.
    violations : ViolationReport or DataFrame, optional
        What :func:`kzfigures.violations` returns, or its ``frame`` (columns
        ``id``, ``kind``, ``witness_id``); those in the selected series are
        circled and labelled. Disagreements (``ViolationReport.disagreements``)
        are not violations and are not circled.
    by : sequence of str
        The columns that define a series.
    ax : matplotlib Axes, optional
        Draw into these axes; by default a new Figure (constrained layout,
        no pyplot) is made.

    Returns
    -------
    matplotlib.figure.Figure
        The figure holding the chart. Save it with ``fig.savefig("out.png")``.

    Raises
    ------
    ImportError
        If matplotlib is not installed (install the ``plot`` extra).
    kzfigures.UnknownKeyError
        If ``key`` matches no observation.
    kzfigures.InvalidArgumentError
        If ``key`` matches several series, or is malformed.

    Notes
    -----
    The x axis shows wall-clock dates in the observations' own time zone; a
    figure as of a day is drawn at the start of that day, the claims of one
    day side by side just right of its date tick. The y axis is linear, from 0.
    Cost: ``O(n log n)`` for ``n`` observations, plus drawing.

    Examples
    --------
    One mark per claim: the detained series holds 11 observations but 9
    claims (6 state a number and get a marker, 3 are "thousands" and get a
    band), since the Interior Ministry's "more than 3,000" reached readers
    twice (through CNN and a paraphrase of CNN), and so did the Kazakh
    authorities' "about 8,000" (headline and body). The one open-ended
    figure gets an arrow.

    >>> from kzfigures.datasets import kazakhstan_2022
    >>> fig = timeline(kazakhstan_2022(), key="metric=detained,group=all")
    >>> ax = fig.axes[0]
    >>> sum(len(line.get_xdata()) for line in ax.get_lines() if line.get_gid() == "claim")  # stated figures
    6
    >>> sum(len(band.get_segments()) for band in ax.collections if band.get_gid() == "vague-band")  # "thousands"
    3
    >>> [text.get_text() for text in ax.texts if text.get_gid() == "open-ended"]
    ['more than 3,000']
    """
    mpl = _matplotlib()
    series = select_series(as_frame(observations), key, by)
    table = _claims_table(series, by)
    fig: MplFigure
    if ax is None:
        fig = mpl.figure.Figure(figsize=(9, 5), layout="constrained")
        ax = fig.add_subplot()
    else:
        fig = cast("MplFigure", ax.figure)
    zone = series["as_of"].dt.tz
    band = _estimate_steps(_rows_of(getattr(estimate, "series", estimate), series, by), zone)
    top = _top(table, band)

    if band is not None:
        _draw_estimate(ax, band, top)
    _draw_claims(mpl, ax, table, arrow=top * 0.08)
    _label_open_ended(ax, series, table, arrow=top * 0.08)
    _draw_violations(ax, table, _violation_marks(getattr(violations, "frame", violations), set(table["id"])))
    _format_axes(mpl, ax, series, table, by, top, zone)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0, fontsize="small", frameon=False)
    return fig


def _rows_of(table: pd.DataFrame | None, series: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame | None:
    """The rows of ``table`` that belong to the drawn series (all rows if it lacks key columns)."""
    if table is None or len(table) == 0:
        return None
    columns = [c for c in by if c in table.columns]
    if not columns:
        return table
    first = series.iloc[0]
    try:
        return table[key_rows(table, {c: first[c] for c in columns})]
    except UnknownKeyError:
        return None


def _estimate_steps(estimate: pd.DataFrame | None, zone: Any) -> pd.DataFrame | None:
    """The estimate's (x, low, best, high) as steps held to the end of the last day."""
    if estimate is None:
        return None
    time_column = "as_of" if "as_of" in estimate.columns else "time"
    times = pd.to_datetime(estimate[time_column])
    x = (times.dt.tz_convert(zone) if times.dt.tz is not None else times).dt.tz_localize(None)
    steps = pd.DataFrame(
        {
            "x": x.to_numpy(),
            "low": estimate["low"].to_numpy(dtype="float64", na_value=np.nan),
            "best": estimate["best"].to_numpy(dtype="float64", na_value=np.nan),
            "high": estimate["high"].to_numpy(dtype="float64", na_value=np.inf),
        }
    ).sort_values("x", kind="stable")
    last = steps.iloc[[-1]].assign(x=steps["x"].iloc[-1] + pd.Timedelta(days=1))
    return pd.concat([steps, last], ignore_index=True)


def _top(table: pd.DataFrame, band: pd.DataFrame | None) -> float:
    """Top of the y axis: room above every bounded value for the open-ended arrows."""
    values = [table["point"].to_numpy(dtype="float64"), table["high"].to_numpy(dtype="float64")]
    if band is not None:
        values += [band["best"].to_numpy(), band["low"].to_numpy(), band["high"].to_numpy()]
    finite = np.concatenate(values)
    finite = finite[np.isfinite(finite)]
    return max(float(finite.max(initial=0.0)), 1.0) * 1.15


def _draw_estimate(ax: Axes, band: pd.DataFrame, top: float) -> None:
    ax.fill_between(
        band["x"],
        band["low"].fillna(0),
        band["high"].clip(upper=top),
        step="post",
        color="0.85",
        linewidth=0,
        label="estimate: feasible [low, high]",
        gid="estimate-band",
    )
    ax.step(band["x"], band["best"], where="post", color="black", linewidth=2, label="best estimate", gid="best")


def _draw_claims(mpl: Any, ax: Axes, table: pd.DataFrame, *, arrow: float) -> None:
    """One marker per claim, coloured and shaped by speaker; bars, arrows and echoes."""
    colours = mpl.colormaps["tab10"].colors
    claims = table[~table["echo"]]
    for i, (_, speaker_rows) in enumerate(claims.groupby("speaker", sort=False)):
        colour, marker = colours[i % len(colours)], _MARKERS[i % len(_MARKERS)]
        # A figure that states no number ("dozens") is a band from low to high, with no point:
        # a marker would print a number nobody stated.
        vague = speaker_rows[~speaker_rows["stated"] & speaker_rows["high"].notna()]
        if len(vague):
            ax.vlines(
                vague["x"], vague["low"], vague["high"], colors=[colour], linewidth=6, alpha=0.35, gid="vague-band"
            )
        rows = speaker_rows[speaker_rows["stated"]]
        interval = rows[rows["high"].notna() & (rows["high"] > rows["low"])]
        if len(interval):
            ax.errorbar(
                interval["x"],
                interval["point"],
                # Plain arrays: matplotlib 3.8 calls float() on one-element Series, which pandas deprecates.
                yerr=np.vstack(
                    [
                        (interval["point"] - interval["low"]).to_numpy(dtype=float),
                        (interval["high"] - interval["point"]).to_numpy(dtype=float),
                    ]
                ),
                fmt="none",
                ecolor=colour,
                elinewidth=1.5,
                capsize=4,
                gid="interval",
            )
        open_ended = speaker_rows[speaker_rows["high"].isna()]
        for x, low in zip(open_ended["x"], open_ended["low"].to_numpy(dtype=float), strict=True):
            ax.annotate(
                "",
                xy=(x, low + arrow),
                xytext=(x, low),
                arrowprops={"arrowstyle": "-|>", "color": colour, "linewidth": 1.5, "shrinkA": 0, "shrinkB": 0},
                gid="open-ended-arrow",
            )
        ax.plot(
            rows["x"],
            rows["point"],
            linestyle="none",
            marker=marker,
            markersize=8,
            color=colour,
            label=str(speaker_rows["label"].iloc[0]),
            gid="claim",
            zorder=3,
        )
        echoes = table[table["echo"] & table["claim"].isin(rows["claim"])]
        if len(echoes):
            ax.plot(
                echoes["x"],
                echoes["point"],
                linestyle="none",
                marker=marker,
                markersize=4,
                markerfacecolor="none",
                color=colour,
                gid="echo",
                zorder=3,
            )
    if table["echo"].any():
        ax.plot(
            [],
            [],
            linestyle="none",
            marker="o",
            markersize=4,
            markerfacecolor="none",
            color="0.4",
            label="echo: the same claim in another report",
        )


def _label_open_ended(ax: Axes, series: pd.DataFrame, table: pd.DataFrame, *, arrow: float) -> None:
    """Write the words of each open-ended claim ("more than 3,000") at its arrow's tip."""
    words = dict(
        zip(
            series["id"].astype(str),
            (
                figure_words(low, high, stated, qualifier, text)
                for low, high, stated, qualifier, text in zip(
                    series["low"], series["high"], series["stated"], series["qualifier"], series["figure"], strict=True
                )
            ),
            strict=True,
        )
    )
    open_ended = table[~table["echo"] & table["high"].isna()]
    for identifier, x, low in zip(
        open_ended["id"], open_ended["x"], open_ended["low"].to_numpy(dtype=float), strict=True
    ):
        ax.annotate(
            words[str(identifier)],
            xy=(x, low + arrow),
            xytext=(4, 2),
            textcoords="offset points",
            fontsize="small",
            gid="open-ended",
        )


def _draw_violations(ax: Axes, table: pd.DataFrame, marks: list[tuple[str, str]]) -> None:
    """Circle each violating observation in red and say what it violates."""
    if not marks:
        return
    at = table.set_index("id")
    ids = [identifier for identifier, _ in marks]
    ax.scatter(
        at.loc[ids, "x"],
        at.loc[ids, "point"],
        s=260,
        facecolors="none",
        edgecolors="tab:red",
        linewidths=1.5,
        label="violation",
        gid="violation",
        zorder=4,
    )
    for identifier, label in marks:
        ax.annotate(
            label,
            xy=(at.loc[identifier, "x"], at.loc[identifier, "point"]),
            xytext=(8, -14),
            textcoords="offset points",
            fontsize="x-small",
            color="tab:red",
            gid="violation-label",
        )


def _format_axes(
    mpl: Any, ax: Axes, series: pd.DataFrame, table: pd.DataFrame, by: Sequence[str], top: float, zone: Any
) -> None:
    first = series.iloc[0]
    ax.set_title(
        f"{key_label(*(str(first[c]) for c in DEFAULT_BY))}: reported figures"
        if tuple(by) == DEFAULT_BY
        else ", ".join(f"{c}={first[c]}" for c in by)
    )
    ax.set_ylabel(f"{first['metric']} (count)")
    ax.set_xlabel(f"as of (dates in {zone})")
    ax.set_ylim(0, top)
    start = table["start"].min().floor("D")
    ax.set_xlim(start - pd.Timedelta(hours=12), table["start"].max().floor("D") + pd.Timedelta(days=1))
    ax.xaxis.set_major_locator(mpl.dates.DayLocator())
    ax.xaxis.set_major_formatter(mpl.dates.DateFormatter("%b %d"))
    ax.yaxis.set_major_formatter(mpl.ticker.StrMethodFormatter("{x:,.0f}"))
    ax.grid(axis="y", color="0.9")
    ax.set_axisbelow(True)

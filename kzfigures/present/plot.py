"""Timeline charts a newsroom can publish: reported figures, the estimate, what was set aside.

Needs the ``plot`` extra (``pip install "kzfigures[plot]"``, matplotlib).
matplotlib is imported only when :func:`timeline` is called, and the chart is
drawn on a :class:`matplotlib.figure.Figure` made without ``pyplot``: no GUI
backend, no global state, so it works headless (and under ``MPLBACKEND=Agg``).

One series is one panel; several are small multiples, a grid of panels on one
time axis. The chart follows the conventions of published newsroom graphics:
a title, a subtitle that says what the marks, the band and the line are, one
legend of at most six entries (speakers grouped), direct labels that never
overlap, dates with their year, a source line, and no internal codes or
observation ids anywhere.

>>> from kzfigures.datasets import kazakhstan_2022
>>> fig = timeline(kazakhstan_2022(), key={"metric": "detained", "group": "all"})
>>> fig.texts[0].get_text()
'Detained: reported figures'
>>> len(timeline(kazakhstan_2022()).axes)  # twelve series, twelve panels
12
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

import attrs
import numpy as np
import pandas as pd

from kzfigures.analysis.index import DEFAULT_BY, ClaimIndex, annotate, check_by, first_rows, point_values
from kzfigures.analysis.inputs import key_rows, select_key, select_series
from kzfigures.analysis.vintages import replay
from kzfigures.errors import InvalidArgumentError, UnknownKeyError
from kzfigures.frame import as_frame
from kzfigures.model import Observation
from kzfigures.present.words import (
    UNNAMED,
    ObservationWords,
    date_words,
    series_words,
    speaker_name,
    speakers_text,
    who_said,
)

if TYPE_CHECKING:  # pragma: no cover - annotations only; matplotlib is optional
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure as MplFigure

__all__ = ["MAX_PANELS", "SPEAKER_GROUPS", "Theme", "save", "timeline", "vintages"]

_INSTALL = 'kzfigures.plot needs matplotlib; install it with: pip install "kzfigures[plot]"'

#: The most panels one chart draws; a key that selects more series is refused.
MAX_PANELS = 48
#: The ways :func:`timeline` groups speakers into legend entries.
SPEAKER_GROUPS: tuple[str, ...] = ("kind", "top")
#: The most legend entries a chart shows.
_MAX_LEGEND = 6
# The claims of one time slot stand side by side inside the slot's first period, a
# day or an hour (from _FIRST_DAY to _FIRST_DAY + _SPREAD_DAYS of it), right of its tick.
_FIRST_DAY = 0.12
_SPREAD_DAYS = 0.6
# Words for the reasons the estimate sets a figure aside (Estimate.set_aside["reason"]).
_REASONS = {
    "superseded": "later figures are lower",
    "outweighed": "a heavier figure contradicts it",
    "outvoted": "most figures contradict it",
}
_KIND_LABELS = ("Authorities", "Media (own figures)", "Unnamed sources")


def _positive(instance: Theme, attribute: attrs.Attribute[float], value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise InvalidArgumentError(f"theme {attribute.name!r} must be > 0 (got {value!r})")


def _names(value: str | Iterable[str]) -> tuple[str, ...]:
    """One name, or several: ``"Georgia"`` is ``("Georgia",)``, not its letters."""
    return (value,) if isinstance(value, str) else tuple(value)


def _colours(instance: Theme, attribute: attrs.Attribute[tuple[str, ...]], value: tuple[str, ...]) -> None:
    if len(value) < _MAX_LEGEND - 1:
        raise InvalidArgumentError(f"theme {attribute.name!r} needs at least {_MAX_LEGEND - 1} colours (got {value!r})")


@attrs.frozen(kw_only=True)
class Theme:
    """A newsroom's fonts, colours and sizes for :func:`timeline`.

    Colours are any matplotlib colour (``"#0072B2"``, ``"tab:blue"``); sizes
    are in points, widths and heights in inches. Pass a :class:`Theme`, or a
    mapping of the fields to change (``theme={"font": ("Georgia",)}``).

    Attributes
    ----------
    font : tuple of str
        Font families, first choice first (matplotlib falls back along them).
    title_size, subtitle_size, text_size, small_size : float
        The title, the subtitle, panel titles, labels and ticks, the source line.
    ink, muted, grid, background : str
        Text, secondary text (subtitle, source, ticks), grid lines, the page.
    line, band : str
        The best-estimate line and the estimate's band.
    palette : tuple of str
        Speaker colours, in legend order (colour-blind safe by default, after Okabe and Ito).
    others : str
        The colour of "Other sources" and of figures from unnamed sources.
    set_aside : str
        The ring and label of a figure the estimate set aside.
    width : float
        The figure's width in inches.
    panel_height : float
        The height of one panel in inches when several are drawn (one panel gets ``width / 2``).
    dpi : float
        Dots per inch of the figure, and so of a PNG that :func:`save` writes.

    Examples
    --------
    >>> Theme(font=("Georgia", "serif"), line="#111111").title_size
    15.0
    >>> Theme(width=0)
    Traceback (most recent call last):
    ...
    kzfigures.errors.InvalidArgumentError: theme 'width' must be > 0 (got 0)
    """

    font: tuple[str, ...] = attrs.field(default=("DejaVu Sans", "sans-serif"), converter=_names)
    title_size: float = attrs.field(default=15.0, validator=_positive)
    subtitle_size: float = attrs.field(default=10.0, validator=_positive)
    text_size: float = attrs.field(default=9.0, validator=_positive)
    small_size: float = attrs.field(default=8.0, validator=_positive)
    ink: str = "#1a1a1a"
    muted: str = "#5c5c5c"
    grid: str = "#e3e3e3"
    background: str = "white"
    line: str = "#1a1a1a"
    band: str = "#dcdcdc"
    palette: tuple[str, ...] = attrs.field(
        default=("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00"), converter=_names, validator=_colours
    )
    others: str = "#8f8f8f"
    set_aside: str = "#C0392B"
    width: float = attrs.field(default=8.5, validator=_positive)
    panel_height: float = attrs.field(default=2.1, validator=_positive)
    dpi: float = attrs.field(default=200.0, validator=_positive)


def _theme(theme: Theme | Mapping[str, Any] | None) -> Theme:
    if theme is None:
        return Theme()
    if isinstance(theme, Theme):
        return theme
    if isinstance(theme, Mapping):
        fields = [field.name for field in attrs.fields(Theme)]
        unknown = sorted(set(theme) - set(fields))
        if unknown:
            raise InvalidArgumentError(
                f"theme has no field {', '.join(map(repr, unknown))}; fields: {', '.join(fields)}"
            )
        return Theme(**theme)
    raise InvalidArgumentError(f"theme must be a Theme, a mapping of its fields or None (got {theme!r})")


def _matplotlib() -> Any:
    try:
        import matplotlib
        import matplotlib.dates
        import matplotlib.figure
        import matplotlib.layout_engine
        import matplotlib.lines
        import matplotlib.textpath
        import matplotlib.ticker
    except ImportError as error:  # pragma: no cover - exercised by monkeypatching in tests
        raise ImportError(_INSTALL) from error
    return matplotlib


# --- what to draw -----------------------------------------------------------------------------------


def _heading(key: Sequence[Any], by: Sequence[str]) -> str:
    """A series key as a panel's heading: :func:`~kzfigures.present.words.series_words`, capitalised.

    >>> _heading(["killed", "law_enforcement", "Almaty"], ["metric", "group", "region"])
    'Killed (law enforcement, Almaty)'
    """
    words = series_words(key, by)
    return words[:1].upper() + words[1:]


def _claims(frame: pd.DataFrame, index: ClaimIndex) -> pd.DataFrame:
    """One row per claim (its first observation: earliest published, then id), with its x position.

    Columns: ``series`` (the index's series number), ``id``, ``claim``, ``slot``, ``low``,
    ``high`` (NaN = unbounded), ``point``, ``stated``, ``words``, ``who``, ``kind`` (0 an
    authority's, 1 the outlet's own, 2 unattributed), ``start`` and ``x`` (wall-clock times in
    the frame's zone), ``ids`` (every observation of the claim).
    """
    local = frame["as_of"].dt.tz_localize(None)
    said = ObservationWords(frame)
    table = pd.DataFrame(
        {
            "series": index.series,
            "id": frame["id"].astype(str).to_numpy(dtype=object),
            "claim": index.claim,
            "slot": index.series_slot,
            "low": frame["low"].to_numpy(dtype="float64"),
            "high": frame["high"].to_numpy(dtype="float64", na_value=np.nan),
            "point": point_values(frame).astype("float64"),
            "stated": frame["stated"].notna().to_numpy(dtype=bool),
            "words": [said.words(i) for i in frame["id"]],
            "who": [speaker_name(a, o) for a, o in zip(frame["authority"], frame["outlet"], strict=True)],
            "kind": np.where(frame["authority"].notna(), 0, np.where(frame["outlet"].notna(), 1, 2)),
            "start": local.to_numpy(),
            "length": pd.to_timedelta(index.end - index.start, unit="ns"),
            "published": frame["published"].to_numpy(),
        }
    )
    table = table.sort_values(["claim", "published", "id"], kind="stable", na_position="last")
    ids = table.groupby("claim", sort=False)["id"].agg(tuple)
    table = table.drop_duplicates("claim", keep="first").copy()
    table["ids"] = table["claim"].map(ids)
    # Spread the claims of one slot along its first period (a day, an hour), in claim order.
    slots = table.groupby("slot")
    rank = slots.cumcount().to_numpy(dtype=float)
    size = slots["claim"].transform("size").to_numpy(dtype=float)
    share = _FIRST_DAY + rank * np.minimum(0.2, _SPREAD_DAYS / size)
    day = pd.Timedelta(days=1)
    shortest = slots["length"].transform("min")
    length = shortest.where(shortest < day, day)
    table["length"] = length
    table["x"] = slots["start"].transform("min") + length * share
    return table.reset_index(drop=True)


def _rows_of(table: pd.DataFrame | None, series: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame | None:
    """The rows of ``table`` that belong to the drawn series (all rows if it lacks key columns)."""
    if table is None or len(table) == 0:
        return None
    columns = [c for c in by if c in table.columns]
    if not columns:
        return table
    first = series.iloc[0]
    try:
        rows = table[key_rows(table, {c: first[c] for c in columns})]
    except UnknownKeyError:
        return None
    return rows if len(rows) else None


def _steps(estimate: pd.DataFrame | None, zone: Any) -> pd.DataFrame | None:
    """The estimate's (x, low, best, high) as steps, the last held to the end of its slot."""
    if estimate is None:
        return None
    time_column = "as_of" if "as_of" in estimate.columns else "time"

    def local(column: str) -> pd.Series:
        times = pd.to_datetime(estimate[column])
        zoned = times.dt.tz_convert(zone) if times.dt.tz is not None and zone is not None else times
        return zoned.dt.tz_localize(None) if zoned.dt.tz is not None else zoned

    x = local(time_column)
    steps = pd.DataFrame(
        {
            "x": x.to_numpy(),
            "low": estimate["low"].to_numpy(dtype="float64", na_value=np.nan),
            "best": estimate["best"].to_numpy(dtype="float64", na_value=np.nan),
            "high": estimate["high"].to_numpy(dtype="float64", na_value=np.inf),
        }
    ).sort_values("x", kind="stable")
    end = local("slot_end").max() if "slot_end" in estimate.columns else steps["x"].iloc[-1] + pd.Timedelta(days=1)
    last = steps.iloc[[-1]].assign(x=max(end, steps["x"].iloc[-1]))
    return pd.concat([steps, last], ignore_index=True)


def _reason_words(reason: Any) -> str:
    return _REASONS.get(str(reason), str(reason).replace("_", " "))


def _later(n: int) -> str:
    return f"above {n} later figure{'s' if n != 1 else ''}"


def _out_of_line(estimate: Any, violations: Any, series: pd.DataFrame, by: Sequence[str]) -> dict[str, str]:
    """Observation id -> why it is ringed: what the estimate set aside, else what the violations blame.

    With an :class:`~kzfigures.Estimate`, the figures it set aside (its ``set_aside``).
    Without one, the violations' ``offenders`` (each figure above later figures, what the
    ``latest`` policy would set aside); or, from a plain table of violation pairs, each
    ``witness_id`` (the earlier, higher figure of a fall; disagreements are no fall). The
    figures an outlier contradicted are never ringed: they are the ones that held.
    """
    if hasattr(estimate, "set_aside"):
        rows = _rows_of(estimate.set_aside, series, by)
        if rows is None:
            return {}
        return {str(i): f"set aside: {_reason_words(r)}" for i, r in zip(rows["id"], rows["reason"], strict=True)}
    blamed = getattr(violations, "offenders", violations)
    if isinstance(blamed, pd.DataFrame) and {"id", "n_contradicted"} <= set(blamed.columns):
        rows = _rows_of(blamed, series, by)
        if rows is None:
            return {}
        return {str(i): _later(int(n)) for i, n in zip(rows["id"], rows["n_contradicted"], strict=True)}
    if isinstance(blamed, pd.DataFrame) and "witness_id" in blamed.columns:
        kinds = blamed["kind"].astype(str) if "kind" in blamed.columns else pd.Series("", index=blamed.index)
        falls = blamed.loc[kinds != "disagreement", "witness_id"].astype(str).value_counts(sort=False)
        return {str(i): _later(int(n)) for i, n in falls.items()}
    return {}


def _set_aside(claims: pd.DataFrame, reasons: dict[str, str]) -> pd.DataFrame:
    """The claims with an observation in ``reasons``, each with its label: "150 (Channel) set aside: ..."."""
    why = [next((reasons[i] for i in ids if i in reasons), None) for ids in claims["ids"]]
    marked = claims[[reason is not None for reason in why]].copy()
    marked["label"] = [
        f"{words} ({who}) {reason}"
        for words, who, reason in zip(marked["words"], marked["who"], [w for w in why if w is not None], strict=True)
    ]
    return marked


@attrs.frozen
class _Panel:
    name: str
    claims: pd.DataFrame
    steps: pd.DataFrame | None
    set_aside: pd.DataFrame
    zone: Any


def _panels(
    frame: pd.DataFrame, key: Mapping[str, str] | str | None, by: Sequence[str], estimate: Any, violations: Any
) -> tuple[list[_Panel], pd.DataFrame]:
    """The panels of the series ``key`` selects, in reading order, and the rows drawn.

    Reading order: by metric, the group and region ``all`` first, then by name.
    """
    columns = check_by(by, frame)
    rows = select_key(frame, key)
    if not len(rows):
        raise InvalidArgumentError("there are no observations to draw")
    index = annotate(rows, columns)
    n = int(index.series.max()) + 1
    if n > MAX_PANELS:
        raise InvalidArgumentError(
            f"{'the observations hold' if key is None else f'key {key!r} selects'} {n} series; "
            f"a chart draws at most {MAX_PANELS}: choose fewer with a key"
        )
    claims = _claims(rows, index)
    keys = rows[columns].iloc[first_rows(index.series)].astype("string").fillna("")
    keys["series"] = np.arange(n)

    def order(values: pd.Series) -> pd.Series:
        return ((values != "all").astype(int).astype(str) + values) if values.name in ("group", "region") else values

    keys = keys.sort_values(columns, key=order, kind="stable")
    panels = []
    for number in keys["series"]:
        series = rows[index.series == number]
        panels.append(
            _panel(series, claims[claims["series"] == number].reset_index(drop=True), estimate, violations, by)
        )
    return panels, rows


def _panel(series: pd.DataFrame, claims: pd.DataFrame, estimate: Any, violations: Any, by: Sequence[str]) -> _Panel:
    name = _heading([series[c].iloc[0] for c in by], by)
    zone = series["as_of"].dt.tz
    steps = _steps(_rows_of(getattr(estimate, "series", estimate), series, by), zone)
    return _Panel(name, claims, steps, _set_aside(claims, _out_of_line(estimate, violations, series, by)), zone)


# --- speakers and the legend ------------------------------------------------------------------------


def _speaker_entries(panels: Sequence[_Panel], speakers: str, room: int, theme: Theme) -> dict[str, str]:
    """Legend label -> colour, at most ``room`` entries, and the label of every claim (column ``entry``)."""
    claims = pd.concat([p.claims for p in panels], ignore_index=True)
    if speakers == "kind":
        present = sorted(set(claims["kind"]))
        colours = {0: theme.palette[0], 1: theme.palette[1], 2: theme.others}
        entries = {_KIND_LABELS[k]: colours[k] for k in present}
        for panel in panels:
            panel.claims["entry"] = [_KIND_LABELS[k] for k in panel.claims["kind"]]
        return entries
    counts = claims["who"].value_counts(sort=False)
    ranked = sorted(counts.index, key=lambda who: (-counts[who], who == UNNAMED, who))
    shown = ranked if len(ranked) <= room else ranked[: room - 1]
    entries = {who if who != UNNAMED else "Unnamed sources": theme.palette[i] for i, who in enumerate(shown)}
    if len(shown) < len(ranked):
        entries["Other sources"] = theme.others
    for panel in panels:
        panel.claims["entry"] = [
            ("Unnamed sources" if who == UNNAMED else who) if who in shown else "Other sources"
            for who in panel.claims["who"]
        ]
    return entries


# --- text: measure, wrap, describe ------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def _word_width(word: str, size: float, font: tuple[str, ...], bold: bool) -> float:
    mpl = _matplotlib()
    from matplotlib.font_manager import FontProperties

    prop = FontProperties(family=list(font), size=size, weight="bold" if bold else "normal")
    width, _, _ = mpl.textpath.TextToPath().get_text_width_height_descent(word, prop, ismath=False)
    return float(width)


def _text_width(mpl: Any, text: str, size: float, theme: Theme, *, bold: bool = False) -> float:
    """Width of one line of ``text`` in points, as matplotlib's fonts set it (words measured once each)."""
    words = text.split(" ")
    space = _word_width("a a", size, theme.font, bold) - 2 * _word_width("a", size, theme.font, bold)
    width = sum(_word_width(word, size, theme.font, bold) for word in words) + space * (len(words) - 1)
    return width * 1.04  # kerning across words, and hinting in the renderers: keep a margin


def _wrap(mpl: Any, text: str, size: float, width: float, theme: Theme, *, bold: bool = False) -> list[str]:
    """Greedy word wrap of ``text`` into lines at most ``width`` points wide."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}" if line else word
            if line and _text_width(mpl, candidate, size, theme, bold=bold) > width:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return lines


def _date_span(panels: Sequence[_Panel]) -> str:
    starts = pd.concat([p.claims["start"] for p in panels])
    first, last = starts.min(), starts.max()
    if first.normalize() == last.normalize():
        return f"{first:%b} {first.day}, {first.year}"
    if first.year != last.year:
        return f"{first:%b} {first.day}, {first.year} to {last:%b} {last.day}, {last.year}"
    if first.month != last.month:
        return f"{first:%b} {first.day} to {last:%b} {last.day}, {last.year}"
    return f"{first:%b} {first.day}\u2013{last.day}, {last.year}"


def _default_subtitle(panels: Sequence[_Panel]) -> str:
    """What the chart shows, in the words of the drawn figures: dates, marks, then the band and the line."""
    claims = pd.concat([p.claims for p in panels], ignore_index=True)
    bounded = claims["high"].notna()
    ranged = claims[bounded & (claims["high"] > claims["low"])]
    marks = []
    if (bounded & (claims["high"] == claims["low"])).any():
        marks.append("dots are exact figures")
    if len(ranged):
        words = ranged.loc[~ranged["stated"], "words"]
        example = (words if len(words) else ranged["words"]).iloc[0]
        marks.append(f'bars ranges or figures in words ("{example}")')
    if (~bounded).any():
        marks.append(f'arrows open-ended figures ("{claims.loc[~bounded, "words"].iloc[0]}")')
    text = f"{_date_span(panels)}: {', '.join(marks)}."
    steps = [p.steps for p in panels if p.steps is not None]
    if steps:
        daily = all((s["x"].diff().dropna().dt.total_seconds() % 86400 == 0).all() for s in steps)
        text += (
            f" The line is the best estimate of the total by the end of each {'day' if daily else 'period'}, "
            "the shaded band the range that all kept figures allow"
        )
        missing = any(s["best"].iloc[:-1].isna().any() for s in steps)
        text += "; no line where no figure states a number." if missing else "."
    return text


def _source_entries(frame: pd.DataFrame) -> list[str]:
    """Who said the drawn figures, most observations first: "Interior Ministry via Khabar 24, CNN"."""
    via = frame["via"].astype("string").str.replace("; ", ", ", regex=False)
    said = pd.Series(
        [who_said(a, v, o) for a, v, o in zip(frame["authority"], via, frame["outlet"], strict=True)],
        dtype="string",
    )
    counts = said.value_counts(sort=False)
    first_seen = {text: i for i, text in reversed(list(enumerate(said)))}
    return sorted(counts.index, key=lambda text: (-counts[text], first_seen[text]))


def _source_lines(mpl: Any, entries: list[str], width: float, theme: Theme, max_lines: int = 2) -> list[str]:
    """ "Source: a; b; c and N others", as many entries as fit in ``max_lines`` lines."""
    for shown in range(len(entries), 0, -1):
        lines = _wrap(mpl, "Source: " + speakers_text(entries, limit=shown), theme.small_size, width, theme)
        if len(lines) <= max_lines:
            return lines
    return _wrap(mpl, f"Source: {len(entries)} sources", theme.small_size, width, theme)


# --- dates ------------------------------------------------------------------------------------------


def _date_labels(times: Sequence[Any]) -> list[str]:
    """Tick labels that say only what changes, the year under the first tick and wherever it changes.

    The rule of matplotlib's ConciseDateFormatter (years, else months, else days, else
    hours, by the finest unit that varies), with the year written out on the axis rather
    than in an offset corner, and day numbers without a leading zero.

    >>> import datetime as dt
    >>> _date_labels([dt.datetime(2022, 12, 30), dt.datetime(2022, 12, 31), dt.datetime(2023, 1, 1)])
    ['Dec 30\\n2022', '31', 'Jan 1\\n2023']
    >>> _date_labels([dt.datetime(2021, 7, 1), dt.datetime(2022, 1, 1), dt.datetime(2022, 7, 1)])
    ['Jul\\n2021', 'Jan\\n2022', 'Jul']
    """
    if not times:
        return []
    if all(t.month == 1 and t.day == 1 and t.hour == 0 and t.minute == 0 for t in times):
        return [str(t.year) for t in times]
    months = all(u.day == 1 and u.hour == 0 and u.minute == 0 for u in times)
    days = all(u.hour == 0 and u.minute == 0 for u in times)
    labels = []
    for i, t in enumerate(times):
        before = times[i - 1] if i else None
        new_year = before is None or t.year != before.year
        new_month = before is None or new_year or t.month != before.month
        new_day = before is None or new_month or t.day != before.day
        if months:
            label = f"{t:%b}"
        elif days:
            label = f"{t:%b} {t.day}" if new_month else str(t.day)
        else:
            label = f"{t:%H:%M}" + (f"\n{t:%b} {t.day}" if new_day else "")
        labels.append(label + (f"\n{t.year}" if new_year else ""))
    return labels


def _date_formatter(mpl: Any) -> Any:
    class DateLabels(mpl.ticker.Formatter):  # type: ignore[misc]
        """:func:`_date_labels` as a matplotlib tick formatter (it needs all the ticks at once)."""

        def __call__(self, x: float, pos: int | None = None) -> str:
            return _date_labels([mpl.dates.num2date(x).replace(tzinfo=None)])[0]

        def format_ticks(self, values: Sequence[float]) -> list[str]:
            return _date_labels([mpl.dates.num2date(v).replace(tzinfo=None) for v in values])

    return DateLabels()


# --- drawing ----------------------------------------------------------------------------------------


def _top(panel: _Panel) -> float:
    """Top of a panel's y axis: room above every bounded value for the open-ended arrows."""
    values = [panel.claims["point"].to_numpy(), panel.claims["high"].to_numpy(), panel.claims["low"].to_numpy()]
    if panel.steps is not None:
        values += [panel.steps[c].to_numpy() for c in ("best", "low", "high")]
    finite = np.concatenate(values)
    finite = finite[np.isfinite(finite)]
    return max(float(finite.max(initial=0.0)), 1.0) * 1.18


@attrs.frozen
class _Marks:
    """Sizes of a panel's marks in points: smaller where the claims stand close together."""

    dot: float
    arrow: float  # an open-ended figure's arrow, as a share of the y axis

    @classmethod
    def scaled(cls, scale: float) -> _Marks:
        return cls(dot=6.5 * scale, arrow=0.09 * scale)


def _draw_estimate(ax: Axes, steps: pd.DataFrame, theme: Theme, top: float) -> None:
    """The band (lighter where no figure caps the count) and the best line, which breaks where best is NaN."""
    capped = np.isfinite(steps["high"].to_numpy())
    for where, alpha, gid in ((capped, 1.0, "estimate-band"), (~capped, 0.45, "estimate-band-open")):
        if not where.any():
            continue
        # A step drawn "post" holds row i until row i + 1: keep the segment's right edge too.
        keep = where | np.concatenate([[False], where[:-1]])
        ax.fill_between(
            steps["x"],
            steps["low"].fillna(0).where(keep),
            steps["high"].clip(upper=top).where(keep),
            where=keep,
            step="post",
            color=theme.band,
            alpha=alpha,
            linewidth=0,
            gid=gid,
            zorder=1,
        )
    ax.step(
        steps["x"], steps["best"], where="post", color=theme.line, linewidth=2.0, gid="best", zorder=3.5,
        solid_capstyle="butt",
    )  # fmt: skip


def _draw_panel(ax: Axes, panel: _Panel, entries: dict[str, str], theme: Theme, top: float, marks: _Marks) -> None:
    """The estimate's band and line, then one mark per claim, coloured by its legend entry."""
    if panel.steps is not None:
        _draw_estimate(ax, panel.steps, theme, top)
    claims = panel.claims
    dot = marks.dot
    for entry, colour in entries.items():
        rows = claims[claims["entry"] == entry]
        if not len(rows):
            continue
        bounded = rows["high"].notna()
        exact = bounded & (rows["high"] == rows["low"])
        ranged = rows[bounded & (rows["high"] > rows["low"])]
        for stated, gid in ((False, "vague-band"), (True, "interval")):
            bars = ranged[ranged["stated"] == stated]
            if len(bars):
                ax.vlines(
                    bars["x"], bars["low"], bars["high"], colors=[colour], linewidth=dot * 0.8, alpha=0.4, gid=gid,
                    zorder=3,
                )  # fmt: skip
        for x, low in zip(rows.loc[~bounded, "x"], rows.loc[~bounded, "low"], strict=True):
            ax.annotate(
                "",
                xy=(x, low + top * marks.arrow),
                xytext=(x, low),
                arrowprops={"arrowstyle": "-|>", "color": colour, "linewidth": 1.4, "shrinkA": 0, "shrinkB": 0},
                gid="open-ended-arrow",
                annotation_clip=False,
            )
        if exact.any():
            ax.plot(
                rows.loc[exact, "x"], rows.loc[exact, "point"], linestyle="none", marker="o", markersize=dot,
                color=colour, markeredgecolor=theme.background, markeredgewidth=0.6, gid="claim", zorder=4,
            )  # fmt: skip
        ticks = rows[rows["stated"] & ~exact]
        if len(ticks):  # a stated number inside an interval ("about 8,000"), or an arrow's base
            at = np.where(ticks["high"].isna(), ticks["low"], ticks["point"])
            ax.plot(
                ticks["x"], at, linestyle="none", marker="_", markersize=dot * 1.5, markeredgewidth=2.0, color=colour,
                gid="claim", zorder=4,
            )  # fmt: skip
    if len(panel.set_aside):
        ax.scatter(
            panel.set_aside["x"],
            panel.set_aside["point"],
            s=(dot * 2.4) ** 2,
            facecolors="none",
            edgecolors=theme.set_aside,
            linewidths=1.5,
            gid="set-aside",
            zorder=5,
        )


def _style_axes(mpl: Any, ax: Axes, theme: Theme, top: float, n_ticks: int) -> None:
    ax.set_facecolor(theme.background)
    ax.set_ylim(0, top)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_color(theme.muted)
    ax.tick_params(axis="both", colors=theme.muted, labelsize=theme.small_size, labelcolor=theme.muted)
    ax.tick_params(axis="y", length=0, pad=2)
    ax.grid(axis="y", color=theme.grid, linewidth=0.8)
    ax.set_axisbelow(True)
    ax.yaxis.set_major_locator(mpl.ticker.MaxNLocator(nbins=4, integer=True, min_n_ticks=2))
    ax.yaxis.set_major_formatter(mpl.ticker.StrMethodFormatter("{x:,.0f}"))
    ax.xaxis.set_major_locator(_date_locator(mpl, n_ticks))
    ax.xaxis.set_major_formatter(_date_formatter(mpl))


def _date_locator(mpl: Any, n_ticks: int) -> Any:
    """Dates at round intervals, at most ``n_ticks`` and not fewer than a third of that (months, not only years)."""
    return mpl.dates.AutoDateLocator(minticks=max(2, n_ticks // 3), maxticks=n_ticks)


def _x_limits(panels: Sequence[_Panel]) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The shared time axis: every claim's period and every estimate step, at least three periods wide."""
    claims = pd.concat([p.claims for p in panels])
    steps = [p.steps["x"] for p in panels if p.steps is not None]
    first = min([claims["start"].min(), *(s.min() for s in steps)])
    last = max([(claims["start"] + claims["length"]).max(), *(s.max() for s in steps)])
    period = claims["length"].min()
    span = max(last - first, 3 * period)
    pad = max(span * 0.03, period / 2)
    middle = first + (last - first) / 2
    return min(first, middle - span / 2) - pad, max(last, middle + span / 2) + pad


# --- labels that never overlap ----------------------------------------------------------------------


def _boxes_overlap(a: Any, b: Any, pad: float) -> bool:
    return bool(a.x0 < b.x1 + pad and b.x0 < a.x1 + pad and a.y0 < b.y1 + pad and b.y0 < a.y1 + pad)


def _inside(box: Any, frame: Any) -> bool:
    return bool(box.x0 >= frame.x0 and box.x1 <= frame.x1 and box.y0 >= frame.y0 and box.y1 <= frame.y1)


def _tick_texts(fig: MplFigure) -> list[Any]:
    """The tick labels the figure draws: major ticks inside each axis' view, labels switched on."""
    drawn: list[Any] = []
    for ax in fig.axes:
        for axis, (lo, hi) in ((ax.xaxis, ax.get_xlim()), (ax.yaxis, ax.get_ylim())):
            locs = axis.get_majorticklocs()
            for tick, loc in zip(axis.get_major_ticks(len(locs)), locs, strict=True):
                if min(lo, hi) <= loc <= max(lo, hi) and tick.label1.get_visible() and tick.label1.get_text().strip():
                    drawn.append(tick.label1)
    return drawn


def _visible_texts(fig: MplFigure) -> list[Any]:
    """Every text the figure draws: titles, tick labels within the view, legend, labels."""
    from matplotlib.axis import Tick
    from matplotlib.text import Text

    ticks = {id(t) for tick in fig.findobj(Tick) for t in (tick.label1, tick.label2)}
    texts = [t for t in fig.findobj(Text) if id(t) not in ticks and t.get_visible() and t.get_text().strip()]
    return texts + _tick_texts(fig)


@attrs.frozen
class _Label:
    """A label a panel would like at data point (x, y): the lowest ``priority`` is placed first."""

    priority: int
    ax: Axes
    text: str
    x: float
    y: float
    gid: str
    colour: str
    gap: float  # points between the point and the label: clear of the mark drawn there
    anywhere: bool = True  # any side of the point, else only right of it or above (a figure's words)


_Side = tuple[tuple[float, float], Literal["left", "center", "right"], Literal["center", "bottom", "top"]]


def _sides(gap: float) -> list[_Side]:
    """Where a label may stand, in points from its point: right, above, left, below, then the corners."""
    return [
        ((gap, 0.0), "left", "center"),
        ((0.0, gap), "center", "bottom"),
        ((-gap, 0.0), "right", "center"),
        ((0.0, -gap), "center", "top"),
        ((gap, gap), "left", "bottom"),
        ((-gap, gap), "right", "bottom"),
        ((gap, -gap), "left", "top"),
        ((-gap, -gap), "right", "top"),
    ]


def _place_labels(mpl: Any, fig: MplFigure, wanted: list[_Label], theme: Theme) -> None:
    """Add each label where it overlaps nothing, else leave it out.

    The figure must be laid out (``draw_without_rendering``); each label tries the
    right, above, left and below of its point, then the corners, inside its panel,
    clear of every text already placed and of the marks. A label that must be read
    (priority 0: why a figure is ringed) may cover a mark, never a text.
    """
    if not wanted:
        return
    texts = [t.get_window_extent() for t in _visible_texts(fig)]
    marks = [box for ax in fig.axes for box in _mark_boxes(mpl, fig, ax)]
    for want in sorted(wanted, key=lambda w: w.priority):
        frame = want.ax.get_window_extent()
        label = want.ax.annotate(
            want.text, xy=(want.x, want.y), xytext=(want.gap, 0.0), textcoords="offset points",
            fontsize=theme.small_size, color=want.colour, gid=want.gid, annotation_clip=False, zorder=6,
        )  # fmt: skip
        label.set_in_layout(False)
        sides = _sides(want.gap)
        if not want.anywhere:  # words beside their own mark, never nearer another one
            sides = [side for side in sides if side[1] == "left" or side[0] == (0.0, want.gap)]
        tries = [(side, texts + marks) for side in sides]
        if want.priority == 0:
            tries += [(side, texts) for side in sides]
        for (offset, ha, va), avoid in tries:
            label.set_position(offset)
            label.set_horizontalalignment(ha)
            label.set_verticalalignment(va)
            box = label.get_window_extent()
            if _inside(box, frame) and not any(_boxes_overlap(box, other, 2.0) for other in avoid):
                texts.append(box)
                break
        else:
            label.remove()


def _mark_boxes(mpl: Any, fig: MplFigure, ax: Axes) -> list[Any]:
    """Where a panel's marks are, in pixels: dots and dashes, bars, arrows (labels keep clear of them)."""
    to_pixels = ax.transData.transform
    boxes = []
    for line in ax.get_lines():
        if line.get_gid() == "claim":
            x = mpl.dates.date2num(np.asarray(line.get_xdata()))
            half = line.get_markersize() * fig.dpi / 72 / 2
            points = to_pixels(np.column_stack([x, np.asarray(line.get_ydata(), dtype=float)]))
            boxes += [_box(px - half, py - half, px + half, py + half) for px, py in points]
    for collection in ax.collections:
        if collection.get_gid() in ("vague-band", "interval"):
            bars: Any = collection  # a LineCollection
            half = float(np.max(bars.get_linewidth())) * fig.dpi / 72 / 2
            for segment in bars.get_segments():
                (x0, y0), (x1, y1) = to_pixels(segment)
                boxes.append(_box(min(x0, x1) - half, min(y0, y1), max(x0, x1) + half, max(y0, y1)))
    for arrow in ax.texts:
        if arrow.get_gid() == "open-ended-arrow":
            annotation: Any = arrow  # an Annotation: from its base (xyann) to its tip (xy)
            (x, low), (_, tip) = annotation.xyann, annotation.xy
            x = mpl.dates.date2num(x)
            (x0, y0), (x1, y1) = to_pixels(np.array([[x, low], [x, tip]], dtype=float))
            half = 4 * fig.dpi / 72
            boxes.append(_box(min(x0, x1) - half, min(y0, y1), max(x0, x1) + half, max(y0, y1)))
    return boxes


def _box(x0: float, y0: float, x1: float, y1: float) -> Any:
    from matplotlib.transforms import Bbox

    return Bbox([[x0, y0], [x1, y1]])


#: A panel with more claims than this labels no figure in words: the marks speak for themselves.
_MAX_WORD_LABELS = 40


def _wanted_labels(
    mpl: Any, ax: Axes, panel: _Panel, theme: Theme, top: float, marks: _Marks, *, single: bool
) -> list[_Label]:
    """The labels a panel would like: set-aside figures first, the estimate's last value, then figures in words."""
    date = mpl.dates.date2num
    wanted = [
        _Label(0, ax, text, date(x), y, "set-aside-label", theme.set_aside, marks.dot * 1.2 + 3)
        for x, y, text in zip(panel.set_aside["x"], panel.set_aside["point"], panel.set_aside["label"], strict=True)
    ]
    if panel.steps is not None:
        best = panel.steps["best"].iloc[:-1].reset_index(drop=True)
        if best.notna().any():
            last = int(best.last_valid_index())  # type: ignore[arg-type]
            end = panel.steps["x"].iloc[last + 1]
            value = f"{best[last]:,.0f}"
            text = f"Best estimate: {value}" if single else value
            wanted.append(_Label(1, ax, text, date(end), best[last], "best-label", theme.ink, 3.0))
    claims = panel.claims
    if len(claims) > _MAX_WORD_LABELS:
        return wanted
    seen: set[str] = set()
    for x, low, high, words, stated in zip(
        claims["x"], claims["low"], claims["high"], claims["words"], claims["stated"], strict=True
    ):
        if high == low or words in seen:
            continue
        seen.add(words)
        y = low + top * marks.arrow if np.isnan(high) else (high if not stated else (low + high) / 2)
        priority = 2 if np.isnan(high) else 3
        wanted.append(
            _Label(priority, ax, words, date(x), y, "figure-label", theme.muted, marks.dot / 2 + 3, anywhere=False)
        )
    return wanted


# --- the chart --------------------------------------------------------------------------------------


def timeline(
    observations: pd.DataFrame | Iterable[Observation],
    estimate: Any = None,
    *,
    key: Mapping[str, str] | str | None = None,
    violations: Any = None,
    by: Sequence[str] = DEFAULT_BY,
    ax: Axes | None = None,
    title: str | None = None,
    subtitle: str | None = None,
    source: str | None = None,
    theme: Theme | Mapping[str, Any] | None = None,
    sharey: bool = False,
    speakers: Literal["kind", "top"] = "kind",
    ncols: int | None = None,
) -> MplFigure:
    """Draw the reported figures of one or several series, and their estimate, as a publishable chart.

    Each *claim* (one speaker's figure for one time, however many outlets
    carried it) is one mark: a dot for an exact figure, a bar from ``low`` to
    ``high`` for a figure in words or a range ("thousands", "about 8,000",
    with a dash at the number it states), an arrow up from ``low`` for an
    open-ended figure ("more than 3,000"). With an ``estimate``, its
    ``[low, high]`` band is shaded and its ``best`` line drawn, both held flat
    over each time slot (the count *by the end of* the slot); the line breaks
    where ``best`` is missing. A figure the estimate set aside is ringed and
    labelled with why; the figures it contradicted are not marked.

    Several series are drawn as small multiples, one panel each, on one time
    axis. Colours stand for groups of speakers, so the legend never holds
    more than six entries. Labels (the set-aside figures, the estimate's
    last value, figures in words) are placed where they overlap no other
    text and left out where there is no room. No observation id is drawn.

    Parameters
    ----------
    observations : DataFrame or iterable of Observation
        The observations; the series ``key`` selects are drawn.
    estimate : Estimate or DataFrame, optional
        What :func:`kzfigures.best_estimate` returns, or its ``series`` frame
        (``time``, ``low``, ``best``, ``high``); the rows of each drawn series
        are drawn in its panel, and an :class:`~kzfigures.Estimate`'s
        ``set_aside`` figures are ringed.
    key : mapping or str, optional
        Which series to draw: ``{"metric": "detained", "group": "all"}`` or
        ``"metric=detained,group=all"``. Columns of ``by`` left out match any
        value; ``None`` draws every series (at most 48, ``MAX_PANELS``).
    violations : ViolationReport or DataFrame, optional
        What :func:`kzfigures.violations` returns: its ``offenders`` (figures
        above later figures) are ringed when no estimate sets them aside. A
        DataFrame of offenders, or of violation pairs (``witness_id``, the
        earlier figure, is ringed; disagreements are not falls), also works.
    by : sequence of str
        The columns that define a series.
    ax : matplotlib Axes, optional
        Draw one series into these axes, with its legend inside them, and no
        title, subtitle or source line (the caller's figure holds those).
    title : str, optional
        The headline. Default: the series' name and "reported figures".
    subtitle : str, optional
        The line under the title. Default: the dates, and what the marks, the
        band and the line mean.
    source : str, optional
        The source line. Default: "Source: " and who said the drawn figures,
        most often quoted first, shortened to two lines with "and N others".
    theme : Theme or mapping, optional
        Fonts, colours and sizes (:class:`Theme`), or a mapping of the fields
        to change from the default.
    sharey : bool
        One y scale for every panel (compare sizes) rather than one each
        (see each series' shape).
    speakers : {"kind", "top"}
        Legend entries: ``"kind"`` groups speakers as authorities, media (an
        outlet's own figure) and unnamed sources, the three kinds the default
        weights tell apart; ``"top"`` names the most quoted speakers and puts
        the rest under "Other sources".
    ncols : int, optional
        Panels per row. Default: 1 for one series, 2 for up to four, 3 for up
        to nine, else 4.

    Returns
    -------
    matplotlib.figure.Figure
        The chart. Write it with :func:`save` (PNG or SVG by the suffix) or
        ``fig.savefig``.

    Raises
    ------
    ImportError
        If matplotlib is not installed (install the ``plot`` extra).
    kzfigures.UnknownKeyError
        If ``key`` matches no observation.
    kzfigures.InvalidArgumentError
        If ``key`` is malformed, selects more than 48 series (``MAX_PANELS``),
        or several series with ``ax``; or an option is invalid.

    Notes
    -----
    The x axis shows wall-clock dates in the observations' own time zone; a
    figure as of a day is drawn in that day, the claims of one day side by
    side. Tick labels name only what changes (days, months or years, as
    matplotlib's ConciseDateFormatter does) and carry the year under the
    first tick and wherever the year changes. The y axes start at 0.
    Cost: ``O(n log n)`` for ``n`` observations, plus drawing, which
    dominates (about 0.1 s a panel).

    Examples
    --------
    The detained series: 11 observations, 9 claims. Six state a number and
    get a mark at it (three exact figures are dots; "almost 6,000", "about
    8,000" and the base of the "more than 3,000" arrow are dashes); the
    three "thousands" state none and are bars only.

    >>> from kzfigures.datasets import kazakhstan_2022
    >>> fig = timeline(kazakhstan_2022(), key="metric=detained,group=all")
    >>> ax = fig.axes[0]
    >>> sum(len(line.get_xdata()) for line in ax.get_lines() if line.get_gid() == "claim")
    6
    >>> sum(len(bars.get_segments()) for bars in ax.collections if bars.get_gid() == "vague-band")
    3
    >>> [text.get_text() for text in fig.legends[0].get_texts()]
    ['Authorities', 'Media (own figures)', 'Unnamed sources']

    Several series are small multiples, one panel each:

    >>> fig = timeline(kazakhstan_2022(), key="metric=killed")
    >>> [ax.get_title(loc="left") for ax in fig.axes]  # doctest: +NORMALIZE_WHITESPACE
    ['Killed', 'Killed (armed assailants)', 'Killed (children)', 'Killed (law enforcement)',
     'Killed (protesters, Almaty)', 'Killed (security forces)']
    """
    mpl = _matplotlib()
    chosen = _theme(theme)
    if speakers not in SPEAKER_GROUPS:
        raise InvalidArgumentError(f"speakers must be one of {', '.join(map(repr, SPEAKER_GROUPS))} (got {speakers!r})")
    if ncols is not None and (not isinstance(ncols, int) or isinstance(ncols, bool) or ncols < 1):
        raise InvalidArgumentError(f"ncols must be a whole number >= 1 or None (got {ncols!r})")
    frame = as_frame(observations)
    panels, drawn = _panels(frame, key, by, estimate, violations)
    if ax is not None and len(panels) > 1:
        raise InvalidArgumentError(
            f"ax draws one series, and {'the observations hold' if key is None else f'key {key!r} selects'} "
            f"{len(panels)}; choose one with a key, or leave out ax to draw small multiples"
        )
    # The ring's legend entry: what the estimate set aside, else what the violations blame.
    aside = None
    if any(len(p.set_aside) for p in panels):
        aside = "Set aside" if hasattr(estimate, "set_aside") else "Above later figures"
    entries = _speaker_entries(panels, speakers, _MAX_LEGEND - int(aside is not None), chosen)
    with mpl.rc_context({"font.family": list(chosen.font), "text.color": chosen.ink}):
        if ax is not None:
            fig = cast("MplFigure", ax.figure)
            axes = [ax]
        else:
            fig, axes = _layout(mpl, panels, drawn, chosen, title, subtitle, source, entries, aside, sharey, ncols)
        return _fill(mpl, fig, axes, panels, entries, chosen, aside, legend_in_axes=ax is not None, sharey=sharey)


def _columns(n: int, ncols: int | None) -> int:
    if ncols is not None:
        return min(ncols, n)
    return 1 if n == 1 else 2 if n <= 4 else 3 if n <= 12 else 4


def _legend_handles(mpl: Any, entries: dict[str, str], theme: Theme, aside: str | None) -> tuple[list[Any], list[str]]:
    handles = [
        mpl.lines.Line2D([], [], linestyle="none", marker="o", markersize=7, color=colour)
        for colour in entries.values()
    ]
    labels = list(entries)
    if aside is not None:
        handles.append(
            mpl.lines.Line2D(
                [], [], linestyle="none", marker="o", markersize=10, markerfacecolor="none",
                markeredgecolor=theme.set_aside, markeredgewidth=1.5,
            )
        )  # fmt: skip
        labels.append(aside)
    return handles, labels


def _legend_columns(mpl: Any, labels: list[str], width: float, theme: Theme) -> int:
    """The most legend columns (entries laid out column by column) that fit in ``width`` points."""
    size = theme.text_size
    entry = [_text_width(mpl, label, size, theme) + 2.5 * size for label in labels]  # handle and its gap
    for ncol in range(len(labels), 0, -1):
        rows = math.ceil(len(labels) / ncol)
        columns = [entry[i : i + rows] for i in range(0, len(entry), rows)]
        if sum(max(c) for c in columns) + 2.0 * size * (len(columns) - 1) <= width:
            return ncol
    return 1


def _layout(
    mpl: Any,
    panels: Sequence[_Panel],
    drawn: pd.DataFrame,
    theme: Theme,
    title: str | None,
    subtitle: str | None,
    source: str | None,
    entries: dict[str, str],
    aside: str | None,
    sharey: bool,
    ncols: int | None,
) -> tuple[MplFigure, list[Axes]]:
    """The figure: title, subtitle and legend above the panels, the source line below, sizes measured."""
    margin = 0.18  # inches, around the page
    width_pt = (theme.width - 2 * margin) * 72
    if title is None:
        metrics = list(dict.fromkeys(p.name.split(" (")[0] for p in panels))
        named = metrics[0] if len(metrics) == 1 else ", ".join(metrics[:-1]) + " and " + metrics[-1].lower()
        named = named[:1] + named[1:].lower() if len(metrics) > 1 else named
        title = f"{panels[0].name}: reported figures" if len(panels) == 1 else f"{named}: reported figures"
    if subtitle is None:
        subtitle = _default_subtitle(panels)
    title_lines = _wrap(mpl, title, theme.title_size, width_pt, theme, bold=True)
    subtitle_lines = _wrap(mpl, subtitle, theme.subtitle_size, width_pt, theme) if subtitle else []
    source_lines = (
        _source_lines(mpl, _source_entries(drawn), width_pt, theme)
        if source is None
        else _wrap(mpl, source, theme.small_size, width_pt, theme)
    )
    handles, labels = _legend_handles(mpl, entries, theme, aside)
    legend_cols = _legend_columns(mpl, labels, width_pt, theme)
    legend_rows = math.ceil(len(labels) / legend_cols)

    def height(lines: int, size: float) -> float:
        return lines * size * 1.42 / 72

    n = len(panels)
    cols = _columns(n, ncols)
    rows = math.ceil(n / cols)
    top_h = margin + height(len(title_lines), theme.title_size) + 0.06
    sub_h = height(len(subtitle_lines), theme.subtitle_size) + (0.1 if subtitle_lines else 0.0)
    legend_h = height(legend_rows, theme.text_size) + 0.12
    header = top_h + sub_h + legend_h
    body = theme.width / 2 if n == 1 else rows * theme.panel_height
    footer = height(len(source_lines), theme.small_size) + margin + 0.1
    total = header + body + footer
    fig = mpl.figure.Figure(figsize=(theme.width, total), dpi=theme.dpi, facecolor=theme.background)
    fig.set_layout_engine(
        mpl.layout_engine.ConstrainedLayoutEngine(
            rect=(0.0, footer / total, 1.0, body / total), h_pad=0.06, w_pad=0.06, hspace=0.08, wspace=0.06
        )
    )
    x0 = margin / theme.width
    y = 1 - margin / total
    fig.text(
        x0, y, "\n".join(title_lines), fontsize=theme.title_size, fontweight="bold", color=theme.ink, va="top",
        ha="left", gid="title",
    )  # fmt: skip
    y -= (top_h - margin) / total
    if subtitle_lines:
        fig.text(
            x0, y, "\n".join(subtitle_lines), fontsize=theme.subtitle_size, color=theme.muted, va="top", ha="left",
            gid="subtitle",
        )  # fmt: skip
        y -= sub_h / total
    fig.legend(
        handles, labels, loc="upper left", bbox_to_anchor=(x0, y), ncols=legend_cols, frameon=False,
        borderaxespad=0.0, borderpad=0.0, handlelength=1.0, handletextpad=0.5, columnspacing=2.0,
        fontsize=theme.text_size, labelcolor=theme.ink,
    )  # fmt: skip
    fig.text(
        x0, margin / total, "\n".join(source_lines), fontsize=theme.small_size, color=theme.muted, va="bottom",
        ha="left", gid="source",
    )  # fmt: skip
    grid = fig.subplots(rows, cols, sharex=True, sharey=sharey, squeeze=False)
    axes = list(grid.flat[:n])
    for spare in grid.flat[n:]:
        spare.remove()
    return fig, axes


def _fill(
    mpl: Any,
    fig: MplFigure,
    axes: list[Axes],
    panels: Sequence[_Panel],
    entries: dict[str, str],
    theme: Theme,
    aside: str | None,
    *,
    legend_in_axes: bool,
    sharey: bool,
) -> MplFigure:
    """Draw each panel into its axes, fit the date ticks and panel titles, then place the labels."""
    single = len(panels) == 1
    tops = [_top(p) for p in panels]
    if sharey:
        tops = [max(tops)] * len(tops)
    left, right = _x_limits(panels)
    # The panels' width in inches, before the layout (which only trims it): it sizes marks and ticks.
    cols = 1 if legend_in_axes else len({_spec(ax).colspan.start for ax in axes})
    panel_width = fig.get_figwidth() * axes[0].get_position().width if legend_in_axes else (
        fig.get_figwidth() - 0.4 - 0.55 * cols
    ) / cols  # fmt: skip
    days = max((right - left) / pd.Timedelta(days=1), 1.0)
    marks = _Marks.scaled(float(np.clip(panel_width * 72 / days / 14, 0.45, 1.0)))
    # A tick every half inch at most, and none between days when the axis spans days.
    n_ticks = max(3, min(int(panel_width / 0.5), int(days) + 1 if days >= 2 else 24))
    wanted: list[_Label] = []
    for ax, panel, top in zip(axes, panels, tops, strict=True):
        _draw_panel(ax, panel, entries, theme, top, marks)
        _style_axes(mpl, ax, theme, top, n_ticks)
        ax.set_xlim(mpl.dates.date2num(left), mpl.dates.date2num(right))
        if not single or legend_in_axes:
            lines = _wrap(mpl, panel.name, theme.text_size + 0.5, panel_width * 72, theme, bold=True)
            ax.set_title(
                "\n".join(lines), loc="left", fontsize=theme.text_size + 0.5, fontweight="bold", color=theme.ink
            )
        wanted += _wanted_labels(mpl, ax, panel, theme, top, marks, single=single)
    if not legend_in_axes:
        _tick_labels_on_outer_panels(axes, sharey=sharey)
    else:
        handles, labels = _legend_handles(mpl, entries, theme, aside)
        axes[0].legend(handles, labels, loc="upper left", fontsize=theme.small_size, frameon=False)
    _fit_date_ticks(mpl, fig, axes, n_ticks)
    _place_labels(mpl, fig, wanted, theme)
    return fig


def _fit_date_ticks(mpl: Any, fig: MplFigure, axes: list[Axes], n_ticks: int) -> None:
    """Fewer date ticks until no two tick labels of the figure overlap; leaves the figure laid out."""
    while True:
        fig.draw_without_rendering()
        boxes = [t.get_window_extent() for t in _tick_texts(fig)]
        clash = any(_boxes_overlap(a, b, 1.0) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
        if not clash or n_ticks <= 2:
            return
        n_ticks -= 1
        for ax in axes:
            ax.xaxis.set_major_locator(_date_locator(mpl, n_ticks))


def _spec(ax: Axes) -> Any:
    spec = ax.get_subplotspec()
    if spec is None:  # pragma: no cover - every panel is a subplot of the grid
        raise InvalidArgumentError("a panel is not part of a grid of subplots")
    return spec


def _tick_labels_on_outer_panels(axes: list[Axes], *, sharey: bool) -> None:
    """Date labels only under a panel with none below it (the grid's last row may be short); on one
    y scale, counts only left of the first column."""
    boxes = [_spec(ax) for ax in axes]
    for ax, spec in zip(axes, boxes, strict=True):
        below = any(
            other.rowspan.start > spec.rowspan.start and other.colspan.start == spec.colspan.start for other in boxes
        )
        ax.tick_params(axis="x", labelbottom=not below)
        if sharey:
            ax.tick_params(axis="y", labelleft=spec.colspan.start == 0)


def _short_day(moment: Any) -> str:
    """A day without its year ("Apr 24"): the vintage labels sit under a title and latest label with it."""
    return f"{moment:%b} {moment.day}"


def vintages(
    observations: pd.DataFrame | Iterable[Observation],
    *,
    key: Mapping[str, Any] | str | None = None,
    by: Sequence[str] = DEFAULT_BY,
    freq: str = "D",
    method: str = "isotonic",
    on_conflict: str = "latest",
    title: str | None = None,
    subtitle: str | None = None,
    source: str | None = None,
    theme: Theme | Mapping[str, Any] | None = None,
) -> MplFigure:
    """The toll as known day by day: one line per knowledge date, the latest emphasised.

    Each line is the best-estimate series of one series as it stood at the
    end of one step of the ``freq`` grid (:func:`kzfigures.replay`): grey for
    the earlier ones, darker the later, and the latest in the theme's line
    colour, labelled with its last value. A line is absent where no figure
    stated a number by then. The title, subtitle and source line follow
    :func:`timeline`'s.

    Parameters
    ----------
    observations : DataFrame or iterable of Observation
        The observations; ``key`` must select one series of them.
    key : mapping or str, optional
        The series, as for :func:`timeline` (optional when there is one).
    by, freq, method, on_conflict
        As for :func:`kzfigures.replay`.
    title, subtitle, source : str, optional
        The chart's texts; by default the series' name, what the lines are,
        and the sources of its figures.
    theme : Theme or mapping, optional
        Fonts, colours and sizes (:class:`Theme`).

    Returns
    -------
    matplotlib.figure.Figure
        Write it with :func:`save`.

    Raises
    ------
    kzfigures.InvalidArgumentError
        If ``key`` selects several series, or an option is invalid.

    Examples
    --------
    The detained count as known at the end of January 8, 9 and 10, 2022: the
    latest line ends at 8,000.

    >>> from kzfigures.datasets import kazakhstan_2022
    >>> fig = vintages(kazakhstan_2022(), key="metric=detained,group=all")
    >>> [line.get_gid() for line in fig.axes[0].get_lines() if line.get_gid() != "vintage-end"]
    ['vintage', 'vintage', 'latest']
    >>> [t.get_text() for t in fig.axes[0].texts]
    ['Jan 8: 4,404', 'Jan 9: 6,044', 'As known by Jan 10, 2022: about 8,000']
    """
    mpl = _matplotlib()
    chosen = _theme(theme)
    series = select_series(as_frame(observations), key, list(by))
    result = replay(series, freq=freq, by=by, method=method, on_conflict=on_conflict, validate=False)
    table = result.series
    zone = series["as_of"].dt.tz
    name = _heading(tuple(series.iloc[0][c] for c in by), by)
    known = list(result.known_at)
    margin, width_pt = 0.18, (chosen.width - 2 * 0.18) * 72
    first_day, last_day = date_words(known[0]), date_words(known[-1])
    if title is None:
        title = f"{name}: the estimate as known day by day"
    if subtitle is None:
        subtitle = (
            f"Each line is the best estimate of the total, day by day, as it was known at the end of one day: "
            f"at the end of {first_day} (lightest) to the end of {last_day} (dark); no line where no figure "
            "had stated a number yet."
        )
    with mpl.rc_context({"font.family": list(chosen.font), "text.color": chosen.ink}):
        title_lines = _wrap(mpl, title, chosen.title_size, width_pt, chosen, bold=True)
        subtitle_lines = _wrap(mpl, subtitle, chosen.subtitle_size, width_pt, chosen) if subtitle else []
        source_lines = (
            _source_lines(mpl, _source_entries(series), width_pt, chosen)
            if source is None
            else _wrap(mpl, source, chosen.small_size, width_pt, chosen)
        )
        header = (
            margin + (len(title_lines) * chosen.title_size + len(subtitle_lines) * chosen.subtitle_size) * 1.42 / 72
        )
        header += 0.25
        footer = margin + len(source_lines) * chosen.small_size * 1.42 / 72 + 0.1
        body = chosen.width / 2
        total = header + body + footer
        fig: MplFigure = mpl.figure.Figure(figsize=(chosen.width, total), dpi=chosen.dpi, facecolor=chosen.background)
        fig.set_layout_engine(
            mpl.layout_engine.ConstrainedLayoutEngine(rect=(0.0, footer / total, 1.0, body / total), h_pad=0.06)
        )
        x0, y = margin / chosen.width, 1 - margin / total
        fig.text(x0, y, "\n".join(title_lines), fontsize=chosen.title_size, fontweight="bold", va="top", gid="title")
        y -= len(title_lines) * chosen.title_size * 1.42 / 72 / total + 0.06 / total
        fig.text(x0, y, "\n".join(subtitle_lines), fontsize=chosen.subtitle_size, color=chosen.muted, va="top",
                 gid="subtitle")  # fmt: skip
        fig.text(x0, margin / total, "\n".join(source_lines), fontsize=chosen.small_size, color=chosen.muted,
                 va="bottom", gid="source")  # fmt: skip
        ax = fig.add_subplot()
        greys = mpl.colors.LinearSegmentedColormap.from_list("vintages", ["#d9d9d9", "#7a7a7a"])
        top = 1.0
        ends = []
        for i, moment in enumerate(known):
            rows = table[table["known_at"] == moment]
            x = pd.concat([rows["time"], rows["slot_end"].iloc[[-1]]]).dt.tz_convert(zone).dt.tz_localize(None)
            best = rows["best"].to_numpy(dtype=np.float64)
            y_values = np.r_[best, best[-1:]]
            latest = i == len(known) - 1
            shade = greys(i / max(len(known) - 2, 1)) if not latest else chosen.line
            ax.step(x.to_numpy(), y_values, where="post", color=shade, linewidth=2.6 if latest else 1.3,
                    zorder=3 if latest else 2, gid="latest" if latest else "vintage")  # fmt: skip
            top = max(top, float(np.nanmax(y_values, initial=0.0)))
            if not np.isnan(best[-1]):
                ends.append((moment, x.iloc[-1], best[-1], latest, tuple(rows["best_ids"].iloc[-1])))
        _style_axes(mpl, ax, chosen, top * 1.15, 8)
        # Each line ends in a dot at the value it stood at; the latest is labelled in bold, the others
        # with their day when there are few enough to read (else the first and the highest).
        if len(ends) > 8:
            highest = max(ends, key=lambda e: e[2])
            ends = [e for e in ends if e[3] or e is ends[0] or e is highest]
        said = ObservationWords(series)
        for moment, x_end, value, latest, behind in ends:
            colour = chosen.line if latest else chosen.muted
            ax.plot([x_end], [value], marker="o", markersize=4.5 if latest else 3.5, color=colour, zorder=4,
                    gid="vintage-end")  # fmt: skip
            # The value in the words of the figure that set it ("over 40", not 41); a pooled fit says so.
            setting = [i for i in behind if said.point(i) == round(value)]
            figure = said.words(setting[-1]) if setting else f"an estimate of {value:,.0f}"
            words = f"As known by {date_words(moment)}: {figure}" if latest else f"{_short_day(moment)}: {figure}"
            ax.annotate(words, xy=(x_end, value), xytext=(-4, 6), textcoords="offset points", ha="right",
                        fontsize=chosen.text_size if latest else chosen.small_size, color=colour,
                        fontweight="bold" if latest else "normal", gid="vintage-label")  # fmt: skip
    return fig


def save(figure: MplFigure, path: str | Path, *, dpi: float | None = None) -> Path:
    """Write a chart to ``path``: PNG or SVG (or PDF) by the suffix, SVG text kept as editable text.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        A chart from :func:`timeline`.
    path : str or path-like
        Where to write it; the suffix (``.png``, ``.svg``, ``.pdf``) chooses the format.
    dpi : float, optional
        Dots per inch of a PNG; default: the figure's (the :class:`Theme`'s, 200).

    Returns
    -------
    pathlib.Path
        The path written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from kzfigures.datasets import kazakhstan_2022
    >>> chart = timeline(kazakhstan_2022(), key="metric=detained,group=all")
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     written = save(chart, pathlib.Path(folder) / "detained.svg")
    ...     "Detained: reported figures" in written.read_text(encoding="utf-8")
    True
    """
    mpl = _matplotlib()
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in (".png", ".svg", ".pdf"):
        raise InvalidArgumentError(f"save writes .png, .svg or .pdf, chosen by the suffix (got {str(path)!r})")
    with mpl.rc_context({"svg.fonttype": "none", "pdf.fonttype": 42}):
        figure.savefig(target, dpi=dpi if dpi is not None else figure.dpi, facecolor=figure.get_facecolor())
    return target

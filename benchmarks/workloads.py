"""Seeded synthetic observation frames for the benchmarks.

:func:`generate` builds a canonical frame (the dtypes of
:data:`kzfigures.frame.COLUMNS`, accepted unchanged by
:func:`kzfigures.frame.from_frame`) of ``n`` observations over ``keys``
series, shaped like a conflict-monitoring archive:

- every series has a hidden true count per local day; cumulative series
  (95 %) grow by a Poisson step each day, the others are daily counts;
- each *claim* states that day's count with a qualifier drawn from a
  realistic mix: exact (50 %), "more than" (12 %), "about" (15 %),
  "almost" (6 %), "at least" (5 %), "between a and b" (7 %) and vague words
  ("thousands", 5 %), so every claim's interval contains the true count;
- 30 % of claims are *echoed*: the same authority's figure for the same
  time carried by 2-4 outlets (one claim, several observations);
- 80 % of claims are dated to the day, 20 % to an hour of that day;
- 80 % name an authority, the rest are the outlet's own claim;
- a small share of claims in cumulative series are *planted violations*:
  an exact figure below the largest ``low`` reported on an earlier day of
  the same series. The rows of those claims (all their echoes) are exactly
  the rows that are the later side of a ``definite`` violation; they may
  also ``conflict`` with other claims of the same day.

Series sizes are skewed (log-normal weights) and rows are shuffled, so an
analysis cannot rely on the input being sorted.

Everything is vectorized numpy; the only per-row Python is the ``id``
comprehension, which is faster than ``numpy.strings`` for this job. 10^6
rows take about a second.

>>> work = generate(1_000, 10, seed=1)
>>> work.frame.shape, int(work.frame.groupby(["metric", "group", "region"]).ngroups)
((1000, 21), 10)
>>> from kzfigures.frame import from_frame
>>> from_frame(work.frame).equals(work.frame)
True
"""

from __future__ import annotations

import datetime as dt

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from kzfigures.conventions import DEFAULT_CONVENTIONS
from kzfigures.frame import COLUMNS

__all__ = [
    "COUNTY_STATISTICS",
    "QUALIFIER_MIX",
    "SHAPES",
    "TZ",
    "Workload",
    "county_counts",
    "crossing_speakers",
    "generate",
    "shape",
    "users_frame",
]

#: The zone of every generated time (Almaty, as in the bundled dataset).
TZ = dt.timezone(dt.timedelta(hours=6))

#: Share of claims per qualifier.
QUALIFIER_MIX: dict[str, float] = {
    "exact": 0.50,
    "more_than": 0.12,
    "about": 0.15,
    "almost": 0.06,
    "at_least": 0.05,
    "range": 0.07,
    "vague": 0.05,
}

# Label pools are object arrays: taking from them is a gather, not a per-row str conversion.
_METRICS = np.array(
    ["killed", "injured", "detained", "missing", "displaced", "arrested", "evacuated", "hospitalized"], dtype=object
)
_GROUPS = np.array(
    [
        *("all", "civilians", "law_enforcement", "military", "protesters"),
        *("children", "women", "foreigners", "medics", "journalists"),
    ],
    dtype=object,
)
_PRECISIONS = np.array(["day", "hour"], dtype=object)
_KINDS = np.array(["official", "state_media", "news_agency", "independent_media", "ngo", "other"], dtype=object)
# Vague words per order of magnitude, with the spans the library's conventions give them
# (as the strategies do): "thousands" = [2000, 9999].
_VAGUE_WORDS = ("dozens", "hundreds", "thousands", "tens of thousands", "hundreds of thousands")
_N_AUTHORITIES = 60
_N_OUTLETS = 400
_N_URLS = 5_000
_DAY_NS = 86_400 * 10**9
_HOUR_NS = 3_600 * 10**9
_EPOCH_NS = pd.Timestamp("2020-01-01").value  # local midnight of day 0
_CLAIMS_PER_DAY = 3.0
_MAX_DAYS = 20 * 365
_SHIFT = 2**40  # > any generated count; key * _SHIFT + value keeps per-key order in one array


@attrs.frozen
class Workload:
    """A generated frame and what was planted in it.

    Attributes
    ----------
    frame : DataFrame
        The canonical observation frame (``n`` rows, ``keys`` series).
    planted : ndarray of int64
        Sorted row positions of the planted ``definite`` violations.
    n, keys, seed : int
        The arguments that produced it.
    """

    frame: pd.DataFrame = attrs.field(repr=False)
    planted: npt.NDArray[np.int64] = attrs.field(repr=False)
    n: int
    keys: int
    seed: int

    @property
    def input_bytes(self) -> int:
        """``frame.memory_usage(deep=True).sum()``: the yardstick for peak memory."""
        return int(self.frame.memory_usage(deep=True).sum())


def generate(
    n: int,
    keys: int,
    *,
    seed: int = 0,
    echo_share: float = 0.3,
    hour_share: float = 0.2,
    authority_share: float = 0.8,
    planted_share: float = 0.002,
    cumulative_share: float = 0.95,
) -> Workload:
    """Return ``n`` observations over exactly ``keys`` series (see the module docstring).

    The same arguments give the same frame on every platform (numpy's PCG64).

    >>> a, b = generate(200, 5, seed=3), generate(200, 5, seed=3)
    >>> a.frame.equals(b.frame) and bool((a.planted == b.planted).all())
    True
    """
    if not 1 <= keys <= n:
        raise ValueError(f"need 1 <= keys <= n (got keys={keys}, n={n})")
    for name, share in [
        ("echo_share", echo_share),
        ("hour_share", hour_share),
        ("authority_share", authority_share),
        ("planted_share", planted_share),
        ("cumulative_share", cumulative_share),
    ]:
        if not 0.0 <= share <= 1.0:
            raise ValueError(f"{name} must be in [0, 1] (got {share})")
    rng = np.random.default_rng(seed)

    # Claims and how many outlets carry each (an echo is one claim, several rows).
    carriers = np.where(rng.random(n) < echo_share, rng.integers(2, 5, n), 1)
    ends = np.cumsum(carriers)
    n_claims = int(np.searchsorted(ends, n)) + 1
    if n_claims < keys:  # too few claims to give every key one: no echoes
        carriers, n_claims = np.ones(n, dtype=np.int64), n
    carriers = carriers[:n_claims].copy()
    carriers[-1] -= int(carriers.sum()) - n

    # Series: every key gets a claim, the rest follow skewed weights.
    weights = rng.lognormal(0.0, 1.0, keys)
    key = np.concatenate([np.arange(keys), rng.choice(keys, n_claims - keys, p=weights / weights.sum())])
    claims_per_key = np.bincount(key, minlength=keys)
    # About three claims a day, over at most twenty years (a single huge series gets busier days).
    days_per_key = np.clip(np.ceil(claims_per_key / _CLAIMS_PER_DAY).astype(np.int64), 1, _MAX_DAYS)
    day = (rng.random(n_claims) * days_per_key[key]).astype(np.int64)
    first_day = rng.integers(0, 4 * 365, keys)
    cumulative_key = rng.random(keys) < cumulative_share

    # The hidden true count of every (key, day).
    cell_start = np.concatenate([[0], np.cumsum(days_per_key)[:-1]])
    cell_key = np.repeat(np.arange(keys), days_per_key)
    base = (rng.lognormal(np.log(300.0), 1.2, keys)).astype(np.int64) + 10
    steps = rng.poisson(base[cell_key] * 0.05)
    steps[cell_start] = 0
    grown = np.cumsum(steps)
    grown -= np.repeat(grown[cell_start], days_per_key)
    daily = (base[cell_key] * rng.uniform(0.5, 1.5, len(cell_key))).astype(np.int64) + 10
    truth = np.where(cumulative_key[cell_key], base[cell_key] + grown, daily)
    count = np.minimum(truth[cell_start[key] + day], 9_999_999)

    low, high, stated, qualifier, words = _figures(rng, count)
    cumulative = cumulative_key[key]
    planted_claim = _plant(rng, key, day, cumulative, planted_share, low, high, stated, qualifier, words)

    # Time and speaker of each claim.
    local_day = first_day[key] + day
    hourly = rng.random(n_claims) < hour_share
    hour = np.where(hourly, rng.integers(0, 24, n_claims), 0)
    as_of_ns = _EPOCH_NS + local_day * _DAY_NS + hour * _HOUR_NS - 6 * _HOUR_NS  # local -> UTC
    speaks = rng.random(n_claims) < authority_share
    authority = np.where(speaks, (key * 7 + rng.integers(0, 3, n_claims)) % _N_AUTHORITIES, -1)
    first_outlet = rng.integers(0, _N_OUTLETS, n_claims)

    # Rows: one per carrier of each claim, then shuffled.
    claim = np.repeat(np.arange(n_claims), carriers)
    rank = np.arange(n) - np.repeat(np.cumsum(carriers) - carriers, carriers)
    outlet = (first_outlet[claim] + rank * 37) % _N_OUTLETS
    order = rng.permutation(n)
    claim, rank, outlet = claim[order], rank[order], outlet[order]
    published_ns = as_of_ns[claim] + rng.integers(1, 48, n) * _HOUR_NS

    frame = pd.DataFrame(
        {
            "id": _text([f"obs-{i}" for i in range(n)]),
            "metric": _text(_METRICS[key[claim] % len(_METRICS)]),
            "group": _text(_GROUPS[(key[claim] // len(_METRICS)) % len(_GROUPS)]),
            "region": _text(_labels("Region", key[claim] // (len(_METRICS) * len(_GROUPS)))),
            "low": _integers(low[claim]),
            "high": _integers(high[claim]),
            "stated": _integers(stated[claim]),
            "qualifier": _text(qualifier[claim]),
            "figure": _text(words[claim]),
            "as_of": _times(as_of_ns[claim]),
            "as_of_precision": _text(_PRECISIONS[hourly[claim].astype(np.int64)]),
            "published": _times(published_ns),
            "published_precision": _text(np.full(n, "hour", dtype=object)),
            "outlet": _text(_labels("Outlet", outlet, suffix=" News")),
            "outlet_kind": _text(_KINDS[outlet % len(_KINDS)]),
            "authority": _text(_labels("Ministry of Internal Affairs", authority[claim])),
            "via": _text(_labels("Outlet", np.where(rank > 0, first_outlet[claim], -1), suffix=" News")),
            "cumulative": cumulative[claim],
            "quote": _text(np.full(n, None, dtype=object)),
            "url": _text(_labels("https://news.example/", (outlet * 7919 + local_day[claim]) % _N_URLS, sep="")),
            "note": _text(np.full(n, None, dtype=object)),
        }
    )
    assert list(frame.columns) == list(COLUMNS)
    planted = np.sort(np.flatnonzero(planted_claim[claim]))
    return Workload(frame=frame, planted=planted, n=n, keys=keys, seed=seed)


def _figures(rng: np.random.Generator, count: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.int64], ...]:
    """A figure for each true count: (low, high, stated, qualifier, words); -1 = missing.

    Every interval contains its count (the arithmetic is in the comments).
    """
    m = len(count)
    names = np.array(list(QUALIFIER_MIX), dtype=object)
    shares = np.array(list(QUALIFIER_MIX.values()))
    qualifier = names[rng.choice(len(names), m, p=shares / shares.sum())]
    magnitude = 10 ** np.floor(np.log10(count)).astype(np.int64)
    unit = np.maximum(1, magnitude // 10)  # two significant digits; unit <= count / 10

    low, high, stated = count.copy(), count.copy(), count.copy()
    words = np.full(m, None, dtype=object)

    is_more = qualifier == "more_than"  # stated < count, so low = stated + 1 <= count
    stated[is_more] = (count[is_more] - 1) // unit[is_more] * unit[is_more]
    low[is_more], high[is_more] = stated[is_more] + 1, -1
    is_least = qualifier == "at_least"
    stated[is_least] = count[is_least] // unit[is_least] * unit[is_least]
    low[is_least], high[is_least] = stated[is_least], -1
    # about s: |s - count| <= unit / 2 <= 5 % of count, so [0.9 s, 1.1 s] holds it.
    is_about = qualifier == "about"
    s = (count[is_about] + unit[is_about] // 2) // unit[is_about] * unit[is_about]
    stated[is_about], low[is_about], high[is_about] = s, (9 * s + 9) // 10, 11 * s // 10
    # almost s: count < s <= 1.1 count, so [0.9 s, s - 1] holds it.
    is_almost = qualifier == "almost"
    s = (count[is_almost] // unit[is_almost] + 1) * unit[is_almost]
    stated[is_almost], low[is_almost], high[is_almost] = s, (9 * s + 9) // 10, s - 1
    # Vague words span [2 x magnitude, 10 x magnitude - 1] ("thousands" = [2000, 9999]);
    # a count below its magnitude's span is said as a range instead.
    spans = [DEFAULT_CONVENTIONS.vague_spans[word] for word in _VAGUE_WORDS]
    vague_low = np.array([lowest for lowest, _ in spans] + [2**62])  # no word for millions
    vague_high = np.array([highest for _, highest in spans] + [0])
    vague_word = np.array([*_VAGUE_WORDS, None], dtype=object)
    slot = np.minimum(np.log10(magnitude).astype(np.int64) - 1, len(_VAGUE_WORDS))  # counts are 10 .. 9,999,999
    qualifier[(qualifier == "vague") & ((count < vague_low[slot]) | (count > vague_high[slot]))] = "range"
    is_vague = qualifier == "vague"
    low[is_vague], high[is_vague] = vague_low[slot][is_vague], vague_high[slot][is_vague]
    stated[is_vague], words[is_vague] = -1, vague_word[slot][is_vague]
    # between a and b: a few units either side of the count.
    is_range = qualifier == "range"
    below, above = rng.integers(0, 4, m), rng.integers(1, 5, m)
    low[is_range] = np.maximum(0, (count // unit - below) * unit)[is_range]
    high[is_range] = ((count // unit + above) * unit)[is_range]
    stated[is_range] = -1
    return low, high, stated, qualifier, words


def _plant(
    rng: np.random.Generator,
    key: npt.NDArray[np.int64],
    day: npt.NDArray[np.int64],
    cumulative: npt.NDArray[np.bool_],
    share: float,
    low: npt.NDArray[np.int64],
    high: npt.NDArray[np.int64],
    stated: npt.NDArray[np.int64],
    qualifier: npt.NDArray[np.object_],
    words: npt.NDArray[np.object_],
) -> npt.NDArray[np.bool_]:
    """Turn a share of cumulative claims into exact figures below an earlier day's largest low.

    Edits the figure arrays in place and returns the mask of planted claims.
    The witness lows exclude planted claims, so every planted figure stays
    below a genuine earlier claim.
    """
    chosen = cumulative & (rng.random(len(key)) < share)
    order = np.lexsort((day, key))
    s_key, s_day = key[order], day[order]
    honest_low = np.where(chosen, 0, low)[order]
    starts = np.flatnonzero(np.r_[True, (s_key[1:] != s_key[:-1]) | (s_day[1:] != s_day[:-1])])
    cell_key = s_key[starts]
    cell_max = np.maximum.reduceat(honest_low, starts)
    running = np.maximum.accumulate(cell_key * _SHIFT + cell_max)
    before = np.r_[-1, running[:-1]]  # largest low on an earlier day of the same key
    same_key = np.r_[False, cell_key[1:] == cell_key[:-1]]
    earlier_max = np.where(same_key, before - cell_key * _SHIFT, 0)
    witness = np.empty(len(key), dtype=np.int64)
    witness[order] = np.repeat(earlier_max, np.diff(np.r_[starts, len(key)]))
    chosen &= witness >= 1
    value = np.minimum(witness - 1, (witness * rng.uniform(0.4, 0.95, len(key))).astype(np.int64))[chosen]
    low[chosen], high[chosen], stated[chosen] = value, value, value
    qualifier[chosen], words[chosen] = "exact", None
    return chosen


def _labels(prefix: str, index: npt.NDArray[np.int64], *, suffix: str = "", sep: str = " ") -> npt.NDArray[np.object_]:
    """``prefix index suffix`` per row via a pool of the distinct labels; index -1 = missing."""
    pool = np.array([f"{prefix}{sep}{i}{suffix}" for i in range(int(index.max(initial=0)) + 1)] + [None], dtype=object)
    return pool[np.where(index < 0, len(pool) - 1, index)]


def _text(values: npt.ArrayLike) -> pd.Series:
    return pd.Series(pd.array(np.asarray(values, dtype=object), dtype="string"))


def _integers(values: npt.NDArray[np.int64]) -> pd.Series:
    return pd.Series(pd.arrays.IntegerArray(np.maximum(values, 0), values < 0))


def _times(utc_ns: npt.NDArray[np.int64]) -> pd.Series:
    return pd.Series(pd.DatetimeIndex(utc_ns.astype("datetime64[ns]")).tz_localize("UTC").tz_convert(TZ))


# --- the shapes of issue 22 --------------------------------------------------------

#: The five shapes of data the benchmark runner measures, by name (see :func:`shape`).
SHAPES: tuple[str, ...] = (
    "conflict-mix",
    "county-counts",
    "crossing-speakers",
    "users-csv",
    "one-huge-series",
    "many-tiny-series",
)

#: The statistics :func:`county_counts` reproduces (and ``tests/test_benchmarks_workloads.py`` checks).
#: They are the orders of magnitude of the public archives of exact cumulative county counts
#: (COVID-19 cases and deaths per county, one row per county and day, one source): most
#: counties are small, so many days add nothing (long plateaus); a few days in a thousand
#: the count falls (a correction), thousands of times in a million rows.
COUNTY_STATISTICS: dict[str, float] = {
    "plateau_share": 0.35,  # days whose count equals the day before's, about
    "decrease_share": 0.004,  # days whose count is below the day before's, about
}


def shape(name: str, n: int, *, seed: int = 0) -> Workload:
    """The workload of one of :data:`SHAPES` with ``n`` observations, as a canonical frame.

    Series: ``n / 100`` (1 to 10^4) except for the last two shapes, which are one
    series of ``n`` and ``n`` series of one.

    - ``conflict-mix``: :func:`generate`, today's conflict-monitoring mix;
    - ``county-counts``: :func:`county_counts`, one source's exact cumulative counts;
    - ``crossing-speakers``: :func:`crossing_speakers`, many speakers a day whose figures cross;
    - ``users-csv``: :func:`generate`'s frame, which the runner hands over as :func:`users_frame`
      makes it (no ids, naive times, object strings) and as a CSV of that;
    - ``one-huge-series`` / ``many-tiny-series``: :func:`generate` with 1 and ``n`` keys.

    >>> [len(shape(name, 300, seed=1).frame) for name in SHAPES]
    [300, 300, 300, 300, 300, 300]
    """
    keys = int(min(max(1, n // 100), 10_000))
    if name in ("conflict-mix", "users-csv"):
        return generate(n, keys, seed=seed)
    if name == "county-counts":
        return county_counts(n, keys, seed=seed)
    if name == "crossing-speakers":
        return crossing_speakers(n, keys, seed=seed)
    if name == "one-huge-series":
        return generate(n, 1, seed=seed)
    if name == "many-tiny-series":
        return generate(n, n, seed=seed)
    raise ValueError(f"unknown shape {name!r}; expected one of {', '.join(SHAPES)}")


def _series_days(rng: np.random.Generator, n: int, keys: int) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Rows per series (every series at least one, the rest by log-normal weights), as (sizes, key of each row)."""
    weights = rng.lognormal(0.0, 0.7, keys)
    key = np.sort(np.concatenate([np.arange(keys), rng.choice(keys, n - keys, p=weights / weights.sum())]))
    return np.bincount(key, minlength=keys), key


def county_counts(
    n: int,
    keys: int,
    *,
    seed: int = 0,
    plateau_share: float = COUNTY_STATISTICS["plateau_share"],
    decrease_share: float = COUNTY_STATISTICS["decrease_share"],
) -> Workload:
    """One source's exact cumulative counts, one row per series and day, like a county archive.

    Each series (a county's cases or deaths) has a daily rate drawn log-normally
    (most counties small); on a plateau day the count does not change
    (``plateau_share`` of days, on top of the days a small rate adds nothing), on a
    decrease day it falls by up to a tenth (a correction; ``decrease_share`` of days)
    and otherwise grows by a Poisson step. Every figure is exact and stated, dated to
    the day, from one outlet and no authority, with ids ``c-<row>``; the rows come as
    an archive writes them, by day and then county. ``planted`` holds the rows whose
    count is below the day before's (the decreases).

    >>> work = county_counts(2_000, 20, seed=1)
    >>> bool((work.frame["low"] == work.frame["high"]).all()), work.frame["outlet"].nunique()
    (True, 1)
    """
    if not 1 <= keys <= n:
        raise ValueError(f"need 1 <= keys <= n (got keys={keys}, n={n})")
    rng = np.random.default_rng(seed)
    days, key = _series_days(rng, n, keys)
    start = np.r_[0, np.cumsum(days)[:-1]]
    day = np.arange(n) - np.repeat(start, days)
    rate = rng.lognormal(np.log(3.0), 1.5, keys)
    step = rng.poisson(rate[key]).astype(np.int64)
    step[rng.random(n) < plateau_share] = 0
    grown = np.cumsum(step)
    count = grown - np.repeat(grown[start], days) + rng.integers(1, 50, keys)[key]
    falls = (rng.random(n) < decrease_share) & (day > 0)
    drop = np.where(falls, np.maximum(1, (count * rng.uniform(0.0, 0.1, n)).astype(np.int64)), 0)
    # A correction lowers that day's count only (the next day is back on the running total).
    count = np.maximum(0, count - drop)
    decreased = np.r_[False, (count[1:] < count[:-1]) & (key[1:] == key[:-1])]
    first_day = rng.integers(0, 60, keys)
    as_of_ns = _EPOCH_NS + (first_day[key] + day) * _DAY_NS - 6 * _HOUR_NS
    order = np.lexsort((key, first_day[key] + day))  # archive order: by day, then county
    metrics = np.array(["cases", "deaths"], dtype=object)
    label = _labels("County", key // 2)
    frame = pd.DataFrame(
        {
            "id": _text([f"c-{i}" for i in range(n)]),
            "metric": _text(metrics[key % 2][order]),
            "group": _text(np.full(n, "all", dtype=object)),
            "region": _text(label[order]),
            "low": _integers(count[order]),
            "high": _integers(count[order]),
            "stated": _integers(count[order]),
            "qualifier": _text(np.full(n, "exact", dtype=object)),
            "figure": _text(np.full(n, None, dtype=object)),
            "as_of": _times(as_of_ns[order]),
            "as_of_precision": _text(np.full(n, "day", dtype=object)),
            "published": _times(as_of_ns[order] + _DAY_NS),
            "published_precision": _text(np.full(n, "day", dtype=object)),
            "outlet": _text(np.full(n, "County Archive", dtype=object)),
            "outlet_kind": _text(np.full(n, "other", dtype=object)),
            "authority": _text(np.full(n, None, dtype=object)),
            "via": _text(np.full(n, None, dtype=object)),
            "cumulative": np.ones(n, dtype=bool),
            "quote": _text(np.full(n, None, dtype=object)),
            "url": _text(np.full(n, "https://archive.example/us-counties.csv", dtype=object)),
            "note": _text(np.full(n, None, dtype=object)),
        }
    )
    planted = np.sort(np.argsort(order)[decreased])
    return Workload(frame=frame, planted=planted, n=n, keys=keys, seed=seed)


def crossing_speakers(
    n: int, keys: int, *, seed: int = 0, speakers: int = 6, cumulative_share: float = 0.5
) -> Workload:
    """Many speakers per series and day whose figures cross: the worst case for settling conflicts.

    Every series has ``speakers`` authorities and outlets (3 to 2 x ``speakers`` of them a day)
    who each state the day's count as an exact figure off by up to 30 % either way, so on
    most days the figures contradict each other and from day to day they cross. Half the
    series (``cumulative_share``) are running totals, the others daily counts, so both
    settling paths run. Rows are shuffled; ``planted`` is empty.

    >>> work = crossing_speakers(3_000, 30, seed=2)
    >>> by_day = work.frame.groupby(["metric", "group", "region", "as_of"])["low"].nunique()
    >>> bool((by_day > 1).mean() > 0.5)
    True
    """
    if not 1 <= keys <= n:
        raise ValueError(f"need 1 <= keys <= n (got keys={keys}, n={n})")
    rng = np.random.default_rng(seed)
    sizes, key = _series_days(rng, n, keys)
    per_day = rng.integers(3, 2 * speakers + 1, n)
    # Day of each row: rows of a series fill its days in turn, per_day rows a day.
    row_in_series = np.arange(n) - np.repeat(np.r_[0, np.cumsum(sizes)[:-1]], sizes)
    day = row_in_series // per_day[key]
    base = rng.lognormal(np.log(200.0), 1.0, keys)
    cumulative_key = rng.random(keys) < cumulative_share
    truth = np.where(cumulative_key[key], base[key] * (1.0 + 0.05 * day), base[key] * rng.uniform(0.7, 1.3, n))
    count = np.maximum(1, (truth * rng.uniform(0.7, 1.3, n)).astype(np.int64))
    speaker = rng.integers(0, 2 * speakers, n)
    is_authority = speaker < speakers
    as_of_ns = _EPOCH_NS + (rng.integers(0, 365, keys)[key] + day) * _DAY_NS - 6 * _HOUR_NS
    order = rng.permutation(n)
    frame = pd.DataFrame(
        {
            "id": _text([f"s-{i}" for i in range(n)]),
            "metric": _text(_METRICS[key % len(_METRICS)][order]),
            "group": _text(_GROUPS[(key // len(_METRICS)) % len(_GROUPS)][order]),
            "region": _text(_labels("Region", key // (len(_METRICS) * len(_GROUPS)))[order]),
            "low": _integers(count[order]),
            "high": _integers(count[order]),
            "stated": _integers(count[order]),
            "qualifier": _text(np.full(n, "exact", dtype=object)),
            "figure": _text(np.full(n, None, dtype=object)),
            "as_of": _times(as_of_ns[order]),
            "as_of_precision": _text(np.full(n, "day", dtype=object)),
            "published": _times(as_of_ns[order] + _HOUR_NS),
            "published_precision": _text(np.full(n, "hour", dtype=object)),
            "outlet": _text(_labels("Outlet", ((key * 13 + speaker) % _N_OUTLETS)[order], suffix=" News")),
            "outlet_kind": _text(_KINDS[((key * 13 + speaker) % _N_OUTLETS) % len(_KINDS)][order]),
            "authority": _text(
                _labels("Ministry of Internal Affairs", np.where(is_authority, (key + speaker) % _N_AUTHORITIES, -1))[
                    order
                ]
            ),
            "via": _text(np.full(n, None, dtype=object)),
            "cumulative": cumulative_key[key][order],
            "quote": _text(np.full(n, None, dtype=object)),
            "url": _text(_labels("https://news.example/", (np.arange(n) * 7919 % _N_URLS))[order]),
            "note": _text(np.full(n, None, dtype=object)),
        }
    )
    return Workload(frame=frame, planted=np.zeros(0, dtype=np.int64), n=n, keys=keys, seed=seed)


def users_frame(canonical: pd.DataFrame) -> pd.DataFrame:
    """A canonical frame the way users have it: no ``id`` column, naive local times, object strings.

    Times become the wall-clock times of their zone without the offset (read back with
    ``tz=`` that zone); text columns hold Python strings and ``None`` in object arrays; counts
    are floats with NaN for missing, as ``pandas.read_csv`` gives them.

    >>> frame = users_frame(generate(100, 2, seed=1).frame)
    >>> "id" in frame, str(frame["as_of"].dtype), str(frame["metric"].dtype), str(frame["high"].dtype)
    (False, 'datetime64[ns]', 'object', 'float64')
    """
    out = {}
    for name in canonical.columns:
        column = canonical[name]
        if name == "id":
            continue
        if isinstance(column.dtype, pd.DatetimeTZDtype):
            out[name] = column.dt.tz_localize(None)
        elif isinstance(column.dtype, pd.StringDtype):
            out[name] = pd.Series(column.to_numpy(dtype=object, na_value=None), dtype=object)
        elif isinstance(column.dtype, pd.Int64Dtype):
            out[name] = column.astype("float64")
        else:
            out[name] = column
    return pd.DataFrame(out)

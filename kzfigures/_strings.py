"""Whole-column operations on pandas text columns, for either storage of their strings.

A pandas ``string`` column holds Python strings (storage ``"python"``) or an Arrow
array (``"pyarrow"``: pandas 3's default text when pyarrow is installed, which the
``dask`` extra installs). The validation in :mod:`kzfigures.frame` asks the same
few questions of every text column: its distinct values, whether a cell is blank,
its codes. For Python strings, hashing the cells in C (``set()``, ``factorize`` of
an object array) answers them. For Arrow strings that would first build a Python
string per cell, most of the cost of validating an Arrow-backed frame
(``docs/performance.md``), so they are asked of Arrow's compute functions instead,
which run on the buffers. The answers are the same for both storages
(``tests/test_strings.py`` compares them).

>>> import pandas as pd
>>> column = pd.Series(["killed", "detained", None, "killed"], dtype="string")
>>> sorted(v for v in distinct(column) if isinstance(v, str))
['detained', 'killed']
>>> codes, uniques = factorize(column)
>>> codes.tolist(), uniques.tolist()
([0, 1, -1, 0], ['killed', 'detained'])
>>> has_blank(pd.Series(["a", " \\u3000"], dtype="string"))
True
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

# Every character str.isspace() accepts (Python 3.11's Unicode tables); the blank check
# of Arrow strings trims these and no others, so that it agrees with str.isspace().
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def arrow(values: pd.Series) -> Any | None:
    """The Arrow (chunked) array behind a ``string`` column, or None if its strings are Python objects.

    ``"pyarrow_numpy"`` is pandas 2's name for the storage pandas 3 calls ``"pyarrow"``.
    """
    dtype = values.dtype
    if isinstance(dtype, pd.StringDtype) and dtype.storage in ("pyarrow", "pyarrow_numpy"):
        return values.array.__arrow_array__()
    return None


def distinct(values: pd.Series) -> set[object]:
    """The distinct cells of a ``string`` column, with one missing marker if a cell is missing.

    The marker is ``None`` for Arrow strings and ``pd.NA`` otherwise: callers test
    ``isinstance(v, str)``, never the marker itself.
    """
    chunks = arrow(values)
    if chunks is None:
        return set(values.to_numpy(dtype=object))
    import pyarrow.compute as pc

    return set(pc.unique(chunks).to_pylist())


def count_distinct(values: pd.Series) -> int:
    """How many distinct cells a ``string`` column has (missing counts as one)."""
    chunks = arrow(values)
    if chunks is None:
        return len(set(values.to_numpy(dtype=object)))
    import pyarrow.compute as pc

    return len(pc.unique(chunks))  # a third faster than pc.count_distinct, which counts the same


def factorize(values: pd.Series) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.object_]]:
    """``pandas.factorize`` of a text column: codes (-1 where missing) and the distinct texts as objects.

    Python strings are factorized as an object array, which hashes faster than
    pandas' ``StringArray``; Arrow strings by Arrow's dictionary encoding.
    """
    codes, uniques = pd.factorize(values.to_numpy(dtype=object) if arrow(values) is None else values)
    return np.asarray(codes, dtype=np.intp), np.asarray(uniques, dtype=object)


def extract_ascii(values: pd.Series, pattern: str) -> pd.DataFrame | None:
    """Each cell's named groups of RE2 ``pattern`` by Arrow's kernel; None unless all cells are ASCII Arrow text.

    The groups are ``string`` columns on the index of ``values``, missing where the pattern does
    not match or the cell is missing. RE2 and Python's ``re`` differ in what a digit, white space
    and the end of the text are, most of all beyond ASCII: a caller writes a pattern that
    matches in RE2 what its Python pattern matches in ASCII text, and keeps the Python one for
    the rest.

    >>> text = pd.Series(["07+06", "x", None], dtype="string")
    >>> groups = extract_ascii(text, r"^(?P<day>[0-9]+)[+](?P<hours>[0-9]+)$")
    >>> groups is None if arrow(text) is None else groups["hours"].fillna("-").tolist() == ["06", "-", "-"]
    True
    >>> extract_ascii(pd.Series(["07\u00a0+06"], dtype="string"), r"^(?P<day>[0-9]+)") is None  # not ASCII
    True
    """
    chunks = arrow(values)
    if chunks is None or len(chunks) == 0:
        return None
    import pyarrow.compute as pc

    if pc.any(pc.invert(pc.string_is_ascii(chunks))).as_py():
        return None
    found = pc.extract_regex(chunks, pattern)
    names = [found.type.field(i).name for i in range(found.type.num_fields)]
    return pd.DataFrame(
        {name: pd.arrays.ArrowStringArray(pc.struct_field(found, name)) for name in names}, index=values.index
    )


def equal_to(values: pd.Series, text: str) -> npt.NDArray[np.bool_]:
    """Where a ``string`` column's cell is ``text`` (False where missing).

    Arrow compares its buffers (a tenth of the time of making a million Python
    strings to compare); Python strings are compared as an object array, which
    is faster for them than pandas' ``StringArray`` comparison.

    >>> equal_to(pd.Series(["day", "hour", None], dtype="string"), "day").tolist()
    [True, False, False]
    """
    chunks = arrow(values)
    if chunks is None:
        present = values.notna().to_numpy(dtype=bool)
        found = np.zeros(len(values), dtype=bool)
        found[present] = values.to_numpy(dtype=object)[present] == text
        return found
    import pyarrow.compute as pc

    return np.asarray(pc.fill_null(pc.equal(chunks, text), False).to_numpy(), dtype=bool)


def has_blank(values: pd.Series) -> bool:
    """Whether a present cell of a ``string`` column is empty or all whitespace (``str.isspace``)."""
    chunks = arrow(values)
    if chunks is None:
        present = values.dropna().to_numpy(dtype=object)
        return bool((present == "").any()) or any(map(str.isspace, present))
    import pyarrow.compute as pc

    return bool(pc.any(pc.equal(pc.utf8_trim(chunks, WHITESPACE), "")).as_py())


def sorted_order(values: pd.Series) -> npt.NDArray[np.intp] | None:
    """The stable order of an Arrow ``string`` column without missing cells; None if its strings are Python objects.

    Arrow compares strings by their UTF-8 bytes, which order as the code points
    do, so this is ``sorted(range(n), key=cells.__getitem__)``, in C (Python
    strings take :func:`kzfigures.analysis._sorting.text_order`).
    """
    chunks = arrow(values)
    if chunks is None:
        return None
    import pyarrow.compute as pc

    return np.asarray(pc.sort_indices(chunks).to_numpy(), dtype=np.intp)


def row_ids(n: int, start: int = 0) -> pd.Series:
    """The ids ``row-<start>``, ..., ``row-<start + n - 1>`` as a ``string`` column.

    Where pandas stores ``string`` columns as Arrow strings, Arrow writes them
    (a fifth of the time of formatting a million Python strings); otherwise
    Python does.

    >>> row_ids(3, start=5).tolist()
    ['row-5', 'row-6', 'row-7']
    """
    if pd.StringDtype().storage == "pyarrow":
        import pyarrow as pa
        import pyarrow.compute as pc

        numbers = pa.array(np.arange(start, start + n, dtype=np.int64)).cast(pa.string())
        return pd.Series(pd.array(pc.binary_join_element_wise("row", numbers, "-"), dtype="string"))
    return pd.Series([f"row-{i}" for i in range(start, start + n)], dtype="string")


def made_in_order(values: pd.Series, order: npt.NDArray[np.intp]) -> npt.NDArray[np.object_] | None:
    """The Arrow text cells at the rows ``order`` lists, made into Python strings in that order.

    None if the column's strings are Python objects already (read them by row). Reading
    strings at random costs a cache miss each: a million one-id tuples built from strings
    in shuffled order take three times as long as from strings made in the order they are
    read. Taking the cells first costs Arrow about 50 ms a million, so it pays where the
    strings are read about once each, one per tuple, or where only some cells are wanted
    (the ids a range cites: a few per series).

    >>> made = made_in_order(pd.Series(["b", "a", "c"], dtype="string"), np.array([1, 0]))
    >>> made is None if arrow(pd.Series(["b"], dtype="string")) is None else made.tolist() == ["a", "b"]
    True
    """
    chunks = arrow(values)
    if chunks is None:
        return None
    return np.asarray(chunks.take(order).to_numpy(zero_copy_only=False), dtype=object)

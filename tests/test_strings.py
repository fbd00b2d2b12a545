"""kzfigures._strings: the same answers for Python and Arrow strings, and from_frame alike for both.

The oracle is plain Python over the cells: ``set``, first-seen codes and
``str.isspace``. Arrow's answers come from its compute functions, so each is
compared with the oracle on drawn columns that hold empty, whitespace-only
(every character ``str.isspace`` accepts), missing and repeated cells.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import sys
import tempfile
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import kzfigures
from kzfigures import _strings, errors
from kzfigures import frame as frame_module
from kzfigures.analysis._sorting import text_order
from kzfigures.datasets import kazakhstan_2022

pytest.importorskip("pyarrow")

SPACES = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]
CELLS = st.one_of(
    st.none(),
    st.sampled_from(["", "killed", "Killed", "x y", "\u200b", "\u00a0killed"]),
    st.text(alphabet=st.sampled_from([*SPACES, "a", "\u200b"]), max_size=3),
    st.text(max_size=4),
)
STORAGES: list[Literal["python", "pyarrow"]] = ["python", "pyarrow"]


def _column(cells: list[str | None], storage: Literal["python", "pyarrow"]) -> pd.Series:
    return pd.Series(cells, dtype=pd.StringDtype(storage))


def _marked(values: set[object]) -> set[object]:
    return {v if isinstance(v, str) else None for v in values}


def test_whitespace_is_what_str_isspace_accepts() -> None:
    assert "".join(SPACES) == _strings.WHITESPACE


@pytest.mark.parametrize("storage", STORAGES)
@given(st.lists(CELLS, max_size=30))
def test_answers_match_plain_python(storage: Literal["python", "pyarrow"], cells: list[str | None]) -> None:
    column = _column(cells, storage)
    assert (_strings.arrow(column) is not None) == (storage == "pyarrow")
    assert _marked(_strings.distinct(column)) == set(cells)
    assert _strings.count_distinct(column) == len(set(cells))
    assert _strings.has_blank(column) == any(c is not None and (c == "" or c.isspace()) for c in cells)
    codes, uniques = _strings.factorize(column)
    first_seen = list(dict.fromkeys(c for c in cells if c is not None))
    assert uniques.tolist() == first_seen
    assert codes.tolist() == [-1 if c is None else first_seen.index(c) for c in cells]
    for text in {*first_seen, "killed", ""}:
        assert _strings.equal_to(column, text).tolist() == [c == text for c in cells]


def test_equal_to_reads_chunked_arrow_and_nan_marked_text() -> None:
    import pyarrow as pa

    cells = ["day", None, "hour", "day", None]
    chunked = pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array([["day", None], [], ["hour", "day", None]])))
    columns = [chunked]
    with contextlib.suppress(TypeError):  # pandas 3's default text (NaN for missing); pandas 2.2 has no na_value
        columns += [pd.Series(cells, dtype=pd.StringDtype(storage, na_value=np.nan)) for storage in STORAGES]
    for column in columns:
        assert _strings.equal_to(column, "day").tolist() == [c == "day" for c in cells]


@given(st.lists(st.text(max_size=4), max_size=30))
def test_arrow_order_is_python_order(cells: list[str]) -> None:
    # UTF-8 bytes order as code points do; the sort is stable, as text_order's is.
    python_order = sorted(range(len(cells)), key=cells.__getitem__)
    assert _strings.sorted_order(_column(cells, "python")) is None
    assert list(_strings.sorted_order(_column(cells, "pyarrow"))) == python_order  # type: ignore[arg-type]
    assert text_order(np.array(cells, dtype=object)).tolist() == python_order


@example(labels=[None, None], quotes=[None, None])  # a key column with no text at all is refused for both
@given(st.lists(CELLS, min_size=1, max_size=20), st.lists(CELLS, min_size=1, max_size=20))
def test_from_frame_reads_arrow_and_python_text_alike(labels: list[str | None], quotes: list[str | None]) -> None:
    n = min(len(labels), len(quotes))
    plain = pd.DataFrame(
        {
            "metric": labels[:n],
            "group": labels[::-1][:n],
            "as_of": ["2022-01-07"] * n,
            "stated": [str(i) for i in range(n)],
            "outlet": quotes[:n],
            "quote": quotes[::-1][:n],
        }
    ).astype(object)
    results = []
    for storage in STORAGES:
        frame = plain.astype(pd.StringDtype(storage))
        try:
            results.append(kzfigures.from_frame(frame))
        except errors.FrameValidationError as error:
            results.append(error.failure_cases.astype({"value": object}))
    assert type(results[0]) is type(results[1])
    pd.testing.assert_frame_equal(results[0], results[1])


def test_a_csv_read_as_arrow_or_python_text_validates_to_the_dataset() -> None:
    dataset = kazakhstan_2022()
    buffer = io.StringIO()
    kzfigures.to_csv(dataset, buffer)
    for storage in STORAGES:
        buffer.seek(0)
        text = pd.read_csv(buffer, dtype=pd.StringDtype(storage), keep_default_na=False, na_values=[""])
        assert _strings.arrow(text["id"]) is not None or storage == "python"
        pd.testing.assert_frame_equal(kzfigures.from_frame(text, tz=str(dataset["as_of"].dt.tz)), dataset)


# --- reading a CSV file with pyarrow -------------------------------------------------------

CSV_CELLS = st.one_of(
    st.sampled_from(["", "killed", "2022-01-07", "7,939", "more than 3,000", " x ", "a\nb", 'say "no"', '""']),
    st.just("\u0418"),
    st.text(alphabet=st.sampled_from([",", '"', "\n", "\r", " ", "a", "1", "\u00e9", "\t"]), max_size=4),
)


def _csv_text(rows: list[list[str]], quoting: Literal[0, 1, 2, 3]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, quoting=quoting, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def _pandas_cells(text: str) -> list[list[object]]:
    cells = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[""], header=None)
    return cells.astype(object).where(cells.notna(), None).to_numpy().tolist()


@given(
    st.integers(1, 4).flatmap(lambda width: st.lists(st.lists(CSV_CELLS, min_size=width, max_size=width), min_size=1)),
    st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, None]),
    st.sampled_from(["", "\n", "\r\n", '"', "x\n", ",\n", '"x\n']),
)
def test_pyarrow_reads_a_file_as_pandas_does_or_declines(
    rows: list[list[str]], quoting: Literal[0, 1] | None, tail: str
) -> None:
    # quoting None: the cells joined as they are, so quotes stand inside unquoted cells.
    text = _csv_text(rows, quoting) if quoting is not None else "".join(",".join(row) + "\n" for row in rows)
    text += tail
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "figures.csv"
        path.write_bytes(text.encode("utf-8"))
        cells = frame_module._read_with_arrow(path)
    try:
        expected = _pandas_cells(text)
    except (pd.errors.ParserError, pd.errors.EmptyDataError):
        assert cells is None  # pandas refuses it; pyarrow must leave it to pandas to say so
        return
    if cells is not None:
        assert cells.astype(object).where(cells.notna(), None).to_numpy().tolist() == expected


# pandas 2 keeps the string dtype in Python strings: then the Arrow reader, which must give what pandas gives, declines.
needs_arrow_text = pytest.mark.skipif(
    pd.StringDtype().storage != "pyarrow",
    reason="the string dtype holds Python strings here, so pandas reads every file",
)


@needs_arrow_text
def test_pyarrow_reads_a_plain_file(tmp_path: Path) -> None:
    # The path the benchmarks time is taken for an ordinary file, with quoted commas and newlines.
    path = tmp_path / "figures.csv"
    path.write_text(_csv_text([["metric", "as_of", "figure"], ["detained", "2022-01-10", "7,939\nnew"]], 0))
    cells = frame_module._read_with_arrow(path)
    assert cells is not None
    assert cells.to_numpy(dtype=object).tolist() == _pandas_cells(path.read_text())
    assert frame_module._read_with_arrow(tmp_path / "figures.csv.gz") is None
    assert kzfigures.read_csv(path)["figure"].tolist() == ["7,939\nnew"]


# pyarrow reads in blocks of 1 MiB. Cut at a line end inside a quoted cell (what it does
# without newlines_in_values), it was seen to drop the row or split the cell and read on
# without an error, so a file with quotes is cut by rows. Each cell below is placed so that
# its first line end falls at each position around a cut, the row before it sized to get
# there; the next lines are shaped like rows of their own (two cells) or not.
SPANNING_CELLS = [
    b'"' + b"q" * 30 + b"\n" + b"r" * 80 + b'"',
    b'"' + b"q" * 30 + b"\n" + b'r,s"',
    b'"' + b"q" * 30 + b"\n" + b'r,""s"',
    b'"q,' + b"q" * 30 + b'\nr"',
    b'"' + b"q" * 30 + b"\n" + b'r,s\nt,u"',
    b'"a\n\n\nb"',
    b"x\n",  # a blank line after this row
]


def _row_at(cell: bytes, offset: int) -> bytes:
    """Numbered two-cell rows past 1 MiB with a row ``9,cell`` whose cell's first line end is ``offset``
    bytes after the 1 MiB cut."""
    rows = b"n,text\n" + b"".join(b"%d,plain\n" % i for i in range(120_000))
    start = (1 << 20) + offset - 2 - cell.find(b"\n")  # where the row "9,cell" starts
    before = rows.rfind(b"\n", 0, start - 3) + 1
    filler = b"f," + b"z" * (start - before - 3) + b"\n"  # the row before it, sized to put it there
    return rows[:before] + filler + b"9," + cell + b"\n" + rows[before:]


@needs_arrow_text
@pytest.mark.parametrize("cell", SPANNING_CELLS)
@pytest.mark.parametrize("offset", [-12, -5, -3, -1, 0, 1, 2, 5, 40])
def test_a_cell_across_lines_at_pyarrows_block_cut_is_read_as_pandas_reads_it(
    tmp_path: Path, cell: bytes, offset: int
) -> None:
    data = _row_at(cell, offset)
    for text in (data, data.replace(b"\n", b"\r\n")):
        path = tmp_path / "figures.csv"
        path.write_bytes(text)
        cells = frame_module._read_with_arrow(path)
        assert cells is not None
        expected = _pandas_cells(text.decode("utf-8"))
        assert cells.astype(object).where(cells.notna(), None).to_numpy().tolist() == expected


@needs_arrow_text
def test_a_file_without_quotes_is_read_in_blocks_cut_at_any_line_end(tmp_path: Path, monkeypatch: Any) -> None:
    """No quote, no cell across lines: pyarrow's faster reader, on a file of several blocks with
    blank lines and CRLF ends; a file with quotes is cut by rows."""
    import pyarrow.csv as pa_csv

    read, calls = pa_csv.read_csv, []

    def recording(*args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs["parse_options"].newlines_in_values)
        return read(*args, **kwargs)

    monkeypatch.setattr(pa_csv, "read_csv", recording)
    plain = b"n,text\n" + b"".join(b"%d,pl ain\n%s" % (i, b"\n" if i % 1000 == 7 else b"") for i in range(150_000))
    path = tmp_path / "figures.csv"
    for text in (plain, plain.replace(b"\n", b"\r\n")):
        path.write_bytes(text)
        cells = frame_module._read_with_arrow(path)
        assert cells is not None
        expected = _pandas_cells(text.decode("utf-8"))
        assert cells.astype(object).where(cells.notna(), None).to_numpy().tolist() == expected
    path.write_text(_csv_text([["metric", "as_of", "figure"], ["detained", "2022-01-10", "7,939"]], csv.QUOTE_ALL))
    assert frame_module._read_with_arrow(path) is not None
    assert calls == [False, False, True]


# Cases a review found where the two readers differed (fixed), and their neighbours: each is
# read by path twice, with pyarrow allowed and with pandas alone, and must give the same frame
# or the same error.
READ_CASES = [
    (b'metric,as_of,stated,note\nkilled,2022-01-07,5,5" tall\nkilled,2022-01-08,6,"he said\n', {}),
    (b'metric,as_of,stated,note\r\nkilled,2022-01-07,5,5" tall\r\nkilled,2022-01-08,6,"he said\r\n', {}),
    (b'metric,as_of,stated\nk"x,2022-01-07,"5\n', {}),
    (b'metric,as_of,stated,note\nkilled,2022-01-07,5,"x"\n', {}),
    (b'metric,as_of,stated,note\nkilled,2022-01-07,5,""', {}),
    (b"metric,as_of,stated,event\nkilled,2022-01-07,5,x\nkilled,2022-01-08,6,\n", {"extra_columns": ["event"]}),
    (b"metric,as_of,stated,event\n", {"extra_columns": ["event"]}),
    (b"metric,as_of,stated,evnt\nkilled,2022-01-07,5,x\n", {}),
    (b"metric,,as_of,stated\nkilled,x,2022-01-07,5\n", {}),
    (b'\xef\xbb\xbf"",metric,as_of,stated\nx,killed,2022-01-07,5\n', {}),
]


@pytest.mark.parametrize(("raw", "options"), READ_CASES)
def test_read_csv_is_the_same_with_or_without_pyarrow(
    raw: bytes, options: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "figures.csv"
    path.write_bytes(raw)

    def read() -> pd.DataFrame | str:
        try:
            return kzfigures.read_csv(path, **options)
        except errors.KzFiguresError as error:
            return f"{type(error).__name__}: {error}"

    either = read()
    with monkeypatch.context() as patched:
        patched.setattr(frame_module, "_read_with_arrow", lambda _: None)
        pandas_only = read()
    if isinstance(either, pd.DataFrame) and isinstance(pandas_only, pd.DataFrame):
        pd.testing.assert_frame_equal(either, pandas_only)
    else:
        assert either == pandas_only


@needs_arrow_text
def test_pyarrow_leaves_pipes_and_home_paths_as_pandas_reads_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe.csv")
        assert frame_module._read_with_arrow(tmp_path / "pipe.csv") is None  # not opened: a pipe reads once
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "home.csv").write_text("metric,as_of,stated\nkilled,2022-01-07,5\n")
    cells = frame_module._read_with_arrow("~/home.csv")
    assert cells is not None
    assert cells.iloc[1].tolist() == ["killed", "2022-01-07", "5"]


@pytest.mark.parametrize("storage", STORAGES)
@pytest.mark.parametrize(("n", "start"), [(0, 0), (1, 0), (12, 7), (1001, 10**12)])
def test_row_ids_are_the_numbered_texts_in_the_default_storage(
    storage: Literal["python", "pyarrow"], n: int, start: int
) -> None:
    with pd.option_context("mode.string_storage", storage):
        ids = _strings.row_ids(n, start)
        assert ids.dtype == pd.StringDtype()
    assert ids.dtype.storage == storage
    assert ids.tolist() == [f"row-{i}" for i in range(start, start + n)]
    assert ids.index.equals(pd.RangeIndex(n))

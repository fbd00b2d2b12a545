"""The labelled extraction corpus: load it, check it, and score an extractor on it.

The corpus lives in ``tests/data/extraction/*.jsonl``: one JSON object per
line, one paragraph each, written for this project around facts from public
reporting (its ``source`` address says where the facts come from). Every
toll in a paragraph is labelled by hand::

    {"id": "en-a-001", "language": "en", "event": "sri-lanka-2019",
     "source": "https://...", "published": "2019-04-23", "outlet": "Reuters",
     "text": "...",
     "tolls": [{"figure": "290", "occurrence": 1, "metric": "killed",
                "group": "all", "low": 290, "high": 290,
                "authority": "police", "via": null,
                "as_of": "2019-04-22", "parent": null}]}

``figure`` is the figure phrase exactly as it appears in ``text`` (its
``occurrence``-th appearance, 1 by default); ``high`` is ``null`` when the
words set no upper bound; ``as_of`` is ``YYYY-MM-DD`` or
``YYYY-MM-DDTHH:MM`` in the paragraph's local time; ``parent`` names the
``figure`` (and ``parent_occurrence``) of the total a subgroup belongs to.

Run ``python benchmarks/extraction_corpus.py [FILE ...]`` to check files
and print their counts; ``benchmarks/extraction_eval.py`` scores the
extractor on them.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "extraction"
METRICS = frozenset({"killed", "injured", "detained", "hospitalized", "missing", "displaced", "evacuated"})
GROUPS = frozenset(
    {
        "all",
        "children",
        "women",
        "civilians",
        "law_enforcement",
        "military",
        "security_forces",
        "protesters",
        "armed_assailants",
        "foreigners",
        "journalists",
        "officials",
        "students",
        "passengers",
        "rescuers",
        "medics",
        "migrants",
        "prisoners",
        "workers",
        "residents",
    }
)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2})?$")
_KEYS = {"id", "language", "event", "source", "published", "outlet", "text", "tolls"}
_TOLL_KEYS = {"figure", "occurrence", "metric", "group", "low", "high", "authority", "via", "as_of", "parent"}
_TOLL_OPTIONAL = {"occurrence", "parent", "parent_occurrence", "via", "note"}


@dataclass(frozen=True)
class Toll:
    """One hand-labelled toll: where its figure phrase is, and what it says."""

    start: int
    end: int
    figure: str
    metric: str
    group: str
    low: int
    high: int | None
    authority: str | None
    via: str | None
    as_of: str
    parent: int | None  # index of the parent toll in the paragraph's list


@dataclass(frozen=True)
class Paragraph:
    id: str
    language: str
    event: str
    source: str
    published: str
    outlet: str | None
    text: str
    tolls: tuple[Toll, ...] = field(default=())


class CorpusError(ValueError):
    pass


def _find(text: str, phrase: str, occurrence: int, where: str) -> int:
    at = -1
    for _ in range(occurrence):
        at = text.find(phrase, at + 1)
        if at < 0:
            raise CorpusError(f"{where}: {phrase!r} does not occur {occurrence} time(s) in the text")
    return at


def _paragraph(record: dict[str, object], where: str) -> Paragraph:
    missing = _KEYS - record.keys()
    if missing:
        raise CorpusError(f"{where}: missing keys {sorted(missing)}")
    text = str(record["text"])
    published = str(record["published"])
    if not _DATE.match(published):
        raise CorpusError(f"{where}: published {published!r} is not YYYY-MM-DD[THH:MM]")
    raw = record["tolls"]
    if not isinstance(raw, list):
        raise CorpusError(f"{where}: tolls must be a list")
    spans: list[tuple[int, int]] = []
    for i, t in enumerate(raw):
        w = f"{where} toll {i + 1}"
        if not isinstance(t, dict) or not t.keys() >= (_TOLL_KEYS - _TOLL_OPTIONAL):
            raise CorpusError(f"{w}: needs keys {sorted(_TOLL_KEYS - _TOLL_OPTIONAL)}")
        extra = t.keys() - _TOLL_KEYS - _TOLL_OPTIONAL
        if extra:
            raise CorpusError(f"{w}: unknown keys {sorted(extra)}")
        at = _find(text, t["figure"], int(t.get("occurrence") or 1), w)
        spans.append((at, at + len(t["figure"])))
    tolls = []
    for i, (t, (start, end)) in enumerate(zip(raw, spans, strict=True)):
        w = f"{where} toll {i + 1}"
        if t["metric"] not in METRICS:
            raise CorpusError(f"{w}: metric {t['metric']!r} not in {sorted(METRICS)}")
        if t["group"] not in GROUPS:
            raise CorpusError(f"{w}: group {t['group']!r} not in {sorted(GROUPS)}")
        low, high = t["low"], t["high"]
        if not isinstance(low, int) or low < 0 or (high is not None and (not isinstance(high, int) or high < low)):
            raise CorpusError(f"{w}: bad interval [{low!r}, {high!r}]")
        if not _DATE.match(str(t["as_of"])):
            raise CorpusError(f"{w}: as_of {t['as_of']!r} is not YYYY-MM-DD[THH:MM]")
        parent = None
        if t.get("parent"):
            p_at = _find(text, t["parent"], int(t.get("parent_occurrence") or 1), w + " parent")
            matches = [j for j, s in enumerate(spans) if s[0] == p_at]
            if not matches:
                raise CorpusError(f"{w}: parent {t['parent']!r} is not itself a labelled toll")
            parent = matches[0]
        tolls.append(
            Toll(
                start,
                end,
                t["figure"],
                t["metric"],
                t["group"],
                low,
                high,
                t["authority"] or None,
                t["via"] or None,
                str(t["as_of"]),
                parent,
            )
        )
    if len(set(spans)) != len(spans):
        raise CorpusError(f"{where}: two tolls label the same phrase")
    return Paragraph(
        str(record["id"]),
        str(record["language"]),
        str(record["event"]),
        str(record["source"]),
        published,
        (str(record["outlet"]) if record["outlet"] else None),
        text,
        tuple(tolls),
    )


def load(paths: Iterable[Path] | None = None) -> list[Paragraph]:
    """Every paragraph of the corpus files (default: all of ``tests/data/extraction``)."""
    files = sorted(CORPUS.glob("*.jsonl")) if paths is None else list(paths)
    out: list[Paragraph] = []
    seen: set[str] = set()
    for path in files:
        for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            where = f"{Path(path).name}:{n}"
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise CorpusError(f"{where}: {exc}") from None
            p = _paragraph(record, where)
            if p.id in seen:
                raise CorpusError(f"{where}: duplicate id {p.id!r}")
            seen.add(p.id)
            out.append(p)
    return out


#: The corpus in parts: the paragraphs the extractor's rules were written against, and
#: the paragraphs written afterwards by people who never ran it (held out).
PARTS = {
    "English": ("en_a.jsonl", "en_b.jsonl", "en_c.jsonl"),
    "Russian": ("ru.jsonl",),
    "English, held out": ("holdout_en.jsonl",),
    "Russian, held out": ("holdout_ru.jsonl",),
}


def parts() -> dict[str, list[Paragraph]]:
    """The corpus by :data:`PARTS`."""
    return {name: load(CORPUS / f for f in files) for name, files in PARTS.items()}


def main(argv: Sequence[str]) -> int:
    paragraphs = load([Path(a) for a in argv] or None)
    by_lang = Counter(p.language for p in paragraphs)
    tolls = [t for p in paragraphs for t in p.tolls]
    print(
        f"{len(paragraphs)} paragraphs {dict(by_lang)}, {len(tolls)} tolls, {len({p.event for p in paragraphs})} events"
    )
    print("metrics:", dict(Counter(t.metric for t in tolls)))
    print("groups:", dict(Counter(t.group for t in tolls)))
    print(
        "with authority:",
        sum(t.authority is not None for t in tolls),
        "with parent:",
        sum(t.parent is not None for t in tolls),
        "without tolls:",
        sum(not p.tolls for p in paragraphs),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))


# --- scoring ---------------------------------------------------------------

FIELDS = ("metric", "group", "interval", "authority", "via", "as_of", "parent")
TOTALS = frozenset({"killed", "injured", "detained"})


_CYRILLIC = re.compile(r"[а-яё]")


def _name(value: object) -> list[str]:
    """A name's words, case and punctuation aside; a Russian word by its first four letters (its case ending aside)."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return []
    words = re.sub(r"[^\w ]+", " ", str(value).casefold()).split()
    if words[:1] in (["the"], ["a"], ["an"]):
        words = words[1:]
    return [w[:4] if _CYRILLIC.search(w) else w for w in words]


def _within(short: list[str], long: list[str]) -> bool:
    return any(long[i : i + len(short)] == short for i in range(len(long) - len(short) + 1))


def same_name(predicted: object, labelled: str | None) -> bool:
    """Names agree when both are absent, or one's words run inside the other's.

    Case and punctuation are ignored, and a Russian word is compared by its
    first four letters, so "пресс-службе МВД" (the text's case) matches the
    label "пресс-служба МВД".
    """
    p, g = _name(predicted), _name(labelled)
    if not p or not g:
        return p == g
    return _within(p, g) or _within(g, p)


def _when(stamp: object, precision: object) -> str:
    if stamp is None or stamp is pd.NaT or pd.isna(stamp):  # type: ignore[arg-type]
        return ""
    ts = pd.Timestamp(stamp)  # type: ignore[arg-type]
    return ts.strftime("%Y-%m-%d") if precision == "day" else ts.strftime("%Y-%m-%dT%H:%M")


@dataclass
class Scored:
    """One paragraph's labels and predictions, paired by overlapping figure phrases."""

    paragraph: Paragraph
    predicted: pd.DataFrame
    pairs: list[tuple[int, int]]  # (label index, predicted row position)

    def field_ok(self, field: str, label: Toll, row: pd.Series) -> bool:
        if field == "metric":
            return bool(row["metric"] == label.metric)
        if field == "group":
            return bool(row["group"] == label.group)
        if field == "interval":
            high = None if pd.isna(row["high"]) else int(row["high"])
            return int(row["low"]) == label.low and high == label.high
        if field == "authority":
            return same_name(row["authority"], label.authority)
        if field == "via":
            return same_name(row["via"], label.via)
        if field == "as_of":
            return _when(row["as_of"], row["as_of_precision"]) == label.as_of
        if field == "parent":  # right when both have none, or the row's parent is the row paired with the label's
            if label.parent is None or pd.isna(row["parent"]):
                return label.parent is None and pd.isna(row["parent"])
            rows = {i: j for i, j in self.pairs}
            return label.parent in rows and bool(self.predicted.iloc[rows[label.parent]]["id"] == row["parent"])
        raise ValueError(field)


def run(paragraphs: Sequence[Paragraph], extract: Callable[..., pd.DataFrame]) -> list[Scored]:
    """Run ``extract`` on every paragraph and pair its rows with the labels."""
    out = []
    for p in paragraphs:
        frame = extract(p.text, published=p.published, outlet=p.outlet, language=p.language)
        taken: set[int] = set()
        pairs = []
        for i, t in enumerate(p.tolls):
            for j, (s, e) in enumerate(zip(frame["start"], frame["end"], strict=True)):
                if j not in taken and s < t.end and t.start < e:
                    pairs.append((i, j))
                    taken.add(j)
                    break
        out.append(Scored(p, frame.reset_index(drop=True), pairs))
    return out


def table(scored: Sequence[Scored], *, totals_only: bool = False) -> pd.DataFrame:
    """Precision and recall of finding tolls and of each field.

    A predicted row and a label are paired when their figure phrases overlap.
    For a field, precision is (pairs with the field right) / (predicted rows)
    and recall is (pairs with the field right) / (labels): a field is right
    only on a toll that was found. With ``totals_only``, only killed, injured
    and detained tolls of the group ``all`` count, on both sides.
    """

    def keep_label(t: Toll) -> bool:
        return not totals_only or (t.metric in TOTALS and t.group == "all")

    def keep_row(r: pd.Series) -> bool:
        return not totals_only or (r["metric"] in TOTALS and r["group"] == "all")

    n_pred = sum(sum(keep_row(r) for _, r in s.predicted.iterrows()) for s in scored)
    n_gold = sum(sum(keep_label(t) for t in s.paragraph.tolls) for s in scored)
    # Each counted pair's fields are judged once; every line of the table counts from these.
    judged = [
        {f: s.field_ok(f, label, row) for f in FIELDS}
        for s in scored
        for label, row in ((s.paragraph.tolls[i], s.predicted.iloc[j]) for i, j in s.pairs)
        if keep_label(label) and keep_row(row)
    ]
    rows = []
    for field_name in ("found", *FIELDS, "all fields"):
        if field_name == "found":
            right = len(judged)
        elif field_name == "all fields":
            right = sum(all(fields.values()) for fields in judged)
        else:
            right = sum(fields[field_name] for fields in judged)
        rows.append(
            {
                "field": field_name,
                "precision": right / n_pred if n_pred else float("nan"),
                "recall": right / n_gold if n_gold else float("nan"),
                "right": right,
                "predicted": n_pred,
                "labelled": n_gold,
            }
        )
    return pd.DataFrame(rows).set_index("field")


def misses(scored: Sequence[Scored]) -> pd.DataFrame:
    """Every wrong thing, one row each: a spurious row, a missed toll, or a wrong field."""
    out = []
    for s in scored:
        p = s.paragraph
        paired_rows = {j for _, j in s.pairs}
        paired_labels = {i for i, _ in s.pairs}
        for j, row in s.predicted.iterrows():
            if j not in paired_rows:
                out.append((p.id, "spurious", str(row["figure"]), f"{row['metric']}/{row['group']}", ""))
        for i, t in enumerate(p.tolls):
            if i not in paired_labels:
                out.append((p.id, "missed", t.figure, f"{t.metric}/{t.group}", ""))
        for i, j in s.pairs:
            t, row = p.tolls[i], s.predicted.iloc[j]
            for f in FIELDS:
                if not s.field_ok(f, t, row):
                    if f == "interval":
                        got, want = f"[{row['low']}, {row['high']}]", f"[{t.low}, {t.high}]"
                    elif f == "as_of":
                        got, want = _when(row["as_of"], row["as_of_precision"]), t.as_of
                    else:
                        got, want = str(row[f]), str(getattr(t, f))
                    out.append((p.id, f, t.figure, got, want))
    return pd.DataFrame(out, columns=["paragraph", "kind", "figure", "got", "wanted"])

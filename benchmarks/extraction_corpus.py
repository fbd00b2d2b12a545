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
and print their counts.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

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

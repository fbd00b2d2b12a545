"""Measure :func:`kzfigures.extract_observations` on the labelled corpus and the seed articles.

``python benchmarks/extraction_eval.py`` prints, as markdown, the precision
and recall of finding tolls and of each field (see
:func:`benchmarks.extraction_corpus.table`) for the English and the Russian
corpus, for killed/injured/detained totals, and for the five seed articles
(read from ``../shared/seeds`` when it is there: the package and its tests
never read it), then every miss (``--misses``) and the speed on 1 MB of text.

The seeds' labels are the bundled dataset's rows: each row's ``quote`` is
found in its article and its ``figure`` inside the quote.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

from benchmarks.extraction_corpus import Paragraph, Toll, load, misses, parts, run, table
from kzfigures.datasets import kazakhstan_2022
from kzfigures.extract import extract_observations
from kzfigures.present.markdown import markdown_table

SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"
_TZ = "Asia/Almaty"


def seed_paragraphs(seeds: Path = SEEDS) -> list[Paragraph]:
    """The seed articles as labelled paragraphs, labelled by the bundled dataset's rows."""
    data = kazakhstan_2022()
    out = []
    for n, path in enumerate(sorted(seeds.glob("0*.txt"))):
        text = path.read_text(encoding="utf-8")
        rows = data[data["id"].str.startswith(f"kz22-{n:03d}-")]
        folded = text.casefold()
        tolls = []
        for row in rows.itertuples():
            at = folded.find(str(row.quote).casefold())
            inner = str(row.quote).casefold().find(str(row.figure).casefold())
            if at < 0 or inner < 0:
                continue
            start = at + inner
            as_of = pd.Timestamp(row.as_of).tz_convert(_TZ)
            tolls.append(
                Toll(
                    start,
                    start + len(str(row.figure)),
                    str(row.figure),
                    str(row.metric),
                    str(row.group),
                    int(row.low),
                    None if pd.isna(row.high) else int(row.high),
                    None if pd.isna(row.authority) else str(row.authority),
                    None if pd.isna(row.via) else str(row.via),
                    as_of.strftime("%Y-%m-%d"),
                    None,
                )
            )
        published = pd.Timestamp(rows["published"].iloc[0]).tz_convert(_TZ).strftime("%Y-%m-%d")
        out.append(Paragraph(f"seed-{n:03d}", "en", "kazakhstan-2022", path.name, published, None, text, tuple(tolls)))
    return out


def _extract(text: str, **options: object) -> pd.DataFrame:
    return extract_observations(text, **options)  # type: ignore[arg-type]


def _markdown(frame: pd.DataFrame) -> str:
    shown = frame.copy()
    for column in ("precision", "recall"):
        shown[column] = shown[column].map(lambda v: f"{v:.2f}")
    return markdown_table(shown.reset_index(), right=("precision", "recall"))


def speed(megabytes: float = 1.0) -> float:
    """Seconds to extract from ``megabytes`` of corpus text, repeated."""
    corpus = " ".join(p.text for p in load() if p.language == "en") or "Police said 40 people were killed."
    text = (corpus + " ") * int(megabytes * 1e6 / (len(corpus) + 1) + 1)
    start = time.perf_counter()
    extract_observations(text, published="2022-01-10")
    return time.perf_counter() - start


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--misses", action="store_true", help="list every miss")
    parser.add_argument("--no-speed", action="store_true")
    args = parser.parse_args(argv)
    sets = parts()
    if SEEDS.is_dir():
        sets["Seed articles"] = seed_paragraphs()
    scored_all = []
    for name, paragraphs in sets.items():
        if not paragraphs:
            continue
        scored = run(paragraphs, _extract)
        scored_all += scored
        n = sum(len(p.tolls) for p in paragraphs)
        print(f"\n### {name}: {len(paragraphs)} paragraphs, {n} labelled tolls\n")
        print(_markdown(table(scored)))
        print(f"\nKilled, injured and detained totals (group `all`), {name.lower()}:\n")
        print(_markdown(table(scored, totals_only=True).loc[["found", "metric", "interval", "authority", "as_of"]]))
    if args.misses:
        print("\n### Misses\n")
        print(markdown_table(misses(scored_all)))
    if not args.no_speed:
        print(f"\n1 MB of English text: {speed():.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

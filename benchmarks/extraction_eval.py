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
import os
import platform
import sys
import time
from pathlib import Path

import pandas as pd

from benchmarks.extraction_corpus import Paragraph, Toll, load, misses, parts, run, table
from kzfigures.datasets import kazakhstan_2022
from kzfigures.extract import extract_observations
from kzfigures.parse import extract_figures
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


def speed(repeat: int = 3) -> list[tuple[str, int, int, float, float, float]]:
    """CPU seconds (the least of ``repeat`` runs) to find figures and observations in about 1 MB of text.

    Two texts: the English corpus repeated (a toll in nearly every sentence,
    the worst case) and, when ``../shared/seeds`` is there, the five seed
    articles repeated (news as it comes). Rows: (text, characters, rows found,
    extract_figures seconds, extract_observations seconds, its wall seconds).
    """
    sources = {"English corpus, repeated": " ".join(p.text for p in load() if p.language == "en")}
    if SEEDS.is_dir():
        sources["seed articles, repeated"] = " ".join(
            path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("0*.txt"))
        )
    out = []
    for name, source in sources.items():
        text = (source + " ") * int(1e6 / (len(source) + 1) + 1)
        figures, observations, wall = [], [], []
        rows = 0
        for _ in range(repeat):
            start = time.process_time()
            extract_figures(text)
            figures.append(time.process_time() - start)
            start, clock = time.process_time(), time.perf_counter()
            rows = len(extract_observations(text, published="2022-01-10"))
            observations.append(time.process_time() - start)
            wall.append(time.perf_counter() - clock)
        out.append((name, len(text), rows, min(figures), min(observations), min(wall)))
    return out


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
        machine = f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores"
        print(f"\n### Speed ({machine}, load {os.getloadavg()[0]:.1f})\n")
        print("| text | characters | rows | extract_figures CPU s | extract_observations CPU s | wall s |")
        print("|:---|---:|---:|---:|---:|---:|")
        for name, size, rows, figures, observations, wall in speed():
            print(f"| {name} | {size:,} | {rows:,} | {figures:.2f} | {observations:.2f} | {wall:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

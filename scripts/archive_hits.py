"""Count a pattern's hits in the news archive and draw a random sample to read by hand.

    python scripts/archive_hits.py REGEX [--archive ../shared/corpora/xwlb-2012-2026.jsonl.gz]
                                         [--sample 50] [--seed 0] [--context 20] [--group NAME]

The evidence a new or changed extraction pattern needs (issue 23): how often its frame occurs in
text nobody scored on (71,735 CCTV evening-news items, 2012–2026), and 50 hits drawn at random
(a fixed seed, so the sample can be read again) with the item's date and the words around the
hit, the hit itself in 【】. With --group the hit shown is that named group of the pattern. The
commit message that keeps the pattern gives the count and how many of the 50 were right.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
from pathlib import Path

ARCHIVE = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora" / "xwlb-2012-2026.jsonl.gz"


def hits(pattern: re.Pattern[str], archive: Path, group: str | int = 0):
    """Yield (date, text, start, end) of every match of `pattern` in the archive's texts."""
    with gzip.open(archive, "rt", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            text = row.get("text") or ""
            for m in pattern.finditer(text):
                if m.group(group) is not None:
                    yield row.get("date", ""), text, m.start(group), m.end(group)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("regex")
    ap.add_argument("--archive", type=Path, default=ARCHIVE)
    ap.add_argument("--sample", type=int, default=50)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--context", type=int, default=20)
    ap.add_argument("--group", default=0)
    args = ap.parse_args()
    group = int(args.group) if str(args.group).isdigit() else args.group
    rng = random.Random(args.seed)
    sample: list[tuple[str, str, int, int]] = []
    n = 0
    for hit in hits(re.compile(args.regex), args.archive, group):
        n += 1  # reservoir sampling: every hit equally likely, one pass, memory of the sample only
        if len(sample) < args.sample:
            sample.append(hit)
        elif (j := rng.randrange(n)) < args.sample:
            sample[j] = hit
    print(f"{n} hits of {args.regex!r}; {len(sample)} drawn at random (seed {args.seed}):")
    c = args.context
    for i, (date, text, s, e) in enumerate(sample, 1):
        around = f"{text[max(0, s - c) : s]}【{text[s:e]}】{text[e : e + c]}".replace("\n", " ")
        print(f"{i:3d} {date} {around}")


if __name__ == "__main__":
    main()

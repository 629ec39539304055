"""Build the reference texts in every RDF format and record or compare their SHA-256 digests.

A refactoring that should not change output is checked by recording digests before it and
comparing after:

    python scripts/compare_outputs.py record digests.tsv     # on the commit before the change
    python scripts/compare_outputs.py compare digests.tsv    # after it: exit 1 on any difference

The texts are the seed speech, every window of ../shared/dev (built with its plan's date, as the
scorer builds it) and the full texts of ../shared/dev/full (one build of all of them, as a corpus),
each in the six formats `speechkg build --format` writes.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
FORMATS = ("turtle", "nt", "nquads", "trig", "jsonld", "xml")


def _jobs() -> list[tuple[str, list[str]]]:
    """(name, build arguments) for every reference build."""
    jobs = [("seed", [str(ROOT / "seeds" / "provincial-union-2022.txt")])]
    dev = SHARED / "dev"
    for line in (dev / "plan.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        name, _source, date = line.split("\t")[:3]
        if name.startswith("#"):
            continue
        jobs.append((name, [str(dev / "texts" / f"{name}.txt"), "--date", date]))
    full = sorted(str(p) for p in (dev / "full").glob("*.txt"))
    jobs.append(("full-corpus", full))
    return jobs


def digests(kg: str) -> dict[str, str]:
    """Name/format → SHA-256 of the built file, for every job and format."""
    tasks = [(name, fmt, args) for name, args in _jobs() for fmt in FORMATS]

    def run(task: tuple[str, str, list[str]]) -> tuple[str, str]:
        name, fmt, args = task
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "out"
            proc = subprocess.run(
                [kg, "build", *args, "--format", fmt, "-o", str(out), "--quiet"],
                capture_output=True,
                text=True,
            )
            body = out.read_bytes() if out.exists() else b""
            digest = hashlib.sha256(body + f"\nexit {proc.returncode}".encode()).hexdigest()
        return f"{name}/{fmt}", digest

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(run, tasks))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("mode", choices=("record", "compare"))
    ap.add_argument("digests", type=Path, help="the TSV of digests to write or compare with")
    ap.add_argument("--kg", default=str(ROOT / ".venv" / "bin" / "speechkg"), help="the speechkg command")
    args = ap.parse_args()
    now = digests(args.kg)
    if args.mode == "record":
        args.digests.write_text("".join(f"{k}\t{v}\n" for k, v in sorted(now.items())), encoding="utf-8")
        print(f"recorded {len(now)} outputs in {args.digests}")
        return 0
    before = dict(line.split("\t") for line in args.digests.read_text(encoding="utf-8").splitlines())
    changed = sorted(k for k in before.keys() | now.keys() if before.get(k) != now.get(k))
    for key in changed:
        print(f"differs: {key}")
    print(f"{len(now) - len(changed)} of {len(now)} outputs byte-identical")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())

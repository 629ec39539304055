"""Make docs/seed-view.png: the seed speech's page in headless Chromium (as the tests run it).

    .venv/bin/python scripts/screenshot.py
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from tests.browser import chromium  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ttl, page = Path(tmp) / "seed.ttl", Path(tmp) / "seed.html"
        kg = [sys.executable, "-m", "speechkg"]
        subprocess.run(kg + ["build", str(ROOT / "seeds" / "provincial-union-2022.txt"), "-o", str(ttl)],
                       cwd=ROOT, check=True)
        subprocess.run(kg + ["view", str(ttl), "-o", str(page), "--title", "XX省总工会全委会议讲话 (seed)"],
                       cwd=ROOT, check=True)
        with chromium() as d:
            d.get(page.as_uri())
            while not d.execute_script("return !!(window.speechkg && window.speechkg.state.settled)"):
                time.sleep(0.2)
            d.execute_script("window.speechkg.search('五大行动')")
            time.sleep(0.5)
            out = ROOT / "docs" / "seed-view.png"
            d.save_screenshot(str(out))
            print(out)


if __name__ == "__main__":
    main()

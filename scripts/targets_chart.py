"""Remake docs/targets-gdp.svg and docs/targets-national.csv: the numeric targets of the national
government work reports (../shared/dev/full and docs/targets-reports/, the target passages of the
2004–2017 reports) and of the 2026 provincial reports in ../shared/dev/full. The passages of
docs/targets-reports/ hold no report's opening (我代表国务院…), so their targets have no body in
the graph: the chart gives them the State Council's, whose reports they are.

    .venv/bin/python scripts/targets_chart.py
"""

from __future__ import annotations

import dataclasses
import sys
import tempfile
from pathlib import Path

from speechkg import api
from speechkg.graph.views import charts, targets

ROOT = Path(__file__).resolve().parent.parent
FULL = ROOT.parent / "shared" / "dev" / "full"
#: the national reports of ../shared/dev/full that state targets
NATIONAL = ("1998_wikisource", "2003", "2008", "2018", "2022_wikisource", "2025_wikisource")


def main() -> int:
    files = [FULL / f"gwr_national_{k}.txt" for k in NATIONAL]
    files += sorted((ROOT / "docs" / "targets-reports").glob("gwr_national_*.txt"))
    files += sorted(FULL.glob("gwr_prov_2026_*.txt"))
    with tempfile.TemporaryDirectory() as tmp:
        dates = Path(tmp) / "dates.csv"
        lines = ["file,date"]
        for f in files:
            year = f.stem.split("_")[2]
            lines.append(f"{f.name},{year}-03-05")
        dates.write_text("\n".join(lines) + "\n", encoding="utf-8")
        out = Path(tmp) / "reports.nq"
        api.build(files, dates=str(dates)).serialize(str(out))
        rows = [
            r if r.body or not r.speech.startswith("gwr_national") else dataclasses.replace(r, body="国务院")
            for r in api.open_graph(out).targets()
        ]
        gdp = [r for r in rows if r.key == "gdp-growth"]
        charts.write(targets.chart(gdp), str(ROOT / "docs" / "targets-gdp.svg"))
        national = [r for r in rows if r.body in targets.CENTRE]
        charts.write(targets.chart(national), str(ROOT / "docs" / "targets-national.csv"))
    return 0


if __name__ == "__main__":
    sys.exit(main())

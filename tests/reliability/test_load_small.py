"""A smaller run of bench/load_respond_render.py in the suite: 30 respondents answering and
autosaving against `saleshealth serve` on SQLite for about 20 s while a PDF renders.

It runs the bench script in its own process (it sets DATABASE_URL for the setup) and checks the
script's own verification: no error replies, no "database is locked" in replies or the server
log, every acknowledged answer, comment and submission present in the database afterwards.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.reliability.helpers import ROOT, free_port


def test_thirty_respondents_autosave_while_a_pdf_renders(tmp_path: Path) -> None:
    out = tmp_path / "figures.json"
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "load_respond_render.py"),
            "--respondents",
            "30",
            "--pages",
            "3",
            "--think",
            "0.5",
            "--port",
            str(free_port()),
            "--folder",
            str(tmp_path / "run"),
            "--json",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=ROOT,
    )
    assert out.exists(), proc.stdout[-3000:] + proc.stderr[-3000:]
    figures = json.loads(out.read_text())
    assert figures["errors"] == [], figures["errors"][:10]
    assert figures["problems"] == [], figures["problems"][:10]
    assert figures["locked_replies"] == 0
    assert figures["pdfs_rendered"] >= 1
    assert figures["submitted"] == 30
    assert figures["acknowledged_answers"] > 30 * 15  # three pages of answers each
    assert figures["kinds"]["POST answer"]["count"] > 300
    log = Path(figures["log"]).read_text(errors="replace")
    assert "database is locked" not in log and "Traceback" not in log
    assert proc.returncode == 0, proc.stdout[-3000:]

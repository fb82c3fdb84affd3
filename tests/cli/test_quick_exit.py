"""The console script ends ``saleshealth report`` without the interpreter's teardown.

Each test runs a real process (``os._exit`` would end pytest itself): the command's output
is complete, its exit status is right, and every ``atexit`` handler still ran.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pypdf import PdfReader

from tests.conftest import DATA

MINI = str(DATA / "mini")
MINI_ANSWERS = str(DATA / "mini" / "answers.csv")

# Registers an atexit handler that writes a marker file, then runs the console entry point.
_LAUNCH = """
import atexit, sys
from pathlib import Path
marker = Path(sys.argv[1])
atexit.register(lambda: marker.write_text("atexit ran", encoding="utf-8"))
{setup}
from assessment.cli import run
sys.argv = ["saleshealth", *sys.argv[2:]]
run()
"""


def _run(
    tmp_path: Path, args: list[str], setup: str = ""
) -> tuple[subprocess.CompletedProcess[str], Path]:
    marker = tmp_path / "marker.txt"
    proc = subprocess.run(
        [sys.executable, "-c", _LAUNCH.format(setup=setup), str(marker), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    return proc, marker


def _python(script: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=60
    )


def test_report_ends_quickly_with_its_pdf_written_and_atexit_handlers_run(tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    args = ["report", "--answers", MINI_ANSWERS, "--questionnaire", MINI, "-o", str(out)]
    proc, marker = _run(tmp_path, args)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"wrote {out} (")  # flushed before the process ended
    assert len(PdfReader(out).pages) >= 2
    assert marker.read_text(encoding="utf-8") == "atexit ran"


def test_the_quick_way_out_is_taken(tmp_path: Path) -> None:
    """A handler registered after the command ran shows which exit path ended the process."""
    out = tmp_path / "r.pdf"
    args = ["report", "--answers", MINI_ANSWERS, "--questionnaire", MINI, "-o", str(out)]
    setup = (
        "import os\n"
        "real = os._exit\n"
        "def spy(status):\n"
        "    print('os._exit', status, flush=True)\n"
        "    real(status)\n"
        "os._exit = spy\n"
    )
    proc, marker = _run(tmp_path, args, setup=setup)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == "os._exit 0"
    assert marker.read_text(encoding="utf-8") == "atexit ran"


def test_a_failing_report_keeps_its_message_and_status(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("respondent,role,question,value\nE1,ceo,a.q1,agree\n", encoding="utf-8")
    out = tmp_path / "r.pdf"
    args = ["report", "--answers", str(bad), "--questionnaire", MINI, "-o", str(out)]
    proc, marker = _run(tmp_path, args)
    assert proc.returncode == 2
    assert "row 2: unknown role 'ceo'" in proc.stderr
    assert not out.exists()
    assert marker.read_text(encoding="utf-8") == "atexit ran"


def test_a_running_non_daemon_thread_gets_the_normal_exit(tmp_path: Path) -> None:
    """The interpreter would wait for such a thread, so the quick way out is not taken."""
    script = (
        "import os, sys, threading, time\n"
        "import assessment.cli.quick_exit as quick\n"
        "done = []\n"
        "worker = threading.Thread(target=lambda: (time.sleep(0.3), done.append(1)))\n"
        "worker.start()\n"
        "os._exit = lambda status: print('quick exit taken', flush=True)\n"
        "import atexit\n"
        "atexit.register(lambda: print('worker finished' if done else 'worker cut off', flush=True))\n"
        "try:\n"
        "    quick.end_now(3)\n"
        "except SystemExit as exc:\n"
        "    print('normal exit', exc.code, flush=True)\n"
        "    raise\n"
    )
    proc = _python(script)
    assert proc.returncode == 3
    assert proc.stdout.splitlines() == ["normal exit 3", "worker finished"]


def test_commands_that_do_not_ask_exit_normally(tmp_path: Path) -> None:
    script = (
        "import os, sys\n"
        "os._exit = lambda status: print('quick exit taken', flush=True)\n"
        "from assessment.cli import run\n"
        f"sys.argv = ['saleshealth', 'questionnaire', 'validate', {MINI!r}]\n"
        "run()\n"
    )
    proc = _python(script)
    assert proc.returncode == 0, proc.stderr
    assert "quick exit taken" not in proc.stdout

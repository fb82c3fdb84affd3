"""``saleshealth report``: exit codes, no PDF on bad input, --html writes what was rendered."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from click.testing import CliRunner

from assessment.cli import main
from assessment.core.model import Questionnaire
from assessment.core.synthetic import synthetic_respondents
from tests.conftest import DATA
from tests.reports.conftest import answers_csv, pdf_text
from tests.reports.test_branding import MALICIOUS_SVG

MINI = str(DATA / "mini")
MINI_ANSWERS = str(DATA / "mini" / "answers.csv")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_report_writes_pdf_and_the_rendered_html(runner: CliRunner, tmp_path: Path) -> None:
    out, html = tmp_path / "r.pdf", tmp_path / "r.html"
    logo = tmp_path / "logo.svg"
    logo.write_bytes(MALICIOUS_SVG)
    result = runner.invoke(
        main,
        [
            "report",
            "--answers",
            MINI_ANSWERS,
            "--questionnaire",
            MINI,
            "-o",
            str(out),
            "--html",
            str(html),
            "--client",
            "Mini Co",
            "--title",
            "Pilot",
            "--date",
            "2026-01-31",
            "--firm",
            "Northwind",
            "--color",
            "#7a1f3d",
            "--logo",
            str(logo),
            "--footer",
            "Private",
        ],
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")
    text = pdf_text(out.read_bytes())
    assert "Mini Co" in text and "Pilot" in text and "January 31, 2026" in text
    assert "Element A" in text and "Private" in text
    page = html.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "#7a1f3d" in page
    assert "evil.example" not in page


def test_standard_questionnaire_csv_round_trip(
    runner: CliRunner, tmp_path: Path, standard: Questionnaire
) -> None:
    csv = tmp_path / "answers.csv"
    csv.write_text(answers_csv(synthetic_respondents(standard, n=6)), encoding="utf-8")
    html = tmp_path / "r.html"
    # --html alone is checked here; the PDF of the standard report is covered elsewhere
    result = runner.invoke(
        main,
        [
            "report",
            "--answers",
            str(csv),
            "-o",
            str(tmp_path / "r.pdf"),
            "--html",
            str(html),
            "--min-group-size",
            "2",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Pipeline management and forecasting" in html.read_text(encoding="utf-8")


def test_bad_rows_exit_2_with_row_numbers_and_no_pdf(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "respondent,role,question,value\nR1,executive,a.q1,agree\n"
        "R1,ghost,a.q1,agree\nR2,sales_rep,a.q1,maybe\n",
        encoding="utf-8",
    )
    out = tmp_path / "r.pdf"
    result = runner.invoke(
        main, ["report", "--answers", str(bad), "--questionnaire", MINI, "-o", str(out)]
    )
    assert result.exit_code == 2
    assert "row 3: unknown role 'ghost'" in result.stderr
    assert "row 4: value:" in result.stderr
    assert "no report was written" in result.stderr
    assert not out.exists()
    assert gc.isenabled()  # the command pauses the collector and resumes it on every exit


def test_report_resumes_the_collector_after_a_report(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    args = ["report", "--answers", MINI_ANSWERS, "--questionnaire", MINI, "-o", str(out)]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")
    assert gc.isenabled()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--answers", "/no/such/file.csv"], "cannot read the file"),
        (
            ["--answers", MINI_ANSWERS, "--questionnaire", "no-such-questionnaire"],
            "no questionnaire",
        ),
        (["--answers", MINI_ANSWERS, "--questionnaire", MINI, "--lang", "xx"], "not available"),
        (["--answers", MINI_ANSWERS, "--questionnaire", MINI, "--color", "red"], "#1f4e79"),
    ],
)
def test_invalid_input_exits_2(
    runner: CliRunner, tmp_path: Path, args: list[str], message: str
) -> None:
    out = tmp_path / "r.pdf"
    result = runner.invoke(main, ["report", *args, "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert not out.exists()


def test_bad_logo_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    logo.write_bytes(b"GIF89a not really")
    out = tmp_path / "r.pdf"
    result = runner.invoke(
        main,
        [
            "report",
            "--answers",
            MINI_ANSWERS,
            "--questionnaire",
            MINI,
            "--logo",
            str(logo),
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 2
    assert "not a PNG or SVG" in result.stderr
    assert not out.exists()

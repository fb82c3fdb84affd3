"""Fixtures for the report tests: one full standard report rendered once per session."""

from __future__ import annotations

import base64
import datetime as dt
import os
import re
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest

from assessment.core.answers import Respondent
from assessment.core.model import Questionnaire
from assessment.core.results import Results
from assessment.core.scoring import score
from assessment.core.synthetic import synthetic_respondents
from reports import Branding, ReportMeta, build_html, render_html
from reports.fetcher import ReportURLFetcher

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("SALESHEALTH_TEST_OUTPUT", ROOT / "test-output")) / "report"
_DATA_SVG = re.compile(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"')


@dataclass
class Rendered:
    """A rendered report and what went into it."""

    results: Results
    questionnaire: Questionnaire
    meta: ReportMeta
    html: str
    pdf: bytes
    fetcher: ReportURLFetcher
    path: Path

    def text(self) -> str:
        """The PDF's text (pdftotext), whitespace collapsed."""
        return pdf_text(self.pdf)


def pdf_text(pdf: bytes) -> str:
    """Extract the text of a PDF with pdftotext and collapse whitespace."""
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode("utf-8")
    return " ".join(out.split())


def svg_images(html: str) -> list[str]:
    """The SVG sources of every chart embedded as a data: URI."""
    return [base64.b64decode(m).decode("utf-8") for m in _DATA_SVG.findall(html)]


def answers_csv(people: Iterable[Respondent]) -> str:
    """Respondents as an answers CSV (comments on each element's first answer row)."""
    lines = ["respondent,role,question,value,comment"]
    for p in people:
        pending = dict(p.comments)
        for qid, answer in p.answers.items():
            element = qid.split(".", 1)[0]
            comment = pending.pop(element, "")
            cell = '"' + comment.replace('"', '""') + '"' if comment else ""
            lines.append(f"{p.id},{p.role},{qid},{answer.raw},{cell}")
    return "\n".join(lines) + "\n"


def render(results: Results, q: Questionnaire, meta: ReportMeta, name: str) -> Rendered:
    """Render a report, keep its HTML and PDF as artifacts, and return everything."""
    fetcher = ReportURLFetcher()
    html = build_html(results, q, meta)
    pdf = render_html(html, fetcher=fetcher)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.pdf"
    path.write_bytes(pdf)
    (ARTIFACTS / f"{name}.html").write_text(html, encoding="utf-8")
    return Rendered(results, q, meta, html, pdf, fetcher, path)


@pytest.fixture(scope="session")
def standard_results(standard: Questionnaire) -> Results:
    """Scores of 40 synthetic respondents; one 'other' respondent, so that role is suppressed."""
    return score(standard, synthetic_respondents(standard, n=40))


@pytest.fixture(scope="session")
def meta() -> ReportMeta:
    """A branded report's meta data."""
    return ReportMeta(
        client_name="Acme Industrial GmbH",
        assessment_title="Sales Organization Health Check 2026",
        date=dt.date(2026, 11, 22),
        prepared_by="Jane Consultant",
        language="en",
        branding=Branding(
            firm_name="Northwind Advisory",
            primary_color="#1f4e79",
            footer_text="Confidential — Northwind Advisory",
        ),
    )


@pytest.fixture(scope="session")
def standard_report(
    standard: Questionnaire, standard_results: Results, meta: ReportMeta
) -> Rendered:
    """The full standard report, rendered once."""
    return render(standard_results, standard, meta, "standard")

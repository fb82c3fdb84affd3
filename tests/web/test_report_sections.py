"""The PDF of an assessment carries its CRM evidence and the trend since earlier rounds."""

from __future__ import annotations

import re
import subprocess

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.reports.conftest import ARTIFACTS
from tests.web.conftest import download_pdf
from tests.web.test_crm_evidence import upload
from tests.web.test_followups_trends import _chain


def _text(pdf: bytes) -> str:
    out = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return re.sub(r"[ \t]+", " ", out.stdout.decode())


def test_pdf_has_evidence_and_trend_sections_with_contents_entries(
    owner: FlaskClient, app: Flask
) -> None:
    _, first, second = _chain(app)
    assert upload(owner, second).status_code == 302
    pdf = download_pdf(owner, second)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "with-evidence-and-trend.pdf").write_bytes(pdf)  # looked at as page PNGs
    text = _text(pdf)
    contents = text.split("Executive summary", 2)[1]  # the contents page comes first
    assert "Evidence from CRM data" in contents
    assert "Progress since earlier assessments" in contents
    # The sections themselves, after the contents, with their source and figures.
    after_contents = text.split("Appendix", 1)[1]
    assert "Evidence from CRM data" in after_contents
    assert "Progress since earlier assessments" in after_contents
    assert "salesforce.csv" in after_contents
    assert "What respondents said and what the CRM shows" in after_contents
    # The first assessment has neither: no earlier round, no CRM figures.
    first_text = _text(download_pdf(owner, first))
    assert "Evidence from CRM data" not in first_text
    assert "Progress since earlier assessments" not in first_text


@pytest.mark.parametrize("lang", ["pl", "zh"])
def test_pdf_sections_are_translated(owner: FlaskClient, app: Flask, lang: str) -> None:
    _, _, second = _chain(app)
    assert upload(owner, second).status_code == 302
    pdf = download_pdf(owner, second, lang)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"with-evidence-and-trend-{lang}.pdf").write_bytes(pdf)
    text = _text(pdf)
    assert "Evidence from CRM data" not in text
    assert "Progress since earlier assessments" not in text

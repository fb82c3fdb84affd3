"""The PDF of an assessment carries its CRM evidence and the trend since earlier rounds."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.reports.conftest import ARTIFACTS
from tests.web.conftest import build_app, close_app, download_pdf, sign_up_owner
from tests.web.test_crm_evidence import upload
from tests.web.test_followups_trends import _chain


def _text(pdf: bytes) -> str:
    out = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return re.sub(r"[ \t]+", " ", out.stdout.decode())


class Chain:
    """Two closed assessments of one client; the second, a follow-up, has CRM evidence."""

    def __init__(self, app: Flask, owner: FlaskClient) -> None:
        self.app, self.owner = app, owner
        _, self.first, self.second = _chain(app)
        assert upload(owner, self.second).status_code == 302

    def pdf(self, assessment_id: int, lang: str = "en") -> bytes:
        """The assessment's PDF in ``lang``, requested, rendered and downloaded via the web."""
        return download_pdf(self.owner, assessment_id, lang)


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chain]:
    """The assessments every test here renders (built once: the tests only add report jobs)."""
    app = build_app(tmp_path_factory.mktemp("report-sections"))
    yield Chain(app, sign_up_owner(app.test_client()))
    close_app(app)


def test_pdf_has_evidence_and_trend_sections_with_contents_entries(chain: Chain) -> None:
    pdf = chain.pdf(chain.second)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "with-evidence-and-trend.pdf").write_bytes(pdf)  # looked at as page PNGs
    text = _text(pdf)
    contents = text.split("What we recommend", 2)[1]  # the contents page comes first
    assert "Evidence from CRM data" in contents
    assert "Progress since earlier assessments" in contents
    # The sections themselves, after the contents, with their source and figures.
    after_contents = text.split("Appendix", 1)[1]
    assert "Evidence from CRM data" in after_contents
    assert "Progress since earlier assessments" in after_contents
    assert "salesforce.csv" in after_contents
    assert "What respondents said and what the CRM shows" in after_contents
    # The first assessment has neither: no earlier round, no CRM figures.
    first_text = _text(chain.pdf(chain.first))
    assert "Evidence from CRM data" not in first_text
    assert "Progress since earlier assessments" not in first_text


@pytest.mark.parametrize("lang", ["pl", "zh"])
def test_pdf_sections_are_translated(chain: Chain, lang: str) -> None:
    pdf = chain.pdf(chain.second, lang)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"with-evidence-and-trend-{lang}.pdf").write_bytes(pdf)
    text = _text(pdf)
    assert "Evidence from CRM data" not in text
    assert "Progress since earlier assessments" not in text

"""The web pages and the PDF report say why a trend item is not comparable in the same words."""

from __future__ import annotations

import pytest
from flask import Flask
from flask_babel import get_translations

from assessment.core import trends as t
from assessment.web.trends.page import reason_text
from reports.i18n import Formatter
from reports.trends import reason_label

CODES = (
    t.REMOVED,
    t.UNMAPPED,
    t.NEW,
    t.MERGED,
    t.QUESTIONS_CHANGED,
    t.NO_SCORE,
    t.ELEMENTS_CHANGED,
    t.WEIGHTS_CHANGED,
)


@pytest.mark.parametrize("lang", ["en", "pl", "ru", "zh", "ro"])
def test_web_and_report_give_the_same_reason_texts(app: Flask, lang: str) -> None:
    with app.test_request_context(headers={"Accept-Language": lang}):
        fmt = Formatter.create(lang, get_translations())
        web = [reason_text(code) for code in CODES]
        assert web == [reason_label(fmt, code) for code in CODES]
    assert len(set(web)) == len(CODES)  # one sentence per reason, none missing
    if lang != "en":
        assert "Removed in the later version" not in web  # translated


def test_the_share_of_matched_weight_is_written_as_a_percentage(app: Flask) -> None:
    with app.test_request_context(headers={"Accept-Language": "en"}):
        web = reason_text(t.QUESTIONS_CHANGED, 1 / 3)
        report = reason_label(Formatter.create("en"), t.QUESTIONS_CHANGED, 1 / 3)
    expected = "Question set changed substantially (33% of the question weight matched)"
    assert web == report == expected


def test_an_unknown_code_is_shown_as_it_is(app: Flask) -> None:
    with app.test_request_context():
        assert reason_text("something_new") == "something_new"
        assert reason_text(None) == ""

"""Translations reach every static label; CJK and Cyrillic text gets fonts that cover it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import subprocess
from pathlib import Path

import pytest

from assessment.core.loader import load_questionnaire
from assessment.core.model import Questionnaire
from assessment.core.results import Results
from assessment.core.scoring import score
from assessment.io.answers_csv import read_answers_file
from reports import ReportMeta, build_html, render_html
from tests.conftest import DATA
from tests.reports.conftest import ARTIFACTS, pdf_text

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "report"


class Shouting:
    """A stand-in catalogue: every message comes back upper-cased and marked."""

    def gettext(self, message: str) -> str:
        return "«" + message.upper() + "»" if "%" not in message else message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return singular if n == 1 else plural


def test_static_labels_go_through_gettext(
    standard: Questionnaire, standard_results: Results, meta: ReportMeta
) -> None:
    html = build_html(standard_results, standard, meta, translations=Shouting())
    for label in (
        "WHAT WE RECOMMEND",
        "METHODOLOGY",
        "SCORECARD",
        "PERCEPTION GAPS",
        "PRIORITIZED RECOMMENDATIONS",
        "CONTENTS",
        "SCORES BY ROLE",
        "SUPPRESSED",
    ):
        assert f"«{label}»" in html, label


def test_templates_mark_their_labels_for_translation() -> None:
    """No bare English words between tags: static text is wrapped in _() calls."""
    for template in TEMPLATES.glob("*.html"):
        source = re.sub(r"{#.*?#}|{%.*?%}|{{.*?}}", "", template.read_text(), flags=re.S)
        source = re.sub(r"<style>.*?</style>", "", source, flags=re.S)
        source = re.sub(r"&[a-z]+;", " ", source)
        texts = [t.strip() for t in re.findall(r">([^<>]+)<", source)]
        words = [t for t in texts if re.search(r"[A-Za-z]{2,}", t)]
        assert not words, f"{template.name}: untranslated text {words[:5]}"


def test_chinese_and_cyrillic_text_is_typeset_with_covering_fonts(meta: ReportMeta) -> None:
    q = load_questionnaire(DATA / "mini")
    people = read_answers_file(DATA / "mini" / "answers.csv", q)
    results = score(q, people)
    zh = dataclasses.replace(
        meta,
        client_name="上海销售有限公司 · ООО «Продажи»",
        assessment_title="销售组织健康检查",
        language="zh",
        date=dt.date(2026, 3, 4),
    )
    html = build_html(results, q, zh)
    assert '<html lang="zh">' in html
    pdf = render_html(html)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / "zh.pdf"
    path.write_bytes(pdf)
    text = pdf_text(pdf)
    assert "上海销售有限公司" in text and "Продажи" in text and "2026年3月4日" in text
    fonts = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout
    assert "Noto-Sans-CJK" in fonts
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:] if line.strip())


@pytest.mark.parametrize("lang", ["de", "fr", "ru", "zh", "pt-BR", "not a language"])
def test_any_language_tag_builds(
    lang: str, meta: ReportMeta, standard: Questionnaire, standard_results: Results
) -> None:
    html = build_html(standard_results, standard, dataclasses.replace(meta, language=lang))
    assert "<html lang=" in html and "not a language" not in html.split(">", 2)[1]

"""The consultant pages added for data exchange, CRM evidence, follow-ups and trends, custom
questionnaires and API tokens show no interface string in English once the owner switches the
interface language."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from flask import Flask
from flask.testing import FlaskClient

from tests.web.conftest import csrf_token, new_assessment, post_form
from tests.web.test_crm_evidence import upload
from tests.web.test_followups_trends import _chain
from tests.web.test_i18n import LANGS, _english_phrases, catalogue, visible_text

QUESTIONNAIRE = Path(__file__).resolve().parents[2] / "questionnaires" / "sales-org-health"
VERSION_LINK = re.compile(r'href="/questionnaires/(\d+)"')
# Text users read that is not element content: submit buttons, tooltips, placeholders, labels.
SHOWN_ATTRIBUTES = re.compile(
    r'<input[^>]*type="submit"[^>]*value="([^"]*)"|<input[^>]*value="([^"]*)"[^>]*type="submit"'
    r'|\s(?:title|placeholder|aria-label)="([^"]*)"'
)


def shown_text(page: str) -> str:
    """The page's visible text plus the attribute texts a user reads."""
    attributes = ["".join(groups) for groups in SHOWN_ATTRIBUTES.findall(page)]
    return visible_text(page) + "\n" + visible_text("\n".join(attributes))


def _pages(owner: FlaskClient, app: Flask) -> dict[str, str]:
    """Set up data that fills the new pages (in English); returns {url: msgid shown on it}."""
    cid, first, second = _chain(app)  # two closed, answered assessments; second follows first
    res = upload(owner, second)  # CRM evidence on the later assessment
    assert res.status_code == 302, res.get_data(as_text=True)
    draft = new_assessment(owner, cid, title="Import target")
    res = post_form(owner, "/settings/api-tokens", {"name": "BI dashboard"})
    assert res.status_code in (200, 302), res.get_data(as_text=True)
    index = owner.get("/questionnaires/").get_data(as_text=True)
    version = VERSION_LINK.search(index)
    assert version, "no questionnaire version linked from /questionnaires/"
    return {
        "/questionnaires/": "Questionnaires",
        f"/questionnaires/{version.group(1)}": "Elements, weights and targets",
        "/questionnaires/upload": "Upload a questionnaire",
        f"/assessments/{second}/data": "Export responses",
        f"/assessments/{draft}/data/import": "Import answers",
        f"/assessments/{second}/evidence": "Current figures",
        f"/assessments/{second}/follow-up": "Start a follow-up",
        f"/assessments/{first}/follow-up": "This assessment already has a follow-up:",
        f"/clients/{cid}/trend": "Trend across assessments",
        "/settings/api-tokens": "Tokens of this workspace",
        f"/assessments/{second}": "Follow-up",
        f"/assessments/{second}/results": "Evidence from CRM data",
    }


def _strings(node: Any) -> list[str]:
    if isinstance(node, str):
        return [node.strip()]
    if isinstance(node, dict):
        return [s for value in node.values() for s in _strings(value)]
    if isinstance(node, list):
        return [s for value in node for s in _strings(value)]
    return []


@cache
def questionnaire_content() -> tuple[str, ...]:
    """Every English text of the shipped questionnaire (longest first).

    Assessments here are in English and the questionnaire page shows the version as written, so
    question texts, help and element names are content in English, not interface strings."""
    texts = {
        s
        for path in QUESTIONNAIRE.rglob("*.yaml")
        if "i18n" not in path.parts
        for s in _strings(yaml.safe_load(path.read_text(encoding="utf-8")))
        if len(s) >= 3
    }
    return tuple(sorted(texts, key=len, reverse=True))


def without_content(text: str) -> str:
    for content in questionnaire_content():
        text = text.replace(content, "\n")
    return text


@pytest.mark.parametrize("lang", LANGS)
def test_new_consultant_pages_fully_translated(owner: FlaskClient, app: Flask, lang: str) -> None:
    pages = _pages(owner, app)
    english = {url: owner.get(url).get_data(as_text=True) for url in pages}
    for url, msgid in pages.items():
        assert msgid in shown_text(english[url]), f"en: {msgid!r} not on {url}"
    res = owner.post(
        "/language", data={"csrf_token": csrf_token(owner, "/"), "lang": lang, "next": "/"}
    )
    assert res.status_code == 302
    translations = catalogue(lang)
    phrases = _english_phrases(lang)
    assert len(phrases) > 300
    for url in pages:  # the scan would catch this page if it stayed in English
        assert any(p in without_content(shown_text(english[url])) for p in phrases), url
    for url, msgid in pages.items():
        res = owner.get(url)
        assert res.status_code == 200, f"{lang} {url}: {res.status_code}"
        page = res.get_data(as_text=True)
        assert f'<html lang="{lang}">' in page, url
        text = without_content(shown_text(page))
        assert translations[msgid] in text, f"{lang}: {translations[msgid]!r} not on {url}"
        leaked = [p for p in phrases if p in text]
        assert not leaked, f"{lang} {url}: untranslated interface text: {leaked[:5]}"

"""Every respondent page in every language, with no interface string left untranslated."""

from __future__ import annotations

import html as htmllib
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient

from tests.web.conftest import (
    add_people,
    csrf_token,
    new_assessment,
    new_client,
    open_assessment,
    post_form,
)

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "assessment" / "translations"
LANGS = ["pl", "ru", "zh", "ro"]
TAG = re.compile(r"<script.*?</script>|<style.*?</style>|<[^>]+>", re.S)


def visible_text(page: str) -> str:
    return htmllib.unescape(TAG.sub("\n", page))


def catalogue(lang: str) -> dict[str, str]:
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        cat = read_po(fh, locale=lang)
    out = {}
    for m in cat:
        if m.id and isinstance(m.id, str):
            out[m.id] = m.string if isinstance(m.string, str) else ""
    return out


@pytest.mark.parametrize("lang", LANGS)
def test_catalogue_is_complete(lang: str) -> None:
    """CI fails on a missing translation key (or a template string not in the catalogue)."""
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        cat = read_po(fh, locale=lang)
    with (TRANSLATIONS / "messages.pot").open("rb") as fh:
        template = read_po(fh)
    missing = [m.id for m in template if m.id and m.id not in cat]
    untranslated = [
        m.id
        for m in cat
        if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)) or m.fuzzy)
    ]
    assert not missing, f"{lang}: not in catalogue (run pybabel update): {missing[:10]}"
    assert not untranslated, f"{lang}: untranslated: {untranslated[:10]}"


def _english_phrases(lang: str) -> list[str]:
    """Interface strings that a page in ``lang`` must not show in English."""
    phrases = []
    for msgid, msgstr in catalogue(lang).items():
        plain = re.sub(r"%\(\w+\)[sd]", "\0", msgid)
        for part in plain.split("\0"):
            part = part.strip(" .,:;!?()…")
            if len(part) >= 12 and " " in part and part != msgstr:
                phrases.append(part)
    return phrases


@pytest.mark.parametrize("lang", LANGS)
def test_respondent_flow_fully_translated(owner: FlaskClient, app: Flask, lang: str) -> None:
    aid = new_assessment(owner, new_client(owner), language=lang)
    (link,) = add_people(owner, aid, ", , sales_rep")
    open_assessment(owner, aid)
    person = app.test_client()
    person.get(link)
    pages = [person.get("/respond/").get_data(as_text=True)]
    token = csrf_token(person, "/respond/")
    person.post("/respond/start", data={"csrf_token": token})
    number = 1
    while True:
        res = person.get(f"/respond/page/{number}")
        if res.status_code != 200:
            break
        pages.append(res.get_data(as_text=True))
        number += 1
    assert number > 10
    pages.append(person.get("/respond/review").get_data(as_text=True))
    token = csrf_token(person, "/respond/review")
    person.post("/respond/submit", data={"csrf_token": token})
    pages.append(person.get("/respond/thanks").get_data(as_text=True))
    phrases = _english_phrases(lang)
    from assessment.core.loader import find_questionnaire

    english_q = find_questionnaire("sales-org-health")
    question_texts = [qq.text for qq in english_q.questions().values()]
    for page in pages:
        assert f'<html lang="{lang}">' in page
        text = visible_text(page)
        leaked = [p for p in phrases if p in text]
        assert not leaked, f"{lang}: untranslated interface text: {leaked[:5]}"
        leaked_q = [t for t in question_texts if t in text]
        assert not leaked_q, f"{lang}: English question text shown: {leaked_q[:3]}"


def test_respondent_picks_language_and_answers_aggregate(owner: FlaskClient, app: Flask) -> None:
    aid = new_assessment(owner, new_client(owner), language="ro")
    links = add_people(owner, aid, ", , sales_rep\n, , sales_rep\n, , sales_rep")
    open_assessment(owner, aid)
    for link, lang, text in zip(
        links, ["ro", "pl", "zh"], ["Prea multe câmpuri", "Za dużo pól", "字段太多"], strict=True
    ):
        c = app.test_client()
        c.get(link)
        intro = c.get("/respond/").get_data(as_text=True)
        assert '<html lang="ro">' in intro  # the assessment's default language
        post_form(c, "/respond/language", {"lang": lang}, form_url="/respond/")
        page = c.get("/respond/page/2").get_data(as_text=True)
        assert f'<html lang="{lang}">' in page
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        c.post(
            "/respond/page/2",
            data={
                "csrf_token": token,
                "crm.single_source": "agree",
                "crm.comments": text,
                "go": "next",
            },
        )
    html = owner.get(f"/assessments/{aid}/results").get_data(as_text=True)
    # three answers in three languages count as one group of three
    assert re.search(r"CRM[^<]*</a></td>\s*<td class=\"num strong\"[^>]*>75<", html)
    for lang, text in (("ro", "Prea multe câmpuri"), ("pl", "Za dużo pól"), ("zh", "字段太多")):
        assert f'lang="{lang}">{text}</li>' in html


def test_accept_language_picks_the_interface_language(client: FlaskClient) -> None:
    page = client.get("/setup", headers={"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"}).get_data(
        as_text=True
    )
    assert '<html lang="ru">' in page


def test_polish_and_russian_plurals(app: Flask) -> None:
    from flask_babel import force_locale, ngettext

    with app.test_request_context():
        forms = {}
        for lang in ("pl", "ru"):
            with force_locale(lang):
                forms[lang] = [
                    ngettext("%(num)d question open", "%(num)d questions open", n)
                    for n in (1, 2, 5, 22, 25)
                ]
    pl, ru = forms["pl"], forms["ru"]
    assert (
        pl[1].split()[1]
        == pl[3].split()[1]
        != pl[2].split()[1]
        == pl[4].split()[1]
        != pl[0].split()[1]
    )
    assert (
        ru[1].split()[1]
        == ru[3].split()[1]
        != ru[2].split()[1]
        == ru[4].split()[1]
        != ru[0].split()[1]
    )


def test_locale_aware_numbers(app: Flask) -> None:
    from flask_babel import force_locale

    with app.test_request_context():
        out = {}
        for lang in ("en", "pl", "ro"):
            with force_locale(lang):
                out[lang] = app.jinja_env.filters["num"](1234.5, 1)
    assert out["en"] == "1,234.5"
    assert out["pl"] in ("1234,5", "1 234,5", "1\xa0234,5")
    assert out["ro"] == "1.234,5"

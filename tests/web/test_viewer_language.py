"""Every consultant page shows the questionnaire in the viewer's interface language.

Maturity levels and their descriptions, role names, the questionnaire's title and every
question, element and recommendation text follow the interface language; neither the
questionnaire's source language (English) nor the assessment's own language leaks through.
The PDF requested from the web uses the report language's level names too.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

import pytest
from flask import Flask
from flask.testing import FlaskClient

from assessment.core.i18n import extract_texts, flatten
from assessment.core.loader import find_questionnaire_dir, load_questionnaire
from assessment.core.model import Questionnaire
from tests.web.conftest import (
    add_people,
    build_app,
    close_app,
    download_pdf,
    new_assessment,
    new_client,
    open_assessment,
    sign_up_owner,
)
from tests.web.test_flow import answer_all
from tests.web.test_i18n import visible_text

VERSION_LINK = re.compile(r'href="/questionnaires/(\d+)"')
RESPONDENT_EDIT = re.compile(r'href="(/assessments/\d+/respondents/\d+/edit)"')


@dataclass
class Workspace:
    """One owner, an English and a Polish assessment with answers, and the consultant pages."""

    app: Flask
    owner: FlaskClient
    english: int
    polish: int
    pages: list[str]


def _pages(owner: FlaskClient, cid: int, aid: int) -> list[str]:
    index = owner.get("/questionnaires/").get_data(as_text=True)
    version = VERSION_LINK.search(index)
    assert version
    show = owner.get(f"/assessments/{aid}").get_data(as_text=True)
    edit = RESPONDENT_EDIT.search(show)
    assert edit, "no respondent to edit"
    return [
        "/",
        "/clients/",
        f"/clients/{cid}",
        "/assessments/",
        "/assessments/new",
        f"/assessments/{aid}",
        f"/assessments/{aid}/settings",
        f"/assessments/{aid}/facts",
        f"/assessments/{aid}/results",
        f"/assessments/{aid}/links",
        edit.group(1),
        f"/assessments/{aid}/data",
        f"/assessments/{aid}/data/import",
        f"/assessments/{aid}/evidence",
        "/questionnaires/",
        f"/questionnaires/{version.group(1)}",
        f"/questionnaires/{version.group(1)}/clone",
    ]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    app = build_app(tmp_path_factory.mktemp("viewer-language"))
    owner = sign_up_owner(app.test_client())
    cid = new_client(owner)
    people = ", , executive\n, , sales_manager\n, , sales_rep\n, , sales_rep\n, , sales_rep"
    ids = []
    for language in ("en", "pl"):
        aid = new_assessment(owner, cid, title=f"Health check ({language})", language=language)
        links = add_people(owner, aid, people)
        open_assessment(owner, aid)
        for link in links:
            answer_all(app.test_client(), link)
        ids.append(aid)
    english, polish = ids
    yield Workspace(app, owner, english, polish, _pages(owner, cid, english))
    close_app(app)


@cache
def shipped(lang: str = "en") -> Questionnaire:
    """The shipped questionnaire in ``lang``, read from its files."""
    return load_questionnaire(find_questionnaire_dir("sales-org-health"), lang)


def _texts(q: Questionnaire) -> set[str]:
    """A questionnaire's texts that are words (units left out: "stages" is also a word the
    CRM mapping example uses as a YAML key)."""
    out = set()
    for key, value in flatten(extract_texts(q)).items():
        if key.endswith(".unit"):
            continue
        for text in value if isinstance(value, list) else [value]:
            if isinstance(text, str) and len(text) >= 4 and any(c.isalpha() for c in text):
                out.add(text.strip())
    return out


def foreign_texts(viewer: str, *others: str) -> list[str]:
    """Texts of the questionnaire in ``others`` that differ in ``viewer``, longest first."""
    mine = _texts(shipped(viewer))
    theirs = set().union(*(_texts(shipped(o)) for o in others))
    return sorted(theirs - mine, key=len, reverse=True)


def _found(text: str, candidates: list[str]) -> list[str]:
    flat = " ".join(text.split())
    return [
        c for c in candidates if re.search(rf"(?<!\w){re.escape(' '.join(c.split()))}(?!\w)", flat)
    ]


def _level_names(lang: str) -> list[str]:
    return [lv.name for lv in shipped(lang).levels]


@pytest.mark.parametrize("lang", ["pl", "ru"])
def test_consultant_pages_show_the_questionnaire_in_the_interface_language(
    workspace: Workspace, lang: str
) -> None:
    owner = workspace.owner
    # English is the questionnaire's own language; Polish is the second assessment's.
    foreign = foreign_texts(lang, "en", "pl" if lang != "pl" else "en")
    assert "Developing" in foreign and "Executive / sales director" in foreign
    for url in [*workspace.pages, f"/assessments/{workspace.polish}"]:
        res = owner.get(url, headers={"Accept-Language": lang})
        assert res.status_code == 200, (url, res.status_code)
        text = visible_text(res.get_data(as_text=True))
        leaked = _found(text, foreign)
        assert not leaked, f"{lang} {url}: {leaked[:5]}"


@pytest.mark.parametrize("lang", ["pl", "ru"])
def test_results_page_shows_translated_level_names_and_descriptions(
    workspace: Workspace, lang: str
) -> None:
    q = shipped(lang)
    english = shipped()
    for aid in (workspace.english, workspace.polish):
        page = workspace.owner.get(
            f"/assessments/{aid}/results", headers={"Accept-Language": lang}
        ).get_data(as_text=True)
        text = " ".join(visible_text(page).split())
        shown = [lv for lv in q.levels if f"· {lv.name}" in text]
        assert shown, f"{lang}: no translated level on the results page"
        assert any(lv.description in text for lv in shown)
        for lv in english.levels:
            assert lv.name not in _found(text, [lv.name]), lv.name
            assert lv.description not in text


def test_dashboard_levels_and_role_names_follow_the_interface_language(
    workspace: Workspace,
) -> None:
    owner = workspace.owner
    dashboard = visible_text(owner.get("/", headers={"Accept-Language": "ru"}).get_data(True))
    assert any(name in dashboard for name in _level_names("ru"))
    page = visible_text(
        owner.get(f"/assessments/{workspace.polish}", headers={"Accept-Language": "ru"}).get_data(
            as_text=True
        )
    )
    ru = shipped("ru")
    assert ru.roles[0].label in page and ru.title in page


def _pdf_text(pdf: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.parametrize("lang", ["pl", "ru"])
def test_pdf_from_the_web_uses_the_report_languages_level_names(
    workspace: Workspace, lang: str
) -> None:
    text = " ".join(_pdf_text(download_pdf(workspace.owner, workspace.english, lang)).split())
    names = _level_names(lang)
    assert any(f"· {name}" in text or name in text for name in names), names
    english = shipped()
    leaked = _found(text, [lv.name for lv in english.levels])
    assert not leaked, f"{lang} PDF: English level names {leaked}"
    for lv in english.levels:
        assert lv.description[:30] not in text, f"{lang} PDF: {lv.description!r}"


def test_consultant_pages_get_the_questionnaire_only_through_the_shown_helpers() -> None:
    """One place decides which language a consultant page shows a questionnaire in
    (``assessment.web.i18n.shown_model``); respondent pages and the API choose their own."""
    from pathlib import Path

    web = Path(__file__).resolve().parents[2] / "assessment" / "web"
    direct = re.compile(r"\b(?:model_of|questionnaire_of)\(")
    offenders = [
        str(path.relative_to(web))
        for path in web.rglob("*.py")
        if path.parts[-2] not in ("respond", "api")
        and path.name != "i18n.py"
        and direct.search(path.read_text(encoding="utf-8"))
    ]
    assert not offenders, offenders


def test_questionnaire_page_names_question_types_and_roles_in_words(
    workspace: Workspace,
) -> None:
    version = next(url for url in workspace.pages if re.fullmatch(r"/questionnaires/\d+", url))
    for lang, yes_no in (("en", "Yes / no"), ("ru", "Да / нет")):
        page = workspace.owner.get(version, headers={"Accept-Language": lang}).get_data(True)
        text = visible_text(re.sub(r"<code>.*?</code>", "", page))
        assert f"· {yes_no}" in text
        for raw in ("yes_no", "likert", "sales_rep", "sales_manager"):
            assert not re.search(rf"(?<![\w.]){raw}(?![\w.])", text), (lang, raw)

"""Translations stored in the database are applied in full: maturity levels included.

Catalogues are stored as JSON, where the level numbers of ``levels: {1: ...}`` become
strings; the texts were looked up by number and every stored language fell back to English
level names and descriptions ("Poziom 2 · Developing" on Polish results and PDFs).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from assessment.core.i18n import localize
from assessment.core.loader import find_questionnaire_dir, read_catalogues
from assessment.db.models import QuestionnaireVersion
from assessment.services import questionnaires as qsvc
from tests.web.conftest import shipped_version_id

LANGS = ("pl", "ru", "zh", "ro")


@pytest.mark.parametrize("lang", LANGS)
def test_localize_reads_level_texts_from_a_json_catalogue(standard: Any, lang: str) -> None:
    catalogue = read_catalogues(find_questionnaire_dir("sales-org-health"))[lang]
    stored = json.loads(json.dumps(catalogue))  # what the database gives back
    from_yaml = localize(standard, catalogue, lang)
    from_json = localize(standard, stored, lang)
    assert from_json == from_yaml
    english = {lv.name for lv in standard.levels} | {lv.description for lv in standard.levels}
    assert not english & {lv.name for lv in from_json.levels}
    assert not english & {lv.description for lv in from_json.levels}
    for source, translated in zip(standard.elements, from_json.elements, strict=True):
        assert all(translated.levels[n] != text for n, text in source.levels.items()), source.id


@pytest.mark.parametrize("lang", ("pl", "ru"))
def test_a_stored_version_shows_translated_levels(db: Any, lang: str) -> None:
    version = db.get(QuestionnaireVersion, shipped_version_id(db))
    db.expire(version)  # read the catalogues back from the database
    english = qsvc.model_of(version)
    model = qsvc.model_of(version, lang)
    assert [lv.name for lv in model.levels] != [lv.name for lv in english.levels]
    assert not {lv.name for lv in english.levels} & {lv.name for lv in model.levels}
    assert model.level_for(50) is not None
    assert model.level_for(50).name not in {lv.name for lv in english.levels}  # type: ignore[union-attr]


def test_publishing_the_shipped_questionnaire_again_writes_nothing(db: Any) -> None:
    version = db.get(QuestionnaireVersion, shipped_version_id(db))
    db.expire(version)
    statements: list[str] = []
    from sqlalchemy import event

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(db.get_bind(), "before_cursor_execute", record)
    try:
        again = qsvc.publish_shipped(db)
    finally:
        event.remove(db.get_bind(), "before_cursor_execute", record)
    assert again.id == version.id
    assert not [s for s in statements if s.lstrip().upper().startswith("UPDATE")], statements
    assert (
        db.scalar(
            select(QuestionnaireVersion.catalogues).where(QuestionnaireVersion.id == version.id)
        )
        == qsvc._read_shipped(qsvc.STANDARD_ID).catalogues
    )

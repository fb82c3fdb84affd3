"""Translated questionnaire models are cached per stored version, never across workspaces.

Hostile-run hardening: the cache was keyed by content hash, and two workspaces may publish
the same content with their own translations; one workspace's texts could then be served
to the other.
"""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from assessment.core.loader import assemble_document
from assessment.db import write_transaction
from assessment.db.models import QuestionnaireVersion, Workspace
from assessment.db.tenancy import unscoped
from assessment.extensions import db as _db
from assessment.services.questionnaires import languages_of, model_of
from tests.conftest import DATA


def test_same_content_in_two_workspaces_keeps_each_translation(
    owner: FlaskClient, app: Flask
) -> None:
    document = assemble_document(DATA / "mini")
    with app.app_context(), unscoped(_db.session) as session:
        from assessment.core.loader import build_questionnaire

        model = build_questionnaire(document, "mini")
        rows = []
        with write_transaction(session):
            for name, title in (("Alpha Advisory", "Tytuł Alfa"), ("Beta Partners", "Tytuł Beta")):
                ws = Workspace(name=name)
                session.add(ws)
                session.flush()
                version = QuestionnaireVersion(
                    workspace_id=ws.id,
                    qid=model.id,
                    version=model.version,
                    title=model.title,
                    content_hash=model.content_hash,
                    document=document,
                    catalogues={"pl": {"title": title}},
                )
                session.add(version)
                rows.append(version)
        alpha, beta = rows
        assert alpha.content_hash == beta.content_hash and alpha.id != beta.id
        assert model_of(alpha, "pl").title == "Tytuł Alfa"
        assert model_of(beta, "pl").title == "Tytuł Beta"  # not Alpha's cached text
        assert languages_of(alpha) == languages_of(beta) == [model.language, "pl"]
        _db.session.remove()

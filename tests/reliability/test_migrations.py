"""Migrations keep data: a database built at the first migration, filled with SQL the way the
app of that time stored things, upgraded to head.  Every row survives with its values, new
columns get their defaults, and a closed assessment still scores and renders a PDF with the
questionnaire version it pinned (an older one than the version shipped today)."""

from __future__ import annotations

import copy
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import Connection, MetaData, Table, insert, select

from assessment.core.answers import AnswerKind
from assessment.core.loader import assemble_document, build_questionnaire, find_questionnaire_dir
from assessment.core.model import Questionnaire
from assessment.core.scoring import ElementOverride, score
from assessment.core.synthetic import synthetic_respondents
from tests.reliability.helpers import SECRET, dispose, reset_postgres

FIRST = "61741e97c740"
LEGACY_TITLE = "Strategy and go-to-market (2025 wording)"
T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def _legacy_document() -> dict[str, Any]:
    """The shipped questionnaire as an older edition: other version, title and weights."""
    doc = copy.deepcopy(assemble_document(find_questionnaire_dir("sales-org-health")))
    doc["version"] = "0.9.0"
    doc["title"] = "Sales organization health (2025 edition)"
    doc["elements"][0]["title"] = LEGACY_TITLE
    doc["elements"][0]["weight"] = 3
    return doc


def _app(url: str, tmp_path: Path) -> Flask:
    from assessment.app import create_app

    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": SECRET,
            "SQLALCHEMY_DATABASE_URI": url,
            "RATELIMIT_ENABLED": False,
        },
        instance_path=str(tmp_path / "instance"),
    )


def _add(conn: Connection, table: Table, **values: Any) -> int:
    result = conn.execute(insert(table).values(**values))
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def _fill(conn: Connection, doc: dict[str, Any], q: Questionnaire) -> dict[str, Any]:
    """Insert a realistic workspace with SQL against the first schema; return ids and data."""
    meta = MetaData()
    meta.reflect(conn)
    t = meta.tables
    ws = _add(
        conn,
        t["workspace"],
        name="Acme Consulting",
        created_at=T0,
        firm_name="Acme Consulting GmbH",
        primary_color="#0b6e4f",
        footer_text="Confidential — prepared for Northwind",
        logo=None,
        logo_mime=None,
    )
    user = _add(
        conn,
        t["user_account"],
        email="olga@acme-consulting.eu",
        name="Olga Owner",
        password_hash="scrypt:32768:8:1$salt$" + "ab" * 32,
        session_nonce="0" * 32,
        created_at=T0,
    )
    _add(conn, t["membership"], user_id=user, workspace_id=ws, role="OWNER")
    version = _add(
        conn,
        t["questionnaire_version"],
        workspace_id=None,
        qid=q.id,
        version=q.version,
        title=q.title,
        content_hash=q.content_hash,
        document=doc,
        catalogues={},
        created_at=T0,
    )
    client = _add(
        conn,
        t["client"],
        name="Northwind Distribution",
        industry="Wholesale",
        size_band="201-1000",
        sales_motion="hybrid",
        regions="Poland, Romania",
        notes="Renewal of the 2025 assessment. Zażółć gęślą jaźń.",
        created_at=T0,
        workspace_id=ws,
    )
    overrides = {q.elements[1].id: {"weight": 2.0, "target": 70.0}}
    assessment = _add(
        conn,
        t["assessment"],
        client_id=client,
        questionnaire_version_id=version,
        title="Spring 2026 health check",
        status="CLOSED",
        language="en",
        min_group_size=3,
        overrides=overrides,
        is_self_assessment=False,
        is_demo=False,
        created_at=T0,
        opened_at=T0 + timedelta(days=1),
        closed_at=T0 + timedelta(days=15),
        workspace_id=ws,
    )
    people = synthetic_respondents(q, 9, seed=11)
    for i, person in enumerate(people):
        rid = _add(
            conn,
            t["respondent"],
            assessment_id=assessment,
            code=person.id,
            name=f"Person {i}",
            email=f"person{i}@northwind-distribution.eu",
            role=person.role,
            team=person.team,
            language="en",
            token_hash=f"{i:064x}",
            token_issued_at=T0,
            invited_at=T0,
            reminded_at=None,
            started_at=T0 + timedelta(days=2),
            submitted_at=T0 + timedelta(days=3, minutes=i),
            created_at=T0,
            workspace_id=ws,
        )
        for qid, answer in person.answers.items():
            number = float(answer.value) if answer.kind is AnswerKind.NUMBER else None  # type: ignore[arg-type]
            text = None if number is not None or answer.value is None else str(answer.value)
            _add(
                conn,
                t["answer"],
                respondent_id=rid,
                question_id=qid,
                kind=answer.kind.value,
                value_text=text,
                value_number=number,
                updated_at=T0 + timedelta(days=3),
                workspace_id=ws,
            )
        for element_id, comment in person.comments.items():
            _add(
                conn,
                t["element_comment"],
                respondent_id=rid,
                element_id=element_id,
                text=comment,
                language="en",
                updated_at=T0 + timedelta(days=3),
                workspace_id=ws,
            )
    done = dict(language="en", error="", created_at=T0, workspace_id=ws)
    _add(
        conn,
        t["report_job"],
        assessment_id=assessment,
        status="done",
        pdf=b"%PDF-1.7 an earlier report",
        pages=31,
        finished_at=T0 + timedelta(days=16),
        **done,
    )
    queued = _add(
        conn,
        t["report_job"],
        assessment_id=assessment,
        status="queued",
        pdf=None,
        pages=None,
        finished_at=None,
        **done,
    )
    return {
        "workspace": ws,
        "version": version,
        "assessment": assessment,
        "people": people,
        "overrides": overrides,
        "queued_job": queued,
    }


def _snapshot(conn: Connection) -> dict[str, list[dict[str, Any]]]:
    meta = MetaData()
    meta.reflect(conn)
    out: dict[str, list[dict[str, Any]]] = {}
    for name, table in meta.tables.items():
        if name == "alembic_version":
            continue
        rows = conn.execute(select(table).order_by(*table.primary_key.columns)).mappings()
        out[name] = [dict(row) for row in rows]
    return out


def _database(request: pytest.FixtureRequest, kind: str, tmp_path: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'old.sqlite'}"
    url: str = request.getfixturevalue("pg_url")
    reset_postgres(url)
    return url


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgresql", marks=pytest.mark.db)])
def test_upgrade_from_the_first_migration_keeps_every_row(
    kind: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    from flask_migrate import upgrade

    from assessment.cli.web_cmd import prepare_database
    from assessment.db.models import Answer, Assessment, AssessmentStatus, ReportJob, Respondent
    from assessment.db.tenancy import bind_workspace, unscoped
    from assessment.extensions import current_session, db
    from assessment.services.assessments import compute_results, questionnaire_of
    from assessment.services.questionnaires import STANDARD_ID
    from assessment.services.report_jobs import execute_job

    url = _database(request, kind, tmp_path)
    doc = _legacy_document()
    legacy = build_questionnaire(doc, "legacy questionnaire")
    app = _app(url, tmp_path)
    with app.app_context():
        upgrade(revision=FIRST)
        with db.engine.begin() as conn:
            data = _fill(conn, doc, legacy)
        with db.engine.connect() as conn:
            before = _snapshot(conn)
        db.session.remove()
    assert len(before["answer"]) > 500 and before["element_comment"]

    prepare_database(app)  # upgrade to head, publish today's questionnaire

    with app.app_context():
        with db.engine.connect() as conn:
            after = _snapshot(conn)
        for table, rows in before.items():
            assert len(after[table]) >= len(rows), table
            kept = after[table][: len(rows)]
            for old, new in zip(rows, kept, strict=True):
                assert {k: new[k] for k in old} == old, (table, old.get("id"))
        assert len(after["questionnaire_version"]) == 2  # today's version was added beside it
        for table in ("workspace", "user_account", "client", "assessment", "respondent"):
            assert len(after[table]) == len(before[table]), table
        assert {row["source"] for row in after["answer"]} == {"respondent"}
        assert {row["origin"] for row in after["respondent"]} == {"link"}
        assert {row["previous_id"] for row in after["assessment"]} == {None}
        for table in ("crm_evidence", "version_mapping", "api_token"):
            assert after[table] == []

        session = current_session()
        with unscoped(session):
            assert session.scalar(select(Answer.source).limit(1)) == "respondent"
            assert session.scalar(select(Respondent.origin).limit(1)) == "link"
        bind_workspace(session, data["workspace"])
        assessment = session.get(Assessment, data["assessment"])
        assert assessment is not None and assessment.status is AssessmentStatus.CLOSED
        assert assessment.questionnaire_version_id == data["version"]
        pinned = questionnaire_of(assessment)
        assert (pinned.id, pinned.version) == (STANDARD_ID, "0.9.0")
        assert pinned.content_hash == legacy.content_hash
        assert pinned.elements[0].title == LEGACY_TITLE

        results = compute_results(session, assessment)
        overrides = {k: ElementOverride(**v) for k, v in data["overrides"].items()}
        expected = score(legacy, data["people"], min_group_size=3, overrides=overrides)
        assert results.to_dict() == expected.to_dict()
        assert results.respondents == 9 and results.overall.score is not None
        from assessment.core.loader import find_questionnaire

        today = score(
            find_questionnaire(STANDARD_ID), data["people"], min_group_size=3, overrides=overrides
        )
        assert today.overall.score != results.overall.score  # the pinned weights count

        execute_job(session, data["queued_job"], 180.0, 1500)
        session.expire_all()
        job = session.get(ReportJob, data["queued_job"])
        assert job is not None and job.status == "done", job.error if job else None
        assert job.pdf is not None and job.pdf.startswith(b"%PDF")
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(job.pdf))
        assert len(reader.pages) > 10
        text = " ".join(page.extract_text() or "" for page in reader.pages[:12])
        assert "2025 wording" in " ".join(text.split()), text[:2000]
        db.session.remove()
    dispose(app)

"""What a PDF report is rendered from, as one digest: the key of the report cache.

A finished report job keeps its PDF on its row (``report_job.pdf``) and the *fingerprint*
of everything the PDF was rendered from.  A new request whose fingerprint matches a finished
job of the same assessment, language and edition is served that PDF: no render, a few
queries.  Anything that changes the PDF changes the fingerprint:

- the edition and the language;
- the code that renders it: the ``reports`` package, the report templates, the interface
  translations and the shipped questionnaires (hashed once per process, so a deploy that
  changes any of them renders anew);
- the assessment's settings (questionnaire version and content, overrides, minimum group
  size, title, status and dates, self-assessment) and its client's name and profile;
- the workspace's branding (firm name, colour, footer, the logo's digest);
- the respondents: each one's role, team, whether they started and submitted, their link
  revoked or not, and when their answers last changed (``respondent.answered_at`` is stamped
  on every write of an answer or comment, see ``db/models.py``), so an answer, an added,
  edited, deleted or erased respondent all count;
- the organization facts (each value, source and note) and the CRM evidence in use (the
  newest upload; uploads are never changed in place);
- for the trend section, the answers key (:func:`~assessment.services.summaries.answers_keys`)
  of the client's earlier assessments and the workspace's version mappings;
- for the action plan and the follow-through, each of the client's plan items with the
  moment it last changed (a note touches its item).

Each part is one small query (four when the client has no earlier assessment): a repeat
download must cost a fraction of the 100 ms it is allowed.

The report's date is the day it was rendered; a cached PDF keeps its date.

Where the PDFs live, they also go: a cached PDF is a finished report job, so the retention
policy deletes it after ``retain_files_days`` (``services/retention.py``) and erasing a
respondent deletes the assessment's jobs (``services/erasure.py``); the next request renders
again.  The fingerprint is read *before* the data is read for rendering, so a change made
meanwhile leaves the stored fingerprint older than the PDF: the next request renders again,
never the other way round.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assessment.db.models import (
    Assessment,
    CrmEvidence,
    OrganizationFact,
    PlanItem,
    Respondent,
    VersionMapping,
    Workspace,
)
from assessment.db.tenancy import unscoped
from assessment.services.summaries import answers_keys, settings_key

_ROOT = Path(__file__).resolve().parents[2]
_CODE_PARTS = (
    (_ROOT / "reports", "*.py"),
    (_ROOT / "templates" / "report", "*"),
    (_ROOT / "assessment" / "translations", "*.po"),
    (_ROOT / "questionnaires", "*"),
)


@lru_cache(maxsize=1)
def code_version() -> str:
    """A digest of the files that shape every report (read once per process)."""
    digest = hashlib.sha256()
    for folder, pattern in _CODE_PARTS:
        for path in sorted(folder.rglob(pattern)):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(_ROOT)).encode())
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    try:
        from importlib.metadata import version

        digest.update(version("saleshealth").encode())
    except Exception:  # run from a checkout without an installed distribution
        pass
    return digest.hexdigest()


def _when(value: Any) -> str | None:
    return None if value is None else value.isoformat()


def _branding(workspace: Workspace | None) -> list[Any]:
    if workspace is None:
        return []
    logo = hashlib.sha256(workspace.logo).hexdigest() if workspace.logo else ""
    return [
        workspace.name,
        workspace.firm_name,
        workspace.primary_color,
        workspace.footer_text,
        logo,
        workspace.logo_mime,
    ]


def _respondents(session: Session, assessment_id: int) -> list[Any]:
    rows = session.execute(
        select(
            Respondent.id,
            Respondent.role,
            Respondent.team,
            Respondent.origin,
            Respondent.started_at.is_not(None),
            Respondent.submitted_at,
            Respondent.answered_at,
            Respondent.token_hash.is_(None),
        )
        .where(Respondent.assessment_id == assessment_id)
        .order_by(Respondent.id)
    ).all()
    return [[*row[:5], _when(row[5]), _when(row[6]), row[7]] for row in rows]


def _facts(session: Session, assessment_id: int) -> list[Any]:
    rows = session.execute(
        select(
            OrganizationFact.question_id,
            OrganizationFact.value,
            OrganizationFact.source,
            OrganizationFact.note,
        )
        .where(OrganizationFact.assessment_id == assessment_id)
        .order_by(OrganizationFact.question_id)
    ).all()
    return [list(row) for row in rows]


def _crm(session: Session, assessment_id: int) -> list[Any]:
    """This assessment's evidence uploads, and the newest upload of any assessment of its
    client: forecast accuracy compares earlier forecasts across the client's uploads."""
    row = session.execute(
        select(func.count(CrmEvidence.id), func.max(CrmEvidence.id)).where(
            CrmEvidence.assessment_id == assessment_id
        )
    ).one()
    client = select(Assessment.client_id).where(Assessment.id == assessment_id).scalar_subquery()
    siblings = select(Assessment.id).where(Assessment.client_id == client)
    newest = session.scalar(
        select(func.max(CrmEvidence.id)).where(CrmEvidence.assessment_id.in_(siblings))
    )
    return [*row, newest]


def _earlier(session: Session, assessment: Assessment) -> list[Any]:
    """The client's earlier assessments as the trend section reads them."""
    rows = session.execute(
        select(Assessment.id, Assessment.created_at, Assessment.status)
        .where(Assessment.client_id == assessment.client_id, Assessment.id != assessment.id)
        .order_by(Assessment.created_at, Assessment.id)
    ).all()
    earlier = [
        (aid, created, status)
        for aid, created, status in rows
        if (created, aid) < (assessment.created_at, assessment.id)
    ]
    if not earlier:
        return []
    keys = answers_keys(session, [aid for aid, _, _ in earlier])
    out: list[Any] = [[aid, str(status), keys.get(aid, "")] for aid, _, status in earlier]
    mappings = session.execute(
        select(
            VersionMapping.id,
            VersionMapping.from_version_id,
            VersionMapping.to_version_id,
            VersionMapping.mapping,
        ).order_by(VersionMapping.id)
    ).all()
    out.append([[m[0], m[1], m[2], m[3]] for m in mappings])
    return out


def _plan(session: Session, client_id: int) -> list[Any]:
    rows = session.execute(
        select(PlanItem.id, PlanItem.updated_at)
        .where(PlanItem.client_id == client_id)
        .order_by(PlanItem.id)
    ).all()
    return [[item_id, _when(changed)] for item_id, changed in rows]


def fingerprint(session: Session, assessment: Assessment, language: str, edition: str) -> str:
    """The digest of everything the report of ``assessment`` in ``language`` and
    ``edition`` is rendered from (a dozen small queries; no scoring)."""
    client = assessment.client
    with unscoped(session):
        workspace = session.get(Workspace, assessment.workspace_id)
    parts: list[Any] = [
        code_version(),
        edition,
        language,
        [
            assessment.id,
            assessment.questionnaire_version_id,
            settings_key(assessment),
            assessment.title,
            assessment.language,
            str(assessment.status),
            _when(assessment.opened_at),
            _when(assessment.closed_at),
            assessment.is_self_assessment,
            assessment.previous_id,
        ],
        [
            client.name,
            client.industry,
            client.size_band,
            client.sales_motion,
            client.regions,
        ],
        _branding(workspace),
        _respondents(session, assessment.id),
        _facts(session, assessment.id),
        _crm(session, assessment.id),
        _earlier(session, assessment),
        _plan(session, assessment.client_id),
    ]
    raw = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()

"""The read-only JSON API, version 1: clients, assessments, results and exports."""

from __future__ import annotations

import datetime as dt
import re
from io import BytesIO
from typing import Any, TypeVar

from flask import Response, request, send_file, url_for
from flask_babel import gettext as _
from pydantic import BaseModel, ValidationError

from assessment.core import plans as core
from assessment.db.models import Assessment, Client
from assessment.db.tenancy import bind_workspace
from assessment.extensions import current_session
from assessment.io.formats import document_format
from assessment.messages import Message, catalogue
from assessment.services import assessments as assessment_svc
from assessment.services import clients as client_svc
from assessment.services import data_exchange
from assessment.services import plans as plan_svc
from assessment.services import rhythm as rhythm_svc
from assessment.services.profiles import profile_of
from assessment.services.questionnaires import languages_of
from assessment.services.teams import results_with_teams
from assessment.web.api import v1
from assessment.web.api.auth import bind_token_workspace, caller
from assessment.web.api.errors import ApiError, json_response, not_found
from assessment.web.api.openapi import openapi_document
from assessment.web.api.queries import assessments_page, clients_page
from assessment.web.api.schemas import (
    MAX_ID,
    ApiIndex,
    AssessmentDetail,
    AssessmentList,
    AssessmentOut,
    AssessmentQuery,
    ClientList,
    ClientOut,
    ElementSettings,
    ErrorDetail,
    ExportQuery,
    PageQuery,
    PlanItemOut,
    PlanMeasureOut,
    PlanNoteOut,
    PlanOut,
    ProfileOut,
    ProgressOut,
    QuestionnaireRef,
    ResultsOut,
    ResultsQuery,
    RoleProgress,
    TeamsOut,
)
from assessment.web.messages import localize

Q = TypeVar("Q", bound=BaseModel)

PUBLIC_ENDPOINTS = frozenset({"api.v1.index", "api.v1.openapi"})


@v1.before_request
def _authenticate() -> None:
    if request.endpoint in PUBLIC_ENDPOINTS:
        # Public pages read no workspace data: leave no workspace bound at all.
        bind_workspace(current_session(), None)
        return
    bind_token_workspace()


def parse_query(model: type[Q]) -> Q:
    """The query string validated by ``model``; a 400 naming each bad parameter otherwise."""
    try:
        return model.model_validate(request.args.to_dict())
    except ValidationError as exc:
        details = [
            ErrorDetail(
                location="query." + ".".join(str(part) for part in err["loc"]),
                message=localize(_query_problem(err)),
            )
            for err in exc.errors(include_url=False)
        ]
        raise ApiError(400, _("Some query parameters are not valid."), details=details) from None


def _query_problem(err: Any) -> str:
    """Pydantic's problem as a message code where we have one (its English text otherwise)."""
    code = f"query.{err['type']}"
    if code not in catalogue():
        return str(err["msg"])
    ctx = dict(err.get("ctx") or {})
    if "expected" in ctx:  # "'csv' or 'xlsx'": the values, without pydantic's English "or"
        ctx["expected"] = re.findall(r"'([^']*)'", str(ctx["expected"]))
    return Message(code, **ctx)


def _checked_id(value: int) -> int:
    # Flask's int converter accepts any size; the database does not.
    if not 1 <= value <= MAX_ID:
        raise not_found()
    return value


def _json(model: BaseModel, *, exclude_unset: bool = False) -> Response:
    return json_response(model.model_dump(mode="json", exclude_unset=exclude_unset))


def client_out(client: Client) -> ClientOut:
    """A client row as its API shape."""
    return ClientOut.model_validate(client, from_attributes=True)


def assessment_out(assessment: Assessment) -> AssessmentOut:
    """An assessment row as its API shape."""
    version = assessment.questionnaire_version
    return AssessmentOut(
        id=assessment.id,
        client_id=assessment.client_id,
        title=assessment.title,
        status=assessment.status.value,
        language=assessment.language,
        min_group_size=assessment.min_group_size,
        is_self_assessment=assessment.is_self_assessment,
        is_demo=assessment.is_demo,
        previous_id=assessment.previous_id,
        questionnaire=QuestionnaireRef(
            id=version.qid, version=version.version, title=version.title
        ),
        created_at=assessment.created_at,
        opened_at=assessment.opened_at,
        closed_at=assessment.closed_at,
    )


def _load_assessment(assessment_id: int) -> Assessment:
    return assessment_svc.get_assessment(current_session(), _checked_id(assessment_id))


@v1.get("/")
def index() -> Response:
    """Where the OpenAPI document and the documentation are (no token needed)."""
    return _json(
        ApiIndex(
            name="saleshealth API",
            version="1",
            openapi=url_for("api.v1.openapi", _external=True),
            documentation=url_for("api.docs", _external=True),
        )
    )


@v1.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 document of this API (no token needed)."""
    return json_response(openapi_document())


@v1.get("/clients")
def list_clients() -> Response:
    """A page of the workspace's clients."""
    query = parse_query(PageQuery)
    page = clients_page(current_session(), query.limit, query.offset)
    return _json(
        ClientList(
            items=[client_out(c) for c in page.rows],
            total=page.total,
            limit=page.limit,
            offset=page.offset,
            next_offset=page.next_offset,
        )
    )


@v1.get("/clients/<int:client_id>")
def get_client(client_id: int) -> Response:
    """One client."""
    return _json(client_out(client_svc.get_client(current_session(), _checked_id(client_id))))


@v1.get("/clients/<int:client_id>/plan")
def get_client_plan(client_id: int) -> Response:
    """One client's action plan (current items, by due date) and its rhythm."""
    session = current_session()
    client = client_svc.get_client(session, _checked_id(client_id))
    today = dt.datetime.now(dt.UTC).date()
    rows = plan_svc.client_rows(session, client.id)
    live = {i.id for i in core.live(plan_svc.to_core(r, notes=False) for r in rows)}
    items = []
    for row in sorted(rows, key=lambda r: (r.due_date or dt.date.max, r.id)):
        if row.id not in live:
            continue
        item = plan_svc.to_core(row)
        timing = core.timing(item, today)
        items.append(
            PlanItemOut(
                id=row.id,
                assessment_id=row.assessment_id,
                title=row.title,
                phase=row.phase,
                element=row.element_id or None,
                recommendation=row.recommendation_id or None,
                owner=item.owner or None,
                owner_role=row.owner_role or None,
                due_date=row.due_date,
                status=item.status.value,
                drop_reason=row.drop_reason or None,
                timing=timing.value if timing else None,
                measure=PlanMeasureOut(
                    kpi=row.kpi_question or None,
                    unit=row.kpi_unit,
                    baseline=row.baseline,
                    target=row.target,
                ),
                carried_from_id=row.carried_from_id,
                notes=[
                    PlanNoteOut(created_at=n.created_at, text=n.text, author=n.author_label)
                    for n in row.notes
                ],
                updated_at=row.updated_at,
            )
        )
    rhythm = rhythm_svc.rhythm_of(session, client, today)
    return _json(
        PlanOut(
            client_id=client.id,
            reassess_months=rhythm.months if rhythm.months in (3, 6, 12) else None,
            next_round_due=rhythm.due,
            items=items,
        )
    )


@v1.get("/assessments")
def list_assessments() -> Response:
    """A page of the workspace's assessments, optionally of one client or status."""
    query = parse_query(AssessmentQuery)
    page = assessments_page(
        current_session(),
        query.limit,
        query.offset,
        client_id=query.client_id,
        status=query.status,
    )
    return _json(
        AssessmentList(
            items=[assessment_out(a) for a in page.rows],
            total=page.total,
            limit=page.limit,
            offset=page.offset,
            next_offset=page.next_offset,
        )
    )


@v1.get("/assessments/<int:assessment_id>")
def get_assessment(assessment_id: int) -> Response:
    """One assessment with its progress (counts only) and settings."""
    assessment = _load_assessment(assessment_id)
    progress = assessment_svc.progress_of(current_session(), assessment.id)
    profile = profile_of(current_session(), assessment)
    base = assessment_out(assessment)
    detail = AssessmentDetail(
        **base.model_dump(),
        progress=ProgressOut(
            invited=progress.invited,
            started=progress.started,
            submitted=progress.submitted,
            completion=progress.completion,
            by_role={
                role: RoleProgress(
                    invited=counts.get("invited", 0),
                    started=counts.get("started", 0),
                    submitted=counts.get("submitted", 0),
                )
                for role, counts in sorted(progress.by_role.items())
            },
        ),
        languages=languages_of(assessment.questionnaire_version),
        overrides={
            element_id: ElementSettings(weight=values.get("weight"), target=values.get("target"))
            for element_id, values in (assessment.overrides or {}).items()
        },
        profile=None if profile is None else ProfileOut(**profile.to_dict()),
    )
    return _json(detail)


@v1.get("/assessments/<int:assessment_id>/results")
def results(assessment_id: int) -> Response:
    """Live results in the ``saleshealth score --json`` shape."""
    query = parse_query(ResultsQuery)
    assessment = _load_assessment(assessment_id)
    languages = languages_of(assessment.questionnaire_version)
    lang = query.lang or (assessment.language if assessment.language in languages else None)
    if lang is not None and lang not in languages:
        raise ApiError(
            400,
            _("This assessment's results are not available in that language."),
            details=[
                ErrorDetail(
                    location="query.lang",
                    message=_("use one of: %(languages)s", languages=", ".join(languages)),
                )
            ],
        )
    computed = assessment_svc.compute_results(current_session(), assessment, lang)
    body = ResultsOut.model_validate(computed.to_dict(explain=query.explain))
    # exclude_unset keeps the exact `score --json` keys: no explanation keys unless asked.
    return _json(body, exclude_unset=True)


@v1.get("/assessments/<int:assessment_id>/results/teams")
def team_results(assessment_id: int) -> Response:
    """Results by team, with the results page's suppression."""
    assessment = _load_assessment(assessment_id)
    computed = results_with_teams(current_session(), assessment)
    return _json(TeamsOut.model_validate(computed.teams.to_dict()))


@v1.get("/assessments/<int:assessment_id>/exports/responses")
def export_responses(assessment_id: int) -> Response:
    """The responses as a CSV or XLSX file; always anonymous (codes, role, team, region,
    segment)."""
    query = parse_query(ExportQuery)
    exported = data_exchange.export_responses(
        current_session(),
        caller().actor,
        _checked_id(assessment_id),
        shape=query.shape,
        fmt=query.format,
        identified=False,
    )
    return send_file(
        BytesIO(exported.content),
        mimetype=exported.mimetype,
        as_attachment=True,
        download_name=exported.filename,
    )


@v1.get("/assessments/<int:assessment_id>/exports/results")
def export_results(assessment_id: int) -> Response:
    """The results document as a JSON file to download."""
    assessment = _load_assessment(assessment_id)
    document = data_exchange.export_results(current_session(), caller().actor, assessment.id)
    body = ResultsOut.model_validate(document).model_dump(mode="json", exclude_unset=True)
    fmt = document_format("json")
    return send_file(
        BytesIO(fmt.write(body)),
        mimetype=fmt.mimetype,
        as_attachment=True,
        download_name=fmt.filename(f"{data_exchange.file_stem(assessment)}-results"),
    )


@v1.after_request
def _no_store(response: Response) -> Response:
    # Workspace data must not linger in shared caches; answers differ per token.
    response.headers["Cache-Control"] = "no-store"
    response.vary.add("Authorization")
    return response

"""The OpenAPI 3.1 document of the API, generated from the pydantic models in ``schemas.py``.

Every operation is listed once in :data:`OPERATIONS` with its query model and response;
the JSON schemas come from pydantic, hoisted into ``components/schemas``.  A test checks
that the app's API routes and this document list the same paths.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from assessment.io.formats import table_formats
from assessment.web.api.schemas import (
    MAX_ID,
    RESPONSE_MODELS,
    AssessmentQuery,
    ExportQuery,
    PageQuery,
    ResultsQuery,
)

PREFIX = "/api/v1"
REF = "#/components/schemas/{model}"
JSON = "application/json"


@dataclass(frozen=True)
class PathParam:
    """An integer id in the path."""

    name: str
    description: str


@dataclass(frozen=True)
class Operation:
    """One GET operation of the API."""

    path: str
    operation_id: str
    summary: str
    description: str
    tag: str
    response: str | None = None
    """Name of the response model (JSON); None when ``content`` says otherwise."""
    content: dict[str, Any] | Callable[[], dict[str, Any]] = field(default_factory=dict)
    """Media types of the 200 response, or a function that lists them when the document is
    built (the export formats come from their registry)."""
    query: type[BaseModel] | None = None
    path_params: tuple[PathParam, ...] = ()
    public: bool = False


CLIENT_ID = PathParam("client_id", "Id of a client of the token's workspace.")
ASSESSMENT_ID = PathParam("assessment_id", "Id of an assessment of the token's workspace.")


def _export_content() -> dict[str, Any]:
    """One media type per registered responses format (text formats as strings)."""
    return {
        f.mimetype.split(";")[0]: {
            "schema": {"type": "string"}
            if f.mimetype.startswith("text/")
            else {"type": "string", "contentEncoding": "binary"}
        }
        for f in table_formats()
    }


OPERATIONS: tuple[Operation, ...] = (
    Operation(
        "/",
        "getIndex",
        "Where to start",
        "Links to this document and to the human-readable documentation. No token needed.",
        "meta",
        response="ApiIndex",
        public=True,
    ),
    Operation(
        "/openapi.json",
        "getOpenApi",
        "This OpenAPI document",
        "The OpenAPI 3.1 description of the API. No token needed.",
        "meta",
        content={JSON: {"schema": {"type": "object"}}},
        public=True,
    ),
    Operation(
        "/clients",
        "listClients",
        "List clients",
        "The workspace's clients, by name, one page at a time.",
        "clients",
        response="ClientList",
        query=PageQuery,
    ),
    Operation(
        "/clients/{client_id}",
        "getClient",
        "Get a client",
        "One client. Ids of other workspaces answer 404, like ids that do not exist.",
        "clients",
        response="ClientOut",
        path_params=(CLIENT_ID,),
    ),
    Operation(
        "/clients/{client_id}/plan",
        "getClientPlan",
        "Get a client's action plan",
        "The client's plan across its assessments: each current item with its owner's name "
        "(never an e-mail address), due date, status, the recommendation it came from, the "
        "measure to watch with baseline and target, and dated notes; and the re-assessment "
        "rhythm.",
        "plans",
        response="PlanOut",
        path_params=(CLIENT_ID,),
    ),
    Operation(
        "/assessments",
        "listAssessments",
        "List assessments",
        "The workspace's assessments, newest first, optionally of one client and status.",
        "assessments",
        response="AssessmentList",
        query=AssessmentQuery,
    ),
    Operation(
        "/assessments/{assessment_id}",
        "getAssessment",
        "Get an assessment",
        "One assessment with completion counts per role (no names) and its settings.",
        "assessments",
        response="AssessmentDetail",
        path_params=(ASSESSMENT_ID,),
    ),
    Operation(
        "/assessments/{assessment_id}/results",
        "getResults",
        "Live results",
        "Scores (method 2: practice and KPI indexes, 90 % intervals, Welch-tested "
        "leadership–frontline gaps), levels, role breakdown (groups below the minimum size "
        "suppressed, and whatever would let a smaller group be recovered by differencing) "
        "and recommendations: the document `saleshealth score --json` prints.",
        "results",
        response="ResultsOut",
        query=ResultsQuery,
        path_params=(ASSESSMENT_ID,),
    ),
    Operation(
        "/assessments/{assessment_id}/results/teams",
        "getTeamResults",
        "Results by team",
        "Each team's practice score per element against the rest of the organization, with a "
        "pooled-variance t-test and Benjamini–Hochberg adjustment, and the team's own "
        "leadership–frontline gap. A team below the minimum group size is hidden, and so is "
        "whatever would let it (or any smaller group) be recovered from the other figures; "
        'see docs/scoring.md, "Team cuts".',
        "results",
        response="TeamsOut",
        path_params=(ASSESSMENT_ID,),
    ),
    Operation(
        "/assessments/{assessment_id}/exports/responses",
        "exportResponses",
        "Export responses",
        "Every saved answer as a CSV or XLSX file, long (one row per answer) or wide (one "
        "row per respondent). Always anonymous: respondent codes, role, team, region and "
        "segment (each blank when shared by fewer than the minimum group size), never "
        "names or e-mail addresses. Cells that a spreadsheet would run as a formula are "
        "neutralised.",
        "exports",
        content=_export_content,
        query=ExportQuery,
        path_params=(ASSESSMENT_ID,),
    ),
    Operation(
        "/assessments/{assessment_id}/exports/results",
        "exportResults",
        "Export results",
        "The results as a downloadable JSON file (the `saleshealth score --json` document, "
        "with the results by team under `teams`).",
        "exports",
        response="ResultsOut",
        path_params=(ASSESSMENT_ID,),
    ),
)

ERRORS = {
    "400": ("BadRequest", "A query parameter is not valid; `details` names each one."),
    "401": ("Unauthorized", "No token, or a token that is unknown or revoked."),
    "404": ("NotFound", "No such resource in the token's workspace."),
    "429": ("TooManyRequests", "Too many requests for this token (or address)."),
}


def _error_response(description: str, status: str) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": description,
        "content": {JSON: {"schema": {"$ref": REF.format(model="ErrorResponse")}}},
    }
    if status == "401":
        response["headers"] = {
            "WWW-Authenticate": {
                "description": "The bearer challenge.",
                "schema": {"type": "string"},
            }
        }
    if status == "429":
        response["headers"] = {
            "Retry-After": {
                "description": "Seconds to wait before the next request.",
                "schema": {"type": "string"},
            }
        }
    return response


def _without_null(schema: dict[str, Any]) -> dict[str, Any]:
    # A query parameter is absent rather than null: drop pydantic's `| None` branch.
    options = schema.get("anyOf")
    if options:
        kept = [o for o in options if o.get("type") != "null"]
        if len(kept) == 1:
            merged = {k: v for k, v in schema.items() if k != "anyOf"}
            merged.update(kept[0])
            schema = merged
    if schema.get("default", ...) is None:
        schema = {k: v for k, v in schema.items() if k != "default"}
    return schema


def _query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    full = model.model_json_schema(mode="validation", ref_template=REF)
    required = set(full.get("required", []))
    params = []
    for name, raw in full["properties"].items():
        schema = _without_null(copy.deepcopy(raw))
        description = schema.pop("description", "")
        schema.pop("title", None)
        params.append(
            {
                "name": name,
                "in": "query",
                "required": name in required,
                "description": description,
                "schema": schema,
            }
        )
    return params


def _path_parameters(params: tuple[PathParam, ...]) -> list[dict[str, Any]]:
    return [
        {
            "name": p.name,
            "in": "path",
            "required": True,
            "description": p.description,
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
        }
        for p in params
    ]


def _operation(op: Operation) -> dict[str, Any]:
    listed = op.content() if callable(op.content) else op.content
    content = listed or {JSON: {"schema": {"$ref": REF.format(model=op.response)}}}
    responses: dict[str, Any] = {"200": {"description": "OK", "content": content}}
    if op.tag == "exports":
        responses["200"]["headers"] = {
            "Content-Disposition": {
                "description": "`attachment` with the suggested file name.",
                "schema": {"type": "string"},
            }
        }
    statuses = ["429"] if op.public else ["401", "404", "429"]
    if op.query is not None:
        statuses.insert(0, "400")
    if not op.public and not op.path_params:
        statuses.remove("404")
    for status in statuses:
        responses[status] = {"$ref": f"#/components/responses/{ERRORS[status][0]}"}
    out: dict[str, Any] = {
        "operationId": op.operation_id,
        "summary": op.summary,
        "description": op.description,
        "tags": [op.tag],
        "parameters": _path_parameters(op.path_params)
        + (_query_parameters(op.query) if op.query else []),
        "responses": responses,
    }
    if op.public:
        out["security"] = []
    return out


@cache
def openapi_document() -> dict[str, Any]:
    """The whole document (built once per process; it depends only on code)."""
    _, defs = models_json_schema(
        [(model, "serialization") for model in RESPONSE_MODELS], ref_template=REF
    )
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "saleshealth API",
            "version": "1.0.0",
            "summary": "Read-only access to a workspace's clients, assessments and results.",
            "description": (
                "Every request except the index and this document needs a workspace API "
                "token (created by an owner under Settings → API tokens) in the header "
                "`Authorization: Bearer <token>`. A token reads what a viewer of its "
                "workspace can read, never anything of another workspace, and never names "
                "or e-mail addresses of respondents. Errors are always "
                '`{"error": {"code": ..., "message": ..., "details": [...]}}`.'
            ),
        },
        "servers": [{"url": "/", "description": "This server"}],
        "security": [{"bearerAuth": []}],
        "tags": [
            {"name": "meta", "description": "Discovery."},
            {"name": "clients", "description": "Organizations the workspace assesses."},
            {"name": "assessments", "description": "Assessments and their progress."},
            {"name": "results", "description": "Live scores and recommendations."},
            {"name": "plans", "description": "Action plans: owners, due dates, statuses."},
            {"name": "exports", "description": "Files: responses and results."},
        ],
        "paths": {PREFIX + op.path: {"get": _operation(op)} for op in OPERATIONS},
        "components": {
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A workspace API token, `shk_` followed by 43 characters.",
                }
            },
            "schemas": defs["$defs"],
            "responses": {
                name: _error_response(description, status)
                for status, (name, description) in ERRORS.items()
            },
        },
    }

"""Build a workspace of a chosen size through the services (for the page-cost tests)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask

from assessment.core.synthetic import synthetic_respondents
from assessment.db.models import MemberRole
from assessment.db.tenancy import bind_workspace
from assessment.extensions import current_session
from assessment.io.exports import ExportPerson, long_rows, to_csv
from assessment.services import responding
from assessment.services.actor import Actor
from assessment.services.api_tokens import create_token
from assessment.services.assessments import AssessmentSettings, create_assessment, set_status
from assessment.services.clients import ClientData, create_client
from assessment.services.data_exchange import import_answers
from assessment.services.questionnaires import model_of, publish_shipped
from assessment.services.respondents import RespondentData, add_respondents

INDUSTRIES = ("Software", "Retail", "Manufacturing")


@dataclass(frozen=True)
class Built:
    """Ids of the first client and its two assessments, and an API token."""

    client_id: int
    closed_id: int
    open_id: int
    token: str


def build(app: Flask, clients: int, respondents: int) -> Built:
    """``clients`` clients, each with a closed and an open assessment of ``respondents``
    imported respondents; the open one also has a link respondent who answered one question.

    Runs in the workspace the ``owner`` fixture created (workspace 1, user 1).
    """
    ids: list[tuple[int, int, int]] = []
    with app.app_context():
        session = current_session()
        bind_workspace(session, 1)
        actor = Actor(1, 1, MemberRole.OWNER)
        version = publish_shipped(session)
        q = model_of(version)
        for i in range(clients):
            client = create_client(
                session,
                actor,
                ClientData(name=f"Client {i:03d}", industry=INDUSTRIES[i % len(INDUSTRIES)]),
            )
            made = []
            for j, title in enumerate(("Closed check", "Open check")):
                a = create_assessment(
                    session, actor, client.id, version.id, AssessmentSettings(title=title)
                )
                set_status(session, actor, a.id, "open")
                people = synthetic_respondents(q, respondents, seed=100 * i + j)
                csv = to_csv(long_rows(q, [ExportPerson(p) for p in people]))
                import_answers(session, actor, a.id, csv, "answers.csv", shape="long")
                if j == 0:
                    set_status(session, actor, a.id, "closed")
                else:
                    (link,) = add_respondents(
                        session, actor, a.id, [RespondentData(role="sales_rep")]
                    )
                    question = q.elements[0].questions[0]
                    value = question.options[-1].value if question.options else "3"
                    responding.save_answer(session, link.respondent.id, question.id, value)
                made.append(a.id)
            ids.append((client.id, made[0], made[1]))
        token = create_token(session, actor, "page costs").secret
        session.close()
    client_id, closed_id, open_id = ids[0]
    return Built(client_id, closed_id, open_id, token)

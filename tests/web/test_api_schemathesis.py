"""Schemathesis against the app's own OpenAPI document, in process through WSGI.

The run is what ``schemathesis run`` does (its engine: examples, coverage, fuzzing and
stateful phases, positive and negative data), bounded by ``MAX_EXAMPLES`` per operation.
The workspace holds the demo client (30 synthetic respondents with answers and comments)
and a second client whose draft assessment has no answers yet. Requests carry a valid
token; path ids are drawn both from the seeded ids (so successful responses are exercised)
and from the whole documented range. Every default check runs: no 5xx, documented status
codes, content types and headers, bodies conforming to the schemas, 401 without the token,
negative data rejected, valid data accepted, 405 for undocumented methods.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import strategies as st
from schemathesis import engine
from schemathesis.engine import Status, events
from schemathesis.transport.wsgi import WSGITransport
from sqlalchemy import select

from assessment.db.models import Assessment, Client, MemberRole
from assessment.db.tenancy import bind_workspace
from assessment.extensions import db as _db
from assessment.services import api_tokens
from assessment.services.actor import Actor
from assessment.services.assessments import AssessmentSettings, create_assessment
from assessment.services.clients import ClientData, create_client
from assessment.services.demo import load_demo
from assessment.services.plans import seed_from_roadmap
from assessment.services.questionnaires import publish_shipped

MAX_EXAMPLES = 12


@pytest.fixture
def api_schema(app: Flask, owner: FlaskClient) -> Iterator[Any]:
    """The app's OpenAPI document, loaded through WSGI, with a token and seeded ids."""
    with app.app_context():
        session = _db.session
        load_demo(session, respondents=30, seed=11)
        bind_workspace(session, 1)
        me = Actor(1, 1, MemberRole.OWNER)
        empty = create_client(session, me, ClientData(name="Fabrikam", sales_motion="inside"))
        create_assessment(
            session, me, empty.id, publish_shipped(session).id, AssessmentSettings(title="Draft")
        )
        # An action plan on the demo client, so the plan operation returns real items.
        demo = session.scalar(select(Assessment.id).where(Assessment.is_demo.is_(True)))
        assert demo is not None
        seed_from_roadmap(session, me, demo, dt.date(2027, 3, 10))
        token = api_tokens.create_token(session, me, "schemathesis")
        ids = {
            "client_id": list(session.scalars(select(Client.id))),
            "assessment_id": list(session.scalars(select(Assessment.id))),
        }
        session.remove()
    config = schemathesis.Config.from_dict(
        {
            "auth": {"openapi": {"bearerAuth": {"bearer": token.secret}}},
            "generation": {"mode": "all", "max-examples": MAX_EXAMPLES},
            "seed": 20261122,
        }
    )
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=config)

    @schema.hook
    def before_generate_path_parameters(context: Any, strategy: Any) -> Any:
        names = [p.name for p in context.operation.path_parameters]
        if not names:
            return strategy
        seeded = st.fixed_dictionaries({n: st.sampled_from(ids[n]) for n in names})
        return st.one_of(seeded, strategy)

    yield schema


def _run(schema: Any) -> tuple[list[str], Counter[tuple[str, int]], int]:
    """Run every phase like ``schemathesis run``; failures, status counts, requests sent."""
    failures: list[str] = []
    statuses: Counter[tuple[str, int]] = Counter()
    requests = 0
    for event in engine.from_schema(schema).execute():
        if isinstance(event, (events.NonFatalError, events.FatalError)):
            failures.append(f"engine error: {event!r} {getattr(event, 'value', '')}")
        if isinstance(event, events.EngineFinished):
            failures += [f"after run: {f.title}: {f.message}" for f in event.failures]
        recorder = getattr(event, "recorder", None)
        if recorder is None or not isinstance(
            event, (events.ScenarioFinished, events.FuzzScenarioFinished)
        ):
            continue
        for interaction in recorder.interactions.values():
            if interaction.response is None:
                continue
            requests += 1
            statuses[(recorder.label, interaction.response.status_code)] += 1
        for checks in recorder.checks.values():
            for check in checks:
                if check.status == Status.FAILURE and check.failure_info is not None:
                    info = check.failure_info
                    failures.append(
                        f"{recorder.label}: {check.name}: {info.failure.title}: "
                        f"{info.failure.message[:300]}\n  {info.code_sample}"
                    )
    return failures, statuses, requests


@pytest.fixture
def wsgi_transport_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    """Work around schemathesis 4.32: its engine passes socket-level options (max_redirects,
    verify, cert, proxies) to the in-process WSGI transport, which hands them to werkzeug's
    test client and fails every request. They mean nothing in process; drop them."""
    original = WSGITransport.send

    def send(self: WSGITransport, case: Any, *, session: Any = None, **kwargs: Any) -> Any:
        for name in ("max_redirects", "verify", "cert", "proxies"):
            kwargs.pop(name, None)
        return original(self, case, session=session, **kwargs)

    monkeypatch.setattr(WSGITransport, "send", send)


@pytest.mark.usefixtures("wsgi_transport_fix")
def test_api_conforms_to_its_openapi_document(api_schema: Any) -> None:
    started = time.monotonic()
    failures, statuses, requests = _run(api_schema)
    elapsed = time.monotonic() - started
    assert not failures, f"{len(failures)} schemathesis failure(s):\n" + "\n".join(
        sorted(set(failures))[:30]
    )
    assert not [key for key in statuses if key[1] >= 500], statuses
    # Every documented operation was called (schemathesis leaves out the document itself) and
    # seeded ids reached real data: each answered 200 at least once.
    documented = {f"GET {path}" for path in api_schema.raw_schema["paths"]}
    documented.discard("GET /api/v1/openapi.json")
    called = {label for label, _ in statuses if label.startswith("GET ")}
    assert called == documented, sorted(documented ^ called)
    ok = {label for label, status in statuses if status == 200 and label.startswith("GET ")}
    assert ok == documented, sorted(documented - ok)
    # Errors were exercised too: bad parameters, missing token, unknown ids, other methods.
    assert {status for _, status in statuses} >= {400, 401, 404, 405}
    assert requests > 100, requests
    assert elapsed < 120, elapsed

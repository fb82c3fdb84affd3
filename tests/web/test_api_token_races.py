"""Creating API tokens under concurrency (hostile-run finding 5).

Six parallel requests carrying one form submission made six tokens: the "once" guard lived
in the client-side session cookie, which every parallel request carried unchanged.  The
form's one-time key is now stored with the token under a unique constraint, and the
workspace row is locked while active tokens are counted, so the 50-token cap holds too.
Runs on SQLite and, in the PostgreSQL phase, on PostgreSQL (``db`` marker).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assessment.db.models import ApiToken, MemberRole, User
from assessment.db.tenancy import bind_workspace, unscoped
from assessment.extensions import db as _db
from assessment.services import api_tokens
from assessment.services.actor import Actor
from assessment.services.errors import Conflict, Invalid
from tests.web.parallel import in_parallel


def _owner_actor(app: Flask) -> Actor:
    with app.app_context(), unscoped(_db.session) as session:
        user = session.scalar(select(User))
        assert user is not None
        actor = Actor(user.id, user.memberships[0].workspace_id, MemberRole.OWNER)
        _db.session.remove()
    return actor


def _in_parallel(
    app: Flask, actor: Actor, calls: list[Callable[[Session], object]]
) -> list[object]:
    return in_parallel(app, actor.workspace_id, calls)


def _active(app: Flask, actor: Actor) -> int:
    with app.app_context():
        bind_workspace(_db.session, actor.workspace_id)
        count = _db.session.scalar(
            select(func.count()).select_from(ApiToken).where(ApiToken.revoked_at.is_(None))
        )
        _db.session.remove()
    return int(count or 0)


@pytest.mark.db
def test_one_form_sent_six_times_at_once_makes_one_token(owner: FlaskClient, app: Flask) -> None:
    actor = _owner_actor(app)
    key = "form-key-0123456789"
    outcomes = _in_parallel(
        app,
        actor,
        [lambda s: api_tokens.create_token(s, actor, "BI dashboard", form_key=key)] * 6,
    )
    issued = [o for o in outcomes if isinstance(o, api_tokens.IssuedToken)]
    refused = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(issued) == 1, outcomes
    assert len(refused) == 5, outcomes
    assert _active(app, actor) == 1
    # The same key later, in sequence, is refused too.
    with app.app_context():
        bind_workspace(_db.session, actor.workspace_id)
        with pytest.raises(Conflict):
            api_tokens.create_token(_db.session, actor, "again", form_key=key)
        _db.session.remove()


@pytest.mark.db
def test_cap_of_fifty_holds_under_concurrency(owner: FlaskClient, app: Flask) -> None:
    actor = _owner_actor(app)
    with app.app_context():
        bind_workspace(_db.session, actor.workspace_id)
        for i in range(api_tokens.MAX_ACTIVE_TOKENS - 2):
            api_tokens.create_token(_db.session, actor, f"t{i}")
        _db.session.remove()
    outcomes = _in_parallel(
        app,
        actor,
        [
            (
                lambda s, i=i: api_tokens.create_token(
                    s, actor, f"p{i}", form_key=f"parallel-{i:04d}"
                )
            )
            for i in range(6)
        ],
    )
    assert sum(isinstance(o, api_tokens.IssuedToken) for o in outcomes) == 2, outcomes
    assert sum(isinstance(o, Invalid) for o in outcomes) == 4, outcomes
    assert _active(app, actor) == api_tokens.MAX_ACTIVE_TOKENS

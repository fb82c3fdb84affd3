"""Run service calls at the same moment, each in its own thread and database session."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

from assessment.db.tenancy import bind_workspace
from assessment.extensions import db as _db


def in_parallel(app: Flask, workspace_id: int, calls: list[Callable[[Session], Any]]) -> list[Any]:
    """Each call's result (or the exception it raised), the calls released together by a
    barrier, each with a session of its own bound to ``workspace_id``."""
    outcomes: list[Any] = [None] * len(calls)
    barrier = threading.Barrier(len(calls))

    def run(i: int) -> None:
        with app.app_context():
            session = Session(bind=_db.engine)
            bind_workspace(session, workspace_id)
            barrier.wait()
            try:
                outcomes[i] = calls[i](session)
            except Exception as exc:
                outcomes[i] = exc
            finally:
                session.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not any(t.is_alive() for t in threads), "a call never finished"
    return outcomes

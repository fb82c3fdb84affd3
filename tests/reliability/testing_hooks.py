"""Test-only fault hooks, installed from a gunicorn config file (never by the app itself).

The reliability tests kill server processes in the middle of a write transaction.  To land
the kill inside a transaction deterministically, :func:`install` adds a SQLAlchemy
``commit`` listener to the app's engine: after a write transaction has issued all its SQL
and before its COMMIT, the request thread announces itself in a marker file and sleeps.
The test waits for a marker, then sends SIGKILL.

Nothing happens unless ``SALESHEALTH_TEST_COMMIT_DELAY`` (seconds) is set.  Wiring, in a
gunicorn config file (see ``tests/reliability/gunicorn_hooks.py``)::

    def post_worker_init(worker):
        from tests.reliability.testing_hooks import install
        install(worker.wsgi)

Environment:

``SALESHEALTH_TEST_COMMIT_DELAY``
    seconds to sleep before each COMMIT of a write transaction on the selected paths.
``SALESHEALTH_TEST_MARKER_DIR``
    folder for the marker files (``<pid>-<thread>.json`` with pid, request path and the
    respondent id of the request's session), written before the sleep, removed after it.
``SALESHEALTH_TEST_DELAY_PATHS``
    comma-separated request path prefixes to slow down (default ``/respond/``).
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path
from typing import Any

from flask import Flask, has_request_context, request, session
from sqlalchemy import event

from assessment.db.sqlite import WRITE_OPTION

DELAY_ENV = "SALESHEALTH_TEST_COMMIT_DELAY"
MARKER_ENV = "SALESHEALTH_TEST_MARKER_DIR"
PATHS_ENV = "SALESHEALTH_TEST_DELAY_PATHS"


def install(app: Flask) -> bool:
    """Install the commit delay on the app's engine when the environment asks for it."""
    delay = float(os.environ.get(DELAY_ENV) or 0)
    if delay <= 0:
        return False
    marker_dir = Path(os.environ.get(MARKER_ENV) or ".")
    prefixes = tuple(p for p in (os.environ.get(PATHS_ENV) or "/respond/").split(",") if p)
    from assessment.extensions import db

    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "commit")
    def _before_commit(conn: Any) -> None:
        if not conn.get_execution_options().get(WRITE_OPTION):
            return
        if not has_request_context() or not request.path.startswith(prefixes):
            return
        claim = session.get("respondent")
        marker = marker_dir / f"{os.getpid()}-{threading.get_ident()}.json"
        marker.write_text(
            json.dumps(
                {
                    "pid": os.getpid(),
                    "path": request.path,
                    "respondent": claim.get("id") if isinstance(claim, dict) else None,
                }
            )
        )
        time.sleep(delay)
        marker.unlink(missing_ok=True)

    return True

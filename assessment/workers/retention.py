"""Apply the workspaces' retention periods off the request path (see docs/privacy.md).

``saleshealth worker`` starts :func:`start_daily`: a daemon thread that runs
:func:`run_retention` at start and then once a day.  Several workers may do it at once:
each run is one transaction per workspace and removing what is already gone is a no-op.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from assessment.db.base import utcnow
from assessment.services.retention import RetentionItem, apply_retention

DAY_S = 24 * 3600
log = logging.getLogger(__name__)


def run_retention(config: dict[str, Any]) -> list[RetentionItem]:
    """Apply retention once on the configured database; returns what went."""
    from assessment.workers import session_factory

    with session_factory(config)() as session:
        return apply_retention(session, utcnow(), source="worker")


def start_daily(config: dict[str, Any], interval_s: float = DAY_S) -> threading.Event:
    """Run retention now and every ``interval_s`` in a daemon thread; set the returned
    event to stop it."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                items = run_retention(config)
                log.info("retention: removed %d item(s)", len(items))
            except Exception:  # a failed run is retried at the next interval
                log.exception("retention run failed")
            stop.wait(interval_s)

    threading.Thread(target=loop, name="retention", daemon=True).start()
    return stop

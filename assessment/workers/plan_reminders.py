"""Send the action-plan reminders off the request path (see ``services/plan_reminders.py``).

``saleshealth worker`` starts :func:`start_periodic`: a daemon thread that sends what is due
at start and then every hour (reminders are due on whole days, so an hour late is on time;
each is claimed before it is sent, so several workers never send one twice).  Without a
worker, cron runs ``saleshealth plan-reminders``.

Plan reminders are off when SMTP is not configured.  ``PUBLIC_URL`` is optional here: without
it members' e-mails carry no link to the plan.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Mapping, Sequence
from typing import Any

from assessment.services.mailer import Mail, SmtpSettings, send_each
from assessment.services.plan_reminders import PlanDelivery, PlanRunReport, send_plan_reminders

HOUR_S = 3600
log = logging.getLogger(__name__)


def off_reason(config: Mapping[str, Any]) -> str:
    """Why plan reminders cannot be sent with this configuration ("" when they can)."""
    if SmtpSettings.from_config(config) is None:
        return "SMTP_HOST is not set"
    return ""


def delivery_for(config: Mapping[str, Any]) -> PlanDelivery | None:
    """How to send plan reminders with this configuration; None when they are off."""
    settings = SmtpSettings.from_config(config)
    if settings is None:
        return None

    def send(mails: Sequence[Mail]) -> list[str]:
        return send_each(settings, mails)

    return PlanDelivery(str(config.get("PUBLIC_URL") or ""), send)


def run_plan_reminders(config: dict[str, Any]) -> PlanRunReport | None:
    """Send what is due now on the configured database (None: plan reminders are off)."""
    from assessment.workers import session_factory

    delivery = delivery_for(config)
    if delivery is None:
        return None
    now = dt.datetime.now(dt.UTC)
    with session_factory(config)() as session:
        return send_plan_reminders(session, now.date(), now, delivery)


def start_periodic(config: dict[str, Any], interval_s: float = HOUR_S) -> threading.Event | None:
    """Send due plan reminders now and every ``interval_s`` in a daemon thread; set the
    returned event to stop it.  None (and a log line) when they are off."""
    reason = off_reason(config)
    if reason:
        log.info("plan reminders are off: %s", reason)
        return None
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                report = run_plan_reminders(config)
                if report is not None and (report.sent or report.failed):
                    log.info(
                        "plan reminders: %d sent, %d failed", len(report.sent), len(report.failed)
                    )
            except Exception:  # a failed run is retried at the next interval
                log.exception("plan reminders run failed")
            stop.wait(interval_s)

    threading.Thread(target=loop, name="plan-reminders", daemon=True).start()
    return stop

"""Send the automatic reminders off the request path (see ``services/reminders.py``).

``saleshealth worker`` starts :func:`start_periodic`: a daemon thread that sends what is due
at start and then every hour (reminders are due after whole days, so an hour late is on
time).  Several workers may run it at once: each reminder is claimed with a conditional
update before it is sent, so nobody gets one twice.  Without a worker, cron runs
``saleshealth reminders``.

Reminders are off when SMTP is not configured, and when ``PUBLIC_URL`` is not set (the
links in the e-mails need the site's address, which a worker cannot take from a request).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping, Sequence
from typing import Any

from assessment.db.base import utcnow
from assessment.services.link_cipher import cipher_for
from assessment.services.mailer import Mail, SmtpSettings, send_each
from assessment.services.reminders import Delivery, RunReport, send_reminders

HOUR_S = 3600
log = logging.getLogger(__name__)


def off_reason(config: Mapping[str, Any]) -> str:
    """Why reminders cannot be sent with this configuration ("" when they can)."""
    if SmtpSettings.from_config(config) is None:
        return "SMTP_HOST is not set"
    if not config.get("PUBLIC_URL"):
        return "PUBLIC_URL is not set (the links in the e-mails need the site's address)"
    return ""


def delivery_for(config: Mapping[str, Any]) -> Delivery | None:
    """How to send reminders with this configuration; None when they are off."""
    settings = SmtpSettings.from_config(config)
    if settings is None or off_reason(config):
        return None

    def send(mails: Sequence[Mail]) -> list[str]:
        return send_each(settings, mails)

    return Delivery(cipher_for(config["SECRET_KEY"]), str(config["PUBLIC_URL"]), send)


def run_reminders(config: dict[str, Any]) -> RunReport | None:
    """Send what is due now on the configured database (None: reminders are off)."""
    from assessment.workers import session_factory

    delivery = delivery_for(config)
    if delivery is None:
        return None
    with session_factory(config)() as session:
        return send_reminders(session, utcnow(), delivery)


def start_periodic(config: dict[str, Any], interval_s: float = HOUR_S) -> threading.Event | None:
    """Send due reminders now and every ``interval_s`` in a daemon thread; set the returned
    event to stop it.  None (and a log line) when reminders are off."""
    reason = off_reason(config)
    if reason:
        log.info("reminders are off: %s", reason)
        return None
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                report = run_reminders(config)
                if report is not None and (report.sent or report.failed):
                    log.info("reminders: %d sent, %d failed", len(report.sent), len(report.failed))
            except Exception:  # a failed run is retried at the next interval
                log.exception("reminders run failed")
            stop.wait(interval_s)

    threading.Thread(target=loop, name="reminders", daemon=True).start()
    return stop

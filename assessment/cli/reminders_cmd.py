"""``saleshealth reminders``: e-mail the respondents who are due an automatic reminder.

Works on the app's database (``DATABASE_URL``, or the SQLite file in the instance folder)
with the app's SMTP settings and ``PUBLIC_URL``.  Run it from cron (e.g. hourly) when no
``saleshealth worker`` runs; running it more often, or next to a worker, sends nobody a
reminder twice.  ``--dry-run`` lists who would get one and sends nothing.
"""

from __future__ import annotations

import click


@click.command("reminders")
@click.option("--dry-run", is_flag=True, help="List who would get a reminder; send nothing.")
def reminders_command(dry_run: bool) -> None:
    """Send the automatic reminders that are due (per each assessment's schedule)."""
    from assessment.app import create_app
    from assessment.db.base import utcnow
    from assessment.extensions import current_session
    from assessment.services.reminders import Due, plan_reminders, send_reminders
    from assessment.workers.reminders import delivery_for, off_reason

    app = create_app()
    reason = off_reason(app.config)

    def line(due: Due, note: str = "") -> str:
        return (
            f"workspace {due.workspace_id}\tassessment {due.assessment_id}\t{due.code}\t"
            f"{due.email}\treminder {due.number} of {due.of}\t{due.language}"
            + (f"\t{note}" if note else "")
        )

    with app.app_context():
        session = current_session()
        now = utcnow()
        if dry_run:
            from assessment.services.link_cipher import cipher_for

            due = plan_reminders(session, now, cipher_for(app.config["SECRET_KEY"]))
            for d in due:
                click.echo(line(d, "" if d.token else "skipped: the current link cannot be shown"))
            sendable = sum(1 for d in due if d.token)
            click.echo(f"would send: {sendable} reminder(s)")
            if reason:
                click.echo(f"note: reminders are off: {reason}", err=True)
            return
        delivery = delivery_for(app.config)
        if delivery is None:
            click.echo(f"reminders are off: {reason}; nothing sent", err=True)
            return
        report = send_reminders(session, now, delivery)
    for d in report.sent:
        click.echo(line(d, "sent"))
    for d, error in report.failed:
        click.echo(line(d, f"failed: {error}"))
    for d in report.skipped:
        click.echo(line(d, "skipped: the current link cannot be shown; replace it"))
    click.echo(
        f"sent: {len(report.sent)}, failed: {len(report.failed)}, skipped: {len(report.skipped)}"
    )

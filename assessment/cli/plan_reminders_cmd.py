"""``saleshealth plan-reminders``: e-mail the owners of action-plan items that are due.

Works on the app's database (``DATABASE_URL``, or the SQLite file in the instance folder)
with the app's SMTP settings; ``PUBLIC_URL``, when set, puts a link to the plan in members'
e-mails.  Only clients whose plan reminders are on (the plan page's rhythm card) remind.
Run it from cron (e.g. daily) when no ``saleshealth worker`` runs; running it more often,
or next to a worker, sends nobody a reminder twice.  ``--dry-run`` lists who would get one.
"""

from __future__ import annotations

import click


@click.command("plan-reminders")
@click.option("--dry-run", is_flag=True, help="List who would get a reminder; send nothing.")
def plan_reminders_command(dry_run: bool) -> None:
    """Send the action-plan reminders that are due (due soon, or overdue)."""
    import datetime as dt

    from assessment.app import create_app
    from assessment.extensions import current_session
    from assessment.services.plan_reminders import OVERDUE, PlanDue, plan_due, send_plan_reminders
    from assessment.workers.plan_reminders import delivery_for, off_reason

    app = create_app()

    def line(due: PlanDue, note: str = "") -> str:
        stage = "overdue" if due.stage == OVERDUE else "due soon"
        return (
            f"workspace {due.workspace_id}\tclient {due.client_id}\titem {due.item_id}\t"
            f"{due.email}\t{stage}\t{due.due.isoformat()}\t{due.language}"
            + (f"\t{note}" if note else "")
        )

    now = dt.datetime.now(dt.UTC)
    with app.app_context():
        session = current_session()
        if dry_run:
            due = plan_due(session, now.date())
            for d in due:
                click.echo(line(d))
            click.echo(f"would send: {len(due)} reminder(s)")
            reason = off_reason(app.config)
            if reason:
                click.echo(f"note: plan reminders are off: {reason}", err=True)
            return
        delivery = delivery_for(app.config)
        if delivery is None:
            click.echo(f"plan reminders are off: {off_reason(app.config)}; nothing sent", err=True)
            return
        report = send_plan_reminders(session, now.date(), now, delivery)
    for d in report.sent:
        click.echo(line(d, "sent"))
    for d, error in report.failed:
        click.echo(line(d, f"failed: {error}"))
    click.echo(f"sent: {len(report.sent)}, failed: {len(report.failed)}")

"""``saleshealth retention``: apply each workspace's retention periods.

Works on the app's database (``DATABASE_URL``, or the SQLite file in the instance folder).
``--dry-run`` (the default) lists what is due and changes nothing; ``--apply`` removes
exactly that, one transaction per workspace, and records the run in each workspace's audit
trail (``retention.applied``).  Run it daily (cron) when no worker does.
"""

from __future__ import annotations

import click


@click.command("retention")
@click.option(
    "--apply/--dry-run",
    "apply",
    default=False,
    help="Remove what is due (default: only list it).",
)
def retention_command(apply: bool) -> None:
    """Erase identities, delete old PDFs and audit entries past each workspace's period."""
    from assessment.app import create_app
    from assessment.db.base import utcnow
    from assessment.extensions import current_session
    from assessment.services.retention import apply_retention, plan_retention

    app = create_app()
    with app.app_context():
        session = current_session()
        now = utcnow()
        items = (
            apply_retention(session, now, source="command")
            if apply
            else plan_retention(session, now)
        )
        verb = "removed" if apply else "would remove"
        for item in items:
            target = f"#{item.target_id}" if item.target_id is not None else "-"
            click.echo(
                f"workspace {item.workspace_id}\t{item.kind}\t{target}\t{item.rows} row(s)\t"
                f"{item.description}"
            )
        click.echo(f"{verb}: {len(items)} item(s), {sum(i.rows for i in items)} row(s)")

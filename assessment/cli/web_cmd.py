"""``saleshealth serve``, ``demo`` and ``db-upgrade``: run the web application."""

from __future__ import annotations

import os

import click
from flask import Flask


def _app() -> Flask:
    from assessment.app import create_app

    return create_app()


def prepare_database(app: Flask) -> None:
    """Migrate the database, publish the shipped questionnaire, refresh stored summaries."""
    from flask_migrate import upgrade
    from sqlalchemy.exc import OperationalError

    from assessment.config import ConfigError
    from assessment.db.sqlite import analyze
    from assessment.extensions import current_session, db
    from assessment.services.questionnaires import publish_shipped
    from assessment.services.summaries import refresh_stale

    with app.app_context():
        try:
            with db.engine.connect():
                pass
        except OperationalError as exc:
            # Usually a wrong host, port, name or password: one line naming the setting.
            reason = str(exc.orig or exc).strip().splitlines()[0]
            raise ConfigError(f"DATABASE_URL: cannot connect to the database ({reason})") from None
        upgrade()
        publish_shipped(current_session())
        refresh_stale(current_session())  # stored results summaries after an upgrade
        analyze(db.engine)  # SQLite planner statistics
        db.session.remove()  # end of app context


@click.command("db-upgrade")
def db_upgrade() -> None:
    """Apply database migrations and publish the shipped questionnaire."""
    prepare_database(_app())
    click.echo("database is up to date")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option(
    "--workers", default=None, type=int, help="gunicorn worker processes (default: 2 x cores)"
)
@click.option(
    "--dev", is_flag=True, help="Flask's reloading development server instead of gunicorn."
)
def serve(host: str, port: int, workers: int | None, dev: bool) -> None:
    """Migrate the database and serve the app (gunicorn, threads per worker)."""
    app = _app()
    prepare_database(app)
    click.echo(f"saleshealth on http://{host}:{port}/  (database: {_safe_url(app)})")
    if dev:
        app.run(host=host, port=port, debug=True)
        return
    from gunicorn.app.base import BaseApplication

    class _Gunicorn(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers or min(4, 2 * (os.cpu_count() or 1)))
            self.cfg.set("threads", 4)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("timeout", 60)
            self.cfg.set("accesslog", os.environ.get("SALESHEALTH_ACCESS_LOG") or None)

        def load(self) -> Flask:
            from assessment.app import create_app
            from assessment.db.tenancy import unscoped
            from assessment.extensions import current_session
            from assessment.services.questionnaires import warm_cache

            app = create_app()
            with app.app_context(), unscoped(current_session()) as session:
                warm_cache(session)
                session.close()
            return app

    _Gunicorn().run()


def _safe_url(app: Flask) -> str:
    from sqlalchemy.engine import make_url

    return make_url(app.config["SQLALCHEMY_DATABASE_URI"]).render_as_string(hide_password=True)


@click.command("demo")
@click.option("--respondents", default=30, show_default=True, type=int)
def demo(respondents: int) -> None:
    """Load a clearly labelled demo client with synthetic respondents."""
    from assessment.extensions import current_session
    from assessment.services.demo import load_demo

    app = _app()
    prepare_database(app)
    with app.app_context():
        summary = load_demo(current_session(), respondents)
    click.echo(summary)


@click.command("worker")
@click.option("--burst", is_flag=True, help="Exit when the queue is empty (tests, cron).")
@click.option(
    "--retention/--no-retention",
    default=True,
    help="Apply the workspaces' retention periods at start and daily (default: on).",
)
@click.option(
    "--reminders/--no-reminders",
    default=True,
    help="Send the automatic e-mail reminders that are due, at start and hourly "
    "(default: on; off without SMTP_HOST and PUBLIC_URL).",
)
@click.option(
    "--plan-reminders/--no-plan-reminders",
    default=True,
    help="E-mail the owners of action-plan items that are due, at start and hourly "
    "(default: on; off without SMTP_HOST; only clients whose plan reminders are on).",
)
def worker(burst: bool, retention: bool, reminders: bool, plan_reminders: bool) -> None:
    """Render queued PDF reports (needs REDIS_URL); one font configuration per process."""
    from redis import Redis
    from rq import SimpleWorker

    from assessment.workers import reports, worker_config

    url = os.environ.get("REDIS_URL")
    if not url:
        raise click.UsageError("set REDIS_URL to the Redis server the web app uses")
    config = worker_config()
    reports.prepare_worker(config)
    if retention and not burst:
        from assessment.workers.retention import start_daily

        start_daily(config)
    if reminders and not burst:
        from assessment.workers.reminders import start_periodic

        start_periodic(config)
    if plan_reminders and not burst:
        from assessment.workers import plan_reminders as plan_worker

        plan_worker.start_periodic(config)
    connection = Redis.from_url(url)
    # SimpleWorker runs jobs in this process instead of a fork per job, so the report
    # renderer's children (and their fonts) stay warm from job to job; each render is still
    # bounded in time and memory by those children.
    SimpleWorker([reports.QUEUE_NAME], connection=connection).work(
        burst=burst, with_scheduler=False
    )

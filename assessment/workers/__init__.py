"""Entry points that run work off the request path (report rendering).

Workers are callers of services, like the web views and the command line: they build a
database session from the configuration and call a service.  Nothing here is imported by
the services.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import create_engine
from sqlalchemy.orm import Session, sessionmaker

from assessment.config import build_config
from assessment.db.sqlite import configure_sqlite

INSTANCE = Path(__file__).resolve().parents[2] / "instance"


def session_factory(config: dict[str, Any]) -> sessionmaker[Session]:
    """Sessions on the configured database, with the same SQLite settings as the app."""
    engine = create_engine(config["SQLALCHEMY_DATABASE_URI"], pool_pre_ping=True)
    configure_sqlite(engine)
    return sessionmaker(bind=engine, expire_on_commit=False)


def worker_config(instance_path: str | None = None) -> dict[str, Any]:
    """The configuration a worker process reads (environment and instance folder)."""
    return build_config(instance_path or str(INSTANCE))

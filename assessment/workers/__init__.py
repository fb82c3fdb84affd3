"""Entry points that run work off the request path (report rendering).

Workers are callers of services, like the web views and the command line: they build a
database session from the configuration and call a service.  Nothing here is imported by
the services.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import Session, sessionmaker

from assessment.config import build_config
from assessment.db.sqlite import configure_sqlite

INSTANCE = Path(__file__).resolve().parents[2] / "instance"


MAX_ENGINES = 4
"""Engines kept for different database addresses; the oldest beyond this is disposed."""

_engines: OrderedDict[str, Engine] = OrderedDict()
_engines_lock = threading.Lock()


def engine_for(url: str) -> Engine:
    """The one engine (and connection pool) of this process for ``url``.

    Workers ask for sessions on every run (plan reminders hourly, retention daily): building
    an engine each time left a pool of open connections behind every run.
    """
    with _engines_lock:
        engine = _engines.get(url)
        if engine is not None:
            _engines.move_to_end(url)
            return engine
        engine = create_engine(url, pool_pre_ping=True)
        configure_sqlite(engine)
        _engines[url] = engine
        while len(_engines) > MAX_ENGINES:
            # Sessions still using it keep their connection until they close; the pool's
            # idle connections are closed now.
            _engines.popitem(last=False)[1].dispose()
        return engine


def dispose_engines() -> None:
    """Close every cached engine's pooled connections and forget the engines."""
    with _engines_lock:
        while _engines:
            _engines.popitem(last=False)[1].dispose()


def _after_fork_in_child() -> None:
    # A forked process (an RQ work horse) must not share its parent's pooled connections:
    # give it fresh pools without closing the parent's connections.  The lock may have been
    # held by another thread of the parent at the fork: the child starts with a new one.
    global _engines_lock
    _engines_lock = threading.Lock()
    for engine in list(_engines.values()):
        engine.dispose(close=False)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def session_factory(config: dict[str, Any]) -> sessionmaker[Session]:
    """Sessions on the configured database, with the same SQLite settings as the app; one
    engine per database address and process, however often this is called."""
    engine = engine_for(str(config["SQLALCHEMY_DATABASE_URI"]))
    return sessionmaker(bind=engine, expire_on_commit=False)


def worker_config(instance_path: str | None = None) -> dict[str, Any]:
    """The configuration a worker process reads (environment and instance folder)."""
    return build_config(instance_path or str(INSTANCE))

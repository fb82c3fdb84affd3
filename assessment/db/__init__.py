"""Database layer: models, engine set-up, workspace scoping and transactions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import Session, scoped_session

from assessment.db.base import Base
from assessment.db.sqlite import WRITE_OPTION

db = SQLAlchemy(model_class=Base)
IN_WRITE = "saleshealth.in_write_transaction"


@contextmanager
def write_transaction(session: Session) -> Iterator[Session]:
    """One write transaction: commit on success, roll back on any error.

    On SQLite it starts with ``BEGIN IMMEDIATE`` so concurrent writers queue for the lock.
    A read transaction already open in the session is ended first.
    """
    if isinstance(session, scoped_session):
        session = session()
    if session.in_transaction():
        session.commit()
    session.connection(execution_options={WRITE_OPTION: True})
    # Marks the open write transaction, so code that joins one (the audit trail) can tell.
    session.info[IN_WRITE] = session.info.get(IN_WRITE, 0) + 1
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.info[IN_WRITE] -= 1


def in_write_transaction(session: Session) -> bool:
    """Whether ``session`` is inside :func:`write_transaction` (changes will be committed)."""
    if isinstance(session, scoped_session):
        session = session()
    return bool(session.info.get(IN_WRITE)) and session.in_transaction()

"""The workers' database sessions: one engine per database address and process.

``session_factory`` used to build a new engine (with its own pool of open connections) on
every call and never dispose it; plan reminders and retention call it on every run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text

import assessment.workers as workers
from assessment.workers import dispose_engines, engine_for, session_factory


def _config(path: Path) -> dict[str, Any]:
    return {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"}


def _engine_of(config: dict[str, Any]) -> Engine:
    bind = session_factory(config).kw["bind"]
    assert isinstance(bind, Engine)
    return bind


def test_every_call_uses_the_same_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[str] = []
    real = create_engine

    def counting(url: str, **kw: Any) -> Engine:
        built.append(url)
        return real(url, **kw)

    monkeypatch.setattr(workers, "create_engine", counting)
    config = _config(tmp_path / "a.sqlite")
    engines = set()
    for _ in range(20):  # twenty runs of a worker
        with session_factory(config)() as session:
            assert session.execute(text("SELECT 1")).scalar() == 1
            engines.add(id(session.get_bind()))
    assert len(built) == 1 and len(engines) == 1
    engine = _engine_of(config)
    # the SQLite settings are installed once on it, as before
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    # one pooled connection, reused by every run
    assert engine.pool.checkedout() == 0 and engine.pool.checkedin() == 1  # type: ignore[attr-defined]
    # another address gets its own engine
    other = _engine_of(_config(tmp_path / "b.sqlite"))
    assert other is not engine and len(built) == 2


def test_engines_beyond_the_limit_are_disposed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    disposed: list[str] = []
    real = Engine.dispose

    def spy(self: Engine, close: bool = True) -> None:
        disposed.append(str(self.url))
        real(self, close=close)

    monkeypatch.setattr(Engine, "dispose", spy)
    urls = [f"sqlite:///{tmp_path / f'{n}.sqlite'}" for n in range(workers.MAX_ENGINES + 2)]
    first = engine_for(urls[0])
    for url in urls[1:]:
        engine_for(url)
        engine_for(urls[0])  # used again: the most recent, kept
    assert engine_for(urls[0]) is first
    assert disposed == urls[1:3]  # the two least recently used
    assert len(workers._engines) == workers.MAX_ENGINES
    dispose_engines()
    assert not workers._engines
    assert sorted(disposed) == sorted(urls)
    assert engine_for(urls[0]) is not first  # built anew after disposal


def test_a_forked_child_gets_fresh_pools_and_leaves_the_parents_open(tmp_path: Path) -> None:
    engine = engine_for(f"sqlite:///{tmp_path / 'fork.sqlite'}")
    with engine.connect() as conn:
        conn.exec_driver_sql("SELECT 1")
    parent_pool = engine.pool
    assert parent_pool.checkedin() == 1  # type: ignore[attr-defined]
    workers._after_fork_in_child()  # what os.register_at_fork runs in the child
    assert engine.pool is not parent_pool and engine.pool.checkedin() == 0  # type: ignore[attr-defined]
    # close=False: the parent's pooled connection is left alone, not closed
    assert parent_pool.checkedin() == 1  # type: ignore[attr-defined]
    assert engine_for(str(engine.url)) is engine

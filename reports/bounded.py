"""Render reports in a child process with a wall-clock timeout and a memory limit.

The web worker must never hang or be killed by one pathological report, so the WeasyPrint
step runs in a separate process whose address space is capped with ``setrlimit``; if it runs
past the deadline it is killed.  Either way the caller gets a :class:`ReportRenderError` with
a message fit for the user.

:class:`BoundedRenderer` keeps its child alive between renders so the child's Jinja
environment, font configuration and font caches stay warm (one ``FontConfiguration`` per
process, see :func:`reports.render.font_configuration`); the child is replaced after a
failure and after ``max_renders`` renders.  Children start from a ``forkserver`` that has
already imported WeasyPrint, so a (re)start is cheap and never forks a threaded web process.
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import gc
import multiprocessing
import os
import signal
import sys
import threading
from multiprocessing.connection import Connection
from types import TracebackType
from typing import Any

from assessment.core.model import Questionnaire
from assessment.core.results import Results
from reports.i18n import Translator
from reports.viewmodel import ReportMeta

DEFAULT_TIMEOUT = 120.0
DEFAULT_MEMORY_MB = 2048
DEFAULT_MAX_RENDERS = 100
_MIB = 1024 * 1024
_EXIT_MEMORY = 86
"""Exit status of a child that ran out of memory (it may be unable to say so in a message)."""


class ReportRenderError(RuntimeError):
    """A report could not be rendered; ``reason`` is ``timeout``, ``memory`` or ``failed``."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def _limit_memory(memory_mb: int) -> None:
    import resource

    limit = memory_mb * _MIB
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _release_heap() -> None:
    """Give freed heap pages back to the OS (glibc), so an idle child stays small."""
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to do
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _child_main(conn: Connection, memory_mb: int) -> None:
    """Serve render requests (HTML strings) until told to stop with ``None``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    from reports.render import render_html, warm_up

    _limit_memory(memory_mb)
    try:
        warm_up()  # while the parent is still building the HTML
        while True:
            try:
                html = conn.recv()
            except EOFError:
                return
            if html is None:
                return
            try:
                pdf = render_html(html, collect=False)
            except MemoryError:
                raise
            except Exception as exc:  # reported to the parent, not swallowed
                gc.collect()
                conn.send(("failed", f"{type(exc).__name__}: {exc}"))
                continue
            conn.send(("ok", pdf))
            del pdf, html
            gc.collect()  # after replying: the caller does not wait for it
            _release_heap()
    except MemoryError:
        # The heap may be exhausted: sending a message could fail too, so say it with the
        # exit status, skipping any clean-up that would need memory.
        os._exit(_EXIT_MEMORY)


def _context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["reports.render", "reports.fetcher", "weasyprint"])
        return ctx
    return multiprocessing.get_context("spawn")  # pragma: no cover - not on Linux


class BoundedRenderer:
    """A reusable child process that renders report HTML within time and memory bounds."""

    def __init__(
        self,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        memory_mb: int = DEFAULT_MEMORY_MB,
        max_renders: int = DEFAULT_MAX_RENDERS,
    ) -> None:
        self.timeout = timeout
        self.memory_mb = memory_mb
        self.max_renders = max_renders
        self._ctx = _context()
        self._proc: Any = None
        self._conn: Connection | None = None
        self._renders = 0
        self._lock = threading.Lock()

    def __enter__(self) -> BoundedRenderer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def pid(self) -> int | None:
        """Process id of the current child (None when none is running)."""
        return None if self._proc is None else int(self._proc.pid)

    def _start(self) -> Connection:
        parent, child = self._ctx.Pipe()
        proc = self._ctx.Process(
            target=_child_main, args=(child, self.memory_mb), name="saleshealth-report", daemon=True
        )
        proc.start()
        child.close()
        self._proc, self._conn, self._renders = proc, parent, 0
        return parent  # type: ignore[no-any-return]

    def _stop(self, kill: bool) -> None:
        proc, conn = self._proc, self._conn
        self._proc = self._conn = None
        if proc is None:
            return
        if not kill and conn is not None:
            try:
                conn.send(None)
                proc.join(5)
            except (OSError, EOFError):
                pass
        if proc.is_alive():
            proc.kill()
        proc.join(5)
        if conn is not None:
            conn.close()

    def start(self) -> None:
        """Start the child now instead of on the first render (no-op if it is running)."""
        with self._lock:
            if self._proc is None or not self._proc.is_alive():
                self._stop(kill=True)
                self._start()

    def start_in_background(self) -> threading.Thread:
        """Start the child from a thread, so the caller can build the HTML meanwhile.

        Starting waits for the forkserver to import WeasyPrint and for the child to warm up
        its fonts; a command-line process overlaps that with reading, scoring and building
        the HTML on the machine's other core.  A failed start is retried by the next render.
        """

        def run() -> None:
            with contextlib.suppress(Exception):
                self.start()

        thread = threading.Thread(target=run, name="saleshealth-report-start", daemon=True)
        thread.start()
        return thread

    def close(self) -> None:
        """Stop the child process."""
        with self._lock:
            self._stop(kill=False)

    def render_html(self, html: str) -> bytes:
        """Render report HTML to PDF in the child; raise :class:`ReportRenderError` on failure."""
        with self._lock:
            conn = self._conn if self._proc is not None and self._proc.is_alive() else None
            if conn is None:
                self._stop(kill=True)
                conn = self._start()
            try:
                conn.send(html)
                ready = conn.poll(self.timeout)
                reply = conn.recv() if ready else None
            except (EOFError, OSError, BrokenPipeError):
                reply = ("died", "")
            if reply is None:
                self._stop(kill=True)
                raise ReportRenderError(
                    f"the report took longer than {self.timeout:g} s and was stopped", "timeout"
                )
            status, payload = reply
            if status == "ok":
                self._renders += 1
                if self._renders >= self.max_renders:
                    self._stop(kill=False)
                return payload  # type: ignore[no-any-return]
            proc = self._proc
            if proc is not None and status == "died":
                proc.join(5)
            exitcode = proc.exitcode if proc is not None else None
            self._stop(kill=True)
            if exitcode == _EXIT_MEMORY or (exitcode is not None and exitcode < 0):
                raise ReportRenderError(
                    f"the report ran out of memory (limit {self.memory_mb} MB)", "memory"
                )
            detail = payload or f"the renderer exited with status {exitcode}"
            raise ReportRenderError(f"the report could not be rendered: {detail}", "failed")

    def render(
        self,
        results: Results,
        questionnaire: Questionnaire,
        meta: ReportMeta,
        *,
        translations: Translator | None = None,
    ) -> bytes:
        """Build the HTML here (cheap, no WeasyPrint) and typeset it in the child."""
        from reports.render import build_html

        return self.render_html(build_html(results, questionnaire, meta, translations=translations))


def render_report_bounded(
    results: Results,
    questionnaire: Questionnaire,
    meta: ReportMeta,
    *,
    translations: Translator | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    memory_mb: int = DEFAULT_MEMORY_MB,
) -> bytes:
    """One report in a fresh child process, bounded in time and memory."""
    with BoundedRenderer(timeout=timeout, memory_mb=memory_mb, max_renders=1) as renderer:
        return renderer.render(results, questionnaire, meta, translations=translations)


def render_bounded(
    results: Results,
    questionnaire: Questionnaire,
    meta: ReportMeta,
    *,
    language: str | None = None,
    translations: Translator | None = None,
    timeout_s: float = DEFAULT_TIMEOUT,
    memory_mb: int = DEFAULT_MEMORY_MB,
) -> bytes:
    """:func:`render_report_bounded` with the report language set here (web worker API)."""
    if language and language != meta.language:
        meta = dataclasses.replace(meta, language=language)
    return render_report_bounded(
        results,
        questionnaire,
        meta,
        translations=translations,
        timeout=timeout_s,
        memory_mb=memory_mb,
    )


def render_html_bounded(
    html: str, *, timeout: float = DEFAULT_TIMEOUT, memory_mb: int = DEFAULT_MEMORY_MB
) -> bytes:
    """Report HTML to PDF in a fresh child process, bounded in time and memory."""
    with BoundedRenderer(timeout=timeout, memory_mb=memory_mb, max_renders=1) as renderer:
        return renderer.render_html(html)


if sys.platform == "win32":  # pragma: no cover
    raise ImportError("reports.bounded needs a POSIX system (resource.setrlimit)")

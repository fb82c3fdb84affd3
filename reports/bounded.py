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
import logging
import multiprocessing
import os
import sys
import threading
import time
from multiprocessing.connection import Connection, wait
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal

from reports.child import EXIT_MEMORY, serve
from reports.paging import supported as paging_supported
from reports.parts import ReportParts, halve, split_report, typesetting_cost

if TYPE_CHECKING:
    from assessment.core.model import Questionnaire
    from assessment.core.results import Results
    from reports.i18n import Translator
    from reports.viewmodel import ReportMeta

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 120.0
DEFAULT_MEMORY_MB = 2048
DEFAULT_MAX_RENDERS = 100
DEFAULT_WORKERS = min(2, os.cpu_count() or 1)
DEFAULT_MAX_GROWTH = 0.04
_SETTLING_RENDERS = 3
_FRONT = -1
"""Job number of the cover and contents when the report is typeset in parts."""
_STAND_IN_PAGE = 999
"""Page number shown in the contents while the front is measured (the width does not matter)."""
_MEASURE_SHARE = 0.6
"""Paginating the front to measure it costs about this share of typesetting it (measured on
the standard report: parsing the stylesheet and laying out the pages, without drawing)."""
RenderPath = Literal["parts", "whole", "fallback"]


class ReportRenderError(RuntimeError):
    """A report could not be rendered; ``reason`` is ``timeout``, ``memory`` or ``failed``."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


FORKSERVER_PRELOAD = (
    "reports.gc_pause",  # first: the collector is paused while the others are imported
    "reports.weasy",
    "reports.typeset",
    "reports.fetcher",
    "reports.paging",
    "reports.child",
    "reports.preload",  # last: warms up, freezes the imports' objects, resumes the collector
)
"""What the renderer's forkserver imports, in order, before it forks a rendering process."""


def _context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        # The children need WeasyPrint and the typesetting modules only (not Jinja or
        # pydantic): importing less in the forkserver makes the first render start sooner.
        # ``reports.preload`` then warms the forkserver, so every child starts warm.
        ctx.set_forkserver_preload(list(FORKSERVER_PRELOAD))
        return ctx
    return multiprocessing.get_context("spawn")  # pragma: no cover - not on Linux


class _Child:
    """One rendering process and the parent's end of its pipe."""

    def __init__(self, ctx: Any, memory_mb: int, warm: bool) -> None:
        parent, child = ctx.Pipe()
        self.proc = ctx.Process(
            target=serve,
            args=(child, memory_mb, warm),
            name="saleshealth-report",
            daemon=True,
        )
        self.proc.start()
        child.close()
        self.conn: Connection = parent
        self.renders = 0
        self.settled_mb: float | None = None
        """Resident size once warm (after :data:`_SETTLING_RENDERS` renders)."""

    def resident_mb(self) -> float | None:
        """The child's resident set size now (Linux), or None when it cannot be read."""
        try:
            with open(f"/proc/{self.proc.pid}/status", encoding="ascii") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1]) / 1024
        except (OSError, ValueError):
            return None
        return None

    @property
    def alive(self) -> bool:
        return bool(self.proc.is_alive())

    def send(self, message: object) -> None:
        self.conn.send(message)

    def receive(self, deadline: float) -> tuple[Any, ...] | None:
        """The child's next message; ``("died", "")`` if it is gone, ``None`` at the deadline."""
        try:
            if not self.conn.poll(max(0.0, deadline - time.monotonic())):
                return None
            reply: tuple[Any, ...] = self.conn.recv()
            return reply
        except (EOFError, OSError):
            return ("died", "")

    def stop(self, kill: bool) -> None:
        if not kill:
            with contextlib.suppress(OSError, EOFError, BrokenPipeError):
                self.conn.send(None)
            self.proc.join(5)
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(5)
        self.conn.close()


class BoundedRenderer:
    """Reusable child processes that render report HTML within time and memory bounds.

    With ``workers`` ≥ 2 (the default on a machine with two or more cores) a report is cut
    into parts (:mod:`reports.parts`): two children typeset the two halves of its body at
    the same time, each numbering its pages once both are paginated
    (:mod:`reports.paging`), then one of them typesets the cover and contents with the
    sections' page numbers, and the parent merges the three PDFs (:mod:`reports.merge`).
    The result is page for page the document one child would typeset.  Documents without
    part marks, and WeasyPrint versions the numbering hook does not know, are typeset whole.
    """

    def __init__(
        self,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        memory_mb: int = DEFAULT_MEMORY_MB,
        max_renders: int = DEFAULT_MAX_RENDERS,
        workers: int | None = None,
        max_growth: float = DEFAULT_MAX_GROWTH,
    ) -> None:
        self.timeout = timeout
        self.memory_mb = memory_mb
        self.max_renders = max_renders
        self.max_growth = max_growth
        self.replaced_for_growth = 0
        """Children replaced because they grew (see :meth:`_replace_grown_children`)."""
        self.workers = max(1, DEFAULT_WORKERS if workers is None else workers)
        self._ctx = _context()
        self._children: list[_Child | None] = [None] * self.workers
        self._renders = 0
        self._lock = threading.Lock()
        self.last_timings: dict[str, float] = {}
        """Seconds from the start of the last render in parts to each of its steps."""
        self.last_path: RenderPath = "whole"
        """How the last report was typeset: in ``parts`` on two children; ``whole`` in one
        child (one worker, a document without part marks, or a WeasyPrint version the
        numbering hook does not know); or ``fallback``: planned in parts but typeset whole
        because a check failed (:attr:`last_fallback` says which; it is logged too)."""
        self.last_fallback = ""

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
        """Process id of the first child (None when none is running)."""
        child = self._children[0]
        return None if child is None else int(child.proc.pid)

    @property
    def pids(self) -> list[int]:
        """Process ids of the running children."""
        return [int(child.proc.pid) for child in self._children if child is not None]

    def _child(self, index: int, warm: bool | None = None) -> _Child:
        child = self._children[index]
        if child is None or not child.alive:
            if child is not None:
                child.stop(kill=True)
            # A one-shot renderer (the command line) has nothing to overlap a warm-up with.
            warm = self.max_renders > 1 if warm is None else warm
            child = _Child(self._ctx, self.memory_mb, warm=warm)
            self._children[index] = child
        return child

    def _replace_grown_children(self) -> None:
        """Replace a child whose idle size grew ``max_growth`` above its settled size.

        CPython never gives a touched pymalloc pool back to the system, so a process that
        typesets report after report slowly gets more of its arenas resident although its
        live objects stay the same (measured on the standard report: 87 pymalloc arenas
        after the 5th and after the 10th render, the same number of Python objects after
        the 5th and the 15th, while the resident size kept rising).  Like Celery's
        ``max_memory_per_child``, a grown child is replaced: the new one forks from the
        forkserver (milliseconds) and starts cold, about 0.1 s slower on its first render.
        Checked before a render, when the children have collected their garbage.
        """
        for index, child in enumerate(self._children):
            if child is None or not child.alive:
                continue
            size = child.resident_mb()
            if size is None:
                continue
            if child.settled_mb is None:
                if child.renders >= _SETTLING_RENDERS:
                    child.settled_mb = size
            elif size > child.settled_mb * (1 + self.max_growth):
                child.stop(kill=True)
                self._children[index] = None
                self._child(index, warm=False)
                self.replaced_for_growth += 1

    def _stop_all(self, kill: bool) -> None:
        children, self._children = self._children, [None] * self.workers
        self._renders = 0
        for child in children:
            if child is not None:
                child.stop(kill)

    def start(self) -> None:
        """Start the children now instead of on the first render (no-op if running)."""
        with self._lock:
            for index in range(self.workers):
                self._child(index)

    def start_in_background(self) -> threading.Thread:
        """Start the children from a thread, so the caller can build the HTML meanwhile.

        Starting waits for the forkserver to import WeasyPrint; a command-line process
        overlaps that with reading, scoring and building the HTML on another core.  A
        failed start is retried by the next render.
        """

        def run() -> None:
            with contextlib.suppress(Exception):
                self.start()

        thread = threading.Thread(target=run, name="saleshealth-report-start", daemon=True)
        thread.start()
        return thread

    def close(self) -> None:
        """Stop the child processes (they hold nothing that needs a clean shutdown)."""
        with self._lock:
            self._stop_all(kill=True)

    def render_html(self, html: str) -> bytes:
        """Render report HTML to PDF; raise :class:`ReportRenderError` on failure."""
        with self._lock:
            self._replace_grown_children()
            deadline = time.monotonic() + self.timeout
            try:
                pdf = None
                self.last_path, self.last_fallback = "whole", ""
                parts = split_report(html) if self.workers >= 2 and paging_supported() else None
                if parts is not None:
                    pdf = self._render_parts(parts, deadline)
                if pdf is None:
                    pdf = self._render_whole(html, deadline)
                elif parts is not None:
                    self.last_path = "parts"
            except BaseException:
                self._stop_all(kill=True)
                raise
            self._renders += 1
            for child in self._children:
                if child is not None:
                    child.renders += 1
            if self._renders >= self.max_renders:
                self._stop_all(kill=True)
            return pdf

    def _timed_out(self) -> ReportRenderError:
        return ReportRenderError(
            f"the report took longer than {self.timeout:g} s and was stopped", "timeout"
        )

    def _expect(self, child: _Child, kind: str, deadline: float) -> tuple[Any, ...]:
        reply = child.receive(deadline)
        if reply is None:
            raise self._timed_out()
        if reply[0] == kind:
            return reply
        if reply[0] == "died":
            child.proc.join(5)
        exitcode = child.proc.exitcode
        if exitcode == EXIT_MEMORY or (exitcode is not None and exitcode < 0):
            raise ReportRenderError(
                f"the report ran out of memory (limit {self.memory_mb} MB)", "memory"
            )
        detail = reply[1] if reply[0] == "failed" else ""
        detail = detail or f"the renderer exited with status {exitcode}"
        raise ReportRenderError(f"the report could not be rendered: {detail}", "failed")

    def _render_whole(self, html: str, deadline: float) -> bytes:
        child = self._child(0)
        child.send((html, None))
        pdf: bytes = self._expect(child, "ok", deadline)[1]
        return pdf

    def _measure_front(self, child: _Child, parts: ReportParts, deadline: float) -> int:
        """The number of pages of the cover and contents, paginated by ``child``.

        The contents' page numbers sit in a space of their own at the right of each entry
        (``report.css``), so any stand-in numbers give the same pages as the real ones.
        The child paginates only: nothing is drawn.
        """
        stand_in = dict.fromkeys(parts.links(), _STAND_IN_PAGE)
        child.send((parts.front_document(stand_in).html, "measure"))
        pages: int = self._expect(child, "measured", deadline)[1]
        return pages

    def _render_parts(self, parts: ReportParts, deadline: float) -> bytes | None:
        """Typeset ``parts`` on two children and merge them; ``None`` to typeset it whole.

        The first child measures the front (cover and contents) before its half of the
        body, so that both halves are numbered from the front's real length; the cut
        between the halves gives it correspondingly less of the body.
        """
        costs = [typesetting_cost(part) for part in parts.body]
        if len(costs) < 2:
            return None  # nothing to share between two children
        cut = halve(costs, extra_first=round(typesetting_cost(parts.front) * _MEASURE_SHARE))
        first, second = parts.document(0, cut), parts.document(cut, len(costs))
        one, two = self._child(0), self._child(1)
        started = time.monotonic()
        timings = self.last_timings = {}

        def mark(event: str) -> None:
            timings[event] = round(time.monotonic() - started, 3)

        two.send((second.html, "ask"))
        front_pages = self._measure_front(one, parts, deadline)
        mark("front measured")
        one.send((first.html, "ask"))
        from reports.merge import merge_parts  # imported while the children work

        _, pages_one, anchors_one = self._expect(one, "paginated", deadline)
        mark("first half paginated")
        _, pages_two, anchors_two = self._expect(two, "paginated", deadline)
        mark("second half paginated")
        total = front_pages + pages_one + pages_two
        one.send(("numbering", front_pages + 1, total))
        two.send(("numbering", front_pages + pages_one + 1, total))
        pages: dict[str, int] = {}
        for anchors, start, doc in (
            (anchors_one, front_pages + 1, first),
            (anchors_two, front_pages + pages_one + 1, second),
        ):
            real = {name: index for name, index in anchors.items() if name not in doc.stand_ins}
            pages.update({name: start + index for name, index in real.items()})
        fault = ""
        try:
            front = parts.front_document(pages)
        except KeyError as exc:
            fault, front = str(exc.args[0]), None
        # Each child answers with its half; the first to finish typesets the front.
        halves: dict[int, bytes] = {}
        pdf_front: bytes | None = None
        busy: dict[Connection, tuple[_Child, int]] = {one.conn: (one, 0), two.conn: (two, 1)}
        while busy:
            ready = wait(list(busy), max(0.0, deadline - time.monotonic()))
            if not ready:
                raise self._timed_out()
            for conn in ready:
                child, job = busy.pop(conn)  # type: ignore[call-overload]
                pdf = self._expect(child, "ok", deadline)[1]
                if job == _FRONT:
                    pdf_front = pdf
                    mark("front typeset")
                    continue
                halves[job] = pdf
                mark(f"{('first', 'second')[job]} half typeset")
                if front is not None and pdf_front is None and len(halves) == 1:
                    child.send((front.html, (1, total)))
                    busy[child.conn] = (child, _FRONT)
        if front is None or pdf_front is None:
            self._fall_back(fault)
            return None
        pdf_one, pdf_two = halves[0], halves[1]
        merged = merge_parts(pdf_front, [pdf_one, pdf_two], [first.stand_ins, second.stand_ins])
        mark("merged")
        misplaced = [name for name in parts.links() if merged.destinations.get(name) != pages[name]]
        if merged.pages != total or misplaced:
            self._fall_back(
                f"the parts gave {merged.pages} pages for {total} expected, contents entries "
                f"off: {', '.join(misplaced) or 'none'}"
            )
            return None
        return merged.pdf

    def _fall_back(self, reason: str) -> None:
        """Log why a report planned in parts is typeset whole, and remember it."""
        log.warning("report typeset whole: %s", reason)
        self.last_path, self.last_fallback = "fallback", reason

    def render(
        self,
        results: Results,
        questionnaire: Questionnaire,
        meta: ReportMeta,
        *,
        translations: Translator | None = None,
    ) -> bytes:
        """Build the HTML here (cheap, no WeasyPrint) and typeset it in the children."""
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


def render_html_bounded(
    html: str, *, timeout: float = DEFAULT_TIMEOUT, memory_mb: int = DEFAULT_MEMORY_MB
) -> bytes:
    """Report HTML to PDF in a fresh child process, bounded in time and memory."""
    with BoundedRenderer(timeout=timeout, memory_mb=memory_mb, max_renders=1) as renderer:
        return renderer.render_html(html)


if sys.platform == "win32":  # pragma: no cover
    raise ImportError("reports.bounded needs a POSIX system (resource.setrlimit)")

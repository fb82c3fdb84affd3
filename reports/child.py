"""The rendering process of :mod:`reports.bounded`: typeset what the parent sends.

Runs in a child started from the renderer's forkserver, under an address-space limit.  It
imports WeasyPrint (through :mod:`reports.typeset`) but nothing of the view-model, so the
forkserver stays small.
"""

from __future__ import annotations

import gc
import os
import signal
from multiprocessing.connection import Connection
from typing import Any

_MIB = 1024 * 1024
EXIT_MEMORY = 86
"""Exit status of a child that ran out of memory (it may be unable to send a message)."""


def _limit_memory(memory_mb: int) -> None:
    import resource

    limit = memory_mb * _MIB
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


class _Abandoned(Exception):
    """The parent gave up on the part being typeset (another part failed)."""


class _Measured(Exception):
    """The document was paginated only to count its pages; it is not drawn."""


def _numbering_for(conn: Connection, spec: object) -> Any:
    """The page-numbering callback a render message asks for (see :mod:`reports.paging`)."""
    if spec is None:
        return None
    if spec == "measure":

        def measure(paginated: Any) -> tuple[int, int]:
            conn.send(("measured", paginated.pages))
            raise _Measured

        return measure
    if spec == "ask":

        def ask(paginated: Any) -> tuple[int, int]:
            conn.send(("paginated", paginated.pages, paginated.anchors))
            reply = conn.recv()
            if not (isinstance(reply, tuple) and reply[0] == "numbering"):
                raise _Abandoned
            return int(reply[1]), int(reply[2])

        return ask
    fixed = (int(spec[0]), int(spec[1]))  # type: ignore[index]
    return lambda _paginated: fixed


def serve(conn: Connection, memory_mb: int, warm: bool) -> None:
    """Serve render requests until told to stop with ``None``.

    A request is ``(html, numbering)``: ``numbering`` is ``None`` for a whole document,
    ``"ask"`` for a part whose page numbers the parent decides once the part is paginated
    (the child sends ``("paginated", pages, anchors)`` and waits for ``("numbering",
    first, total)``), a fixed ``(first, total)``, or ``"measure"`` to paginate the
    document, answer ``("measured", pages)`` and draw nothing.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    gc.enable()  # paused in the forkserver while it imported (reports.gc_pause)
    from reports.typeset import release_heap, render_html, warm_up

    _limit_memory(memory_mb)
    try:
        if warm:
            warm_up()  # while the parent is still building the HTML
        while True:
            try:
                request = conn.recv()
            except EOFError:
                return
            if request is None:
                return
            html, spec = request
            try:
                pdf = render_html(html, collect=False, numbering=_numbering_for(conn, spec))
            except _Abandoned:
                return
            except _Measured:
                continue
            except MemoryError:
                raise
            except Exception as exc:  # reported to the parent, not swallowed
                gc.collect()
                conn.send(("failed", f"{type(exc).__name__}: {exc}"))
                continue
            conn.send(("ok", pdf))
            del pdf, html, request
            if not conn.poll(0):  # collect while idle, not while more work waits
                gc.collect()
                release_heap()
    except MemoryError:
        # The heap may be exhausted: sending a message could fail too, so say it with the
        # exit status, skipping any clean-up that would need memory.
        os._exit(EXIT_MEMORY)

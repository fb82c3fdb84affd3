"""Ending a one-shot command's process without the interpreter's teardown.

When a Python process exits normally, the interpreter runs the ``atexit`` handlers and then
tears itself down: it collects garbage and frees every module and object one by one.  A
``saleshealth report`` process holds numpy, scipy, pydantic's models, WeasyPrint and the
multiprocessing machinery, and that teardown takes about 0.1 s (measured with
``bench/bench_report.py`` and a timestamp after the last ``atexit`` handler), for memory the
operating system reclaims anyway when the process ends.

A command that has finished its work asks for the quick way out with :func:`request`; the
console entry point (:func:`run_console`) then runs every ``atexit`` handler (logging's
shutdown, multiprocessing's clean-up of its children, ``weakref.finalize`` callbacks,
temporary files), flushes standard output and error, and ends the process with
``os._exit``.  It does not when a non-daemon thread is still running (the interpreter would
wait for it) or when the command was not run from the console entry point (tests call the
command group in-process with click's runner, where nothing changes).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
import threading
from collections.abc import Callable

_requested = False


def request() -> None:
    """Ask :func:`run_console` to end the process without the interpreter's teardown."""
    global _requested
    _requested = True


def requested() -> bool:
    """Whether the running command asked for the quick way out."""
    return _requested


def _other_threads_running() -> bool:
    main = threading.main_thread()
    return any(t is not main and t.is_alive() and not t.daemon for t in threading.enumerate())


def _status(code: object) -> int:
    """The exit status ``sys.exit(code)`` would give, printing a message code to stderr."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    with contextlib.suppress(Exception):
        print(code, file=sys.stderr)
    return 1


def end_now(code: object) -> None:
    """Run the ``atexit`` handlers, flush the standard streams and end the process.

    Falls back to a normal exit (``SystemExit``) while a non-daemon thread is running.
    """
    if _other_threads_running():
        raise SystemExit(code)
    status = _status(code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(status)


def run_console(main: Callable[[], object]) -> None:
    """Run a click command group as the console script does, ending quickly when asked."""
    try:
        main()
    except SystemExit as exc:
        if _requested:
            end_now(exc.code)
        raise

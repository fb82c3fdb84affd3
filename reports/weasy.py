"""Import WeasyPrint without starting twenty helper processes.

WeasyPrint looks for Pango, HarfBuzz, fontconfig and GObject under several names, one per
platform (``libpango-1.0-0``, ``pango-1.0-0``, ``pango-1.0``…).  For every name that is not
a file, cffi asks ``ctypes.util.find_library``, which on Linux runs ``ldconfig -p`` and, on
a miss, ``gcc`` and ``ld``: about twenty child processes, half of WeasyPrint's 0.5 s import
on the development machine.  :func:`import_weasyprint` answers those questions from one
``ldconfig -p`` listing — the first thing ``find_library`` consults — while WeasyPrint is
imported, then puts the standard function back.  Measured: ``import weasyprint`` 0.53 s →
0.26 s, which is on the critical path of ``saleshealth report`` (the renderer's processes
cannot start typesetting before it).

The listing answers exactly as ``find_library``'s ldconfig step does; names it does not know
get no answer (the standard function would then try ``gcc`` and ``ld``, which can only find
more when ``LD_LIBRARY_PATH`` points elsewhere — in that case, and off Linux, nothing is
changed).  Importing this module imports WeasyPrint (the renderer's forkserver preloads it).
"""

from __future__ import annotations

import ctypes.util
import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable

_lock = threading.Lock()
_ABI = {"x86_64": "libc6,x86-64", "aarch64": "libc6,AArch64", "ppc64le": "libc6,64bit"}


def _listing_lookup() -> Callable[[str], str | None] | None:
    """``find_library`` from one ``ldconfig -p`` listing, or None where that is not safe."""
    if not sys.platform.startswith("linux") or os.environ.get("LD_LIBRARY_PATH"):
        return None
    abi = _ABI.get(os.uname().machine)
    if abi is None:
        return None
    try:
        listing = subprocess.run(
            ["/sbin/ldconfig", "-p"],
            stdin=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            env={"LC_ALL": "C", "LANG": "C"},
            check=True,
            timeout=10,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None

    def find(name: str) -> str | None:
        pattern = rf"\s+(lib{re.escape(name)}\.[^\s]+)\s+\({re.escape(abi)}"
        match = re.search(os.fsencode(pattern), listing)
        return os.fsdecode(match.group(1)) if match else None

    return find


def import_weasyprint() -> None:
    """Import WeasyPrint (a no-op when it already is), finding its libraries quickly."""
    if "weasyprint" in sys.modules:
        return
    with _lock:
        if "weasyprint" in sys.modules:
            return
        lookup = _listing_lookup()
        original = ctypes.util.find_library
        if lookup is not None:
            ctypes.util.find_library = lookup  # type: ignore[assignment]
        try:
            import weasyprint  # noqa: F401
        finally:
            ctypes.util.find_library = original


import_weasyprint()

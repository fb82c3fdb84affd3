"""Imported by the renderer's forkserver (:mod:`reports.bounded`), after WeasyPrint.

Typesets one small page with the report stylesheet, so that every child forked from the
forkserver starts warm: fonts loaded and the report stylesheet parsed
(:mod:`reports.css_cache`), instead of each child paying for it on its first report.  On
the command line this runs while the parent reads and scores the answers on the other core.
The forkserver stays single-threaded, so forking it after the warm-up is safe.
"""

from __future__ import annotations

from reports.typeset import warm_up

warm_up()

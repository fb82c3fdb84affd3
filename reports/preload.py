"""Imported by the renderer's forkserver (:mod:`reports.bounded`), after WeasyPrint.

Typesets one small page with the report stylesheet, so that every child forked from the
forkserver starts warm: fonts loaded and the report stylesheet parsed
(:mod:`reports.css_cache`), instead of each child paying for it on its first report.  On
the command line this runs while the parent reads and scores the answers on the other core.
The forkserver stays single-threaded, so forking it after the warm-up is safe.

The collector was paused for the imports (:mod:`reports.gc_pause`); the objects they made are
then frozen (moved out of the collector's sight, so the children's collections do not walk
them and do not write to the pages they share with the forkserver) and collection resumes.
"""

from __future__ import annotations

import gc

from reports.typeset import warm_up

warm_up()
gc.freeze()
gc.enable()

"""Imported first by the renderer's forkserver (:mod:`reports.bounded`): pause the cyclic GC.

The forkserver imports WeasyPrint and warms up (:mod:`reports.preload`) before it forks the
rendering processes.  Those imports create hundreds of thousands of long-lived objects and
almost no garbage, yet the collector would walk them again and again while they are being
made: with it paused, ``import weasyprint`` takes about 16 % less time (0.50 → 0.42 s,
measured in a fresh interpreter).  :mod:`reports.preload` freezes what the imports made and
starts the collector again before the first fork — the pattern the :func:`gc.freeze`
documentation gives for a process that forks without exec.
"""

from __future__ import annotations

import gc

gc.disable()

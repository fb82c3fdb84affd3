"""The size of the prize: what closing the biggest gaps is worth, as ranges, never invented.

Pure.  Every lever is computed only from the client's own figures — the organization
profile the consultant entered, KPI values (an organization fact, CRM evidence or the
respondents' median) and the target the questionnaire's bands give — and carries its
formula, its inputs with their sources, and a low–high range.  A lever whose inputs are
missing is not estimated: it is returned as :class:`Omitted` naming the missing inputs.
The formulas (``docs/report.md``, "Size of the prize"):

**Turnover.**  Leavers avoided per year ``L = H · (t₀ − t₁) / 100`` with ``H`` the sales
headcount, ``t₀`` the annual turnover (%) and ``t₁`` its target.  Revenue a leaver costs
while the replacement ramps up: with a linear ramp over ``R`` months a new seller loses
``R/2`` months of a full seller's revenue; the vacancy before the replacement starts is not
known, so the range runs from ``R/2`` (no vacancy) to ``R`` months (a vacancy as long as
half the ramp).  Monthly revenue per seller ``m = T / H / 12`` (``T`` the annual revenue
target).  Range: ``L · m · R/2`` … ``L · m · R``.  Recruiting fees and managers' time are
left out (not known), so the range is a floor.

**Win rate.**  On the open pipeline ``P`` (CRM evidence, or the organization fact), raising
the win rate from ``w₀`` to ``w₁`` (percentage points) adds ``P · (w₁ − w₀) / 100`` of won
business if the whole gain is reached, half of it if only half is: range
``P · (w₁ − w₀) / 200`` … ``P · (w₁ − w₀) / 100``.

**Selling time.**  Raising the share of time sellers spend selling from ``s₀`` to ``s₁`` (%)
adds ``(s₁ − s₀) / s₀`` of selling capacity.  Revenue proportional to selling time is an
upper bound; half of it the lower: range ``T · (s₁ − s₀) / (2·s₀)`` … ``T · (s₁ − s₀) / s₀``.

A target is used only when it is better than the current value; a lever already at its
target is omitted with that reason.
"""

from __future__ import annotations

from dataclasses import dataclass

TURNOVER = "turnover"
WIN_RATE = "win_rate"
SELLING_TIME = "selling_time"
LEVERS = (TURNOVER, WIN_RATE, SELLING_TIME)

# Reasons a lever is omitted (codes; callers translate them).
MISSING = "missing"
"""Some inputs are unknown (``Omitted.missing`` names them)."""
AT_TARGET = "at_target"
"""The current value already meets the target."""


@dataclass(frozen=True)
class Figure:
    """One input: its value, its unit and where it comes from.

    ``source`` is ``profile`` (entered by the consultant in the organization profile),
    ``fact`` (an organization fact), ``crm`` (CRM evidence), ``answers`` (the respondents'
    median) or ``band`` (the next better band of the questionnaire, with its source kind in
    ``reference``).
    """

    value: float
    unit: str
    source: str
    reference: str = ""


@dataclass(frozen=True)
class Inputs:
    """What the prize can use; every field may be unknown (None)."""

    headcount: Figure | None = None
    revenue_target: Figure | None = None
    ramp_months: Figure | None = None
    turnover: Figure | None = None
    turnover_target: Figure | None = None
    win_rate: Figure | None = None
    win_rate_target: Figure | None = None
    open_pipeline: Figure | None = None
    selling_time: Figure | None = None
    selling_time_target: Figure | None = None
    currency: str = ""


@dataclass(frozen=True)
class Lever:
    """One estimated lever: a low–high range in the currency, its formula and inputs."""

    id: str
    low: float
    high: float
    formula: str
    """The formula with symbols (see the module docstring); callers may translate labels."""
    inputs: tuple[tuple[str, Figure], ...]
    """(symbol, figure) pairs the formula uses."""
    currency: str


@dataclass(frozen=True)
class Omitted:
    """A lever that is not estimated, and why."""

    id: str
    reason: str
    missing: tuple[str, ...] = ()
    """Names of the unknown inputs (fields of :class:`Inputs`)."""


@dataclass(frozen=True)
class Prize:
    """All levers: the estimated ones and the omitted ones, and their total range."""

    levers: tuple[Lever, ...]
    omitted: tuple[Omitted, ...]
    currency: str

    @property
    def low(self) -> float:
        """Sum of the levers' low ends."""
        return sum(lv.low for lv in self.levers)

    @property
    def high(self) -> float:
        """Sum of the levers' high ends."""
        return sum(lv.high for lv in self.levers)


def _missing(inputs: Inputs, *names: str) -> tuple[str, ...]:
    return tuple(n for n in names if getattr(inputs, n) is None)


def _turnover(i: Inputs) -> Lever | Omitted:
    missing = _missing(
        i, "headcount", "revenue_target", "ramp_months", "turnover", "turnover_target"
    )
    if missing:
        return Omitted(TURNOVER, MISSING, missing)
    assert i.headcount and i.revenue_target and i.ramp_months and i.turnover and i.turnover_target
    h, t, r = i.headcount.value, i.revenue_target.value, i.ramp_months.value
    t0, t1 = i.turnover.value, i.turnover_target.value
    if t1 >= t0 or h <= 0:
        return Omitted(TURNOVER, AT_TARGET)
    leavers = h * (t0 - t1) / 100.0
    monthly = t / h / 12.0
    return Lever(
        TURNOVER,
        low=leavers * monthly * r / 2.0,
        high=leavers * monthly * r,
        formula="H · (t₀ − t₁)/100 · T/(12·H) · [R/2 … R]",
        inputs=(
            ("H", i.headcount),
            ("T", i.revenue_target),
            ("R", i.ramp_months),
            ("t₀", i.turnover),
            ("t₁", i.turnover_target),
        ),
        currency=i.currency,
    )


def _win_rate(i: Inputs) -> Lever | Omitted:
    missing = _missing(i, "open_pipeline", "win_rate", "win_rate_target")
    if missing:
        return Omitted(WIN_RATE, MISSING, missing)
    assert i.open_pipeline and i.win_rate and i.win_rate_target
    w0, w1, p = i.win_rate.value, i.win_rate_target.value, i.open_pipeline.value
    if w1 <= w0:
        return Omitted(WIN_RATE, AT_TARGET)
    gain = p * (w1 - w0) / 100.0
    return Lever(
        WIN_RATE,
        low=gain / 2.0,
        high=gain,
        formula="P · (w₁ − w₀)/100 · [½ … 1]",
        inputs=(("P", i.open_pipeline), ("w₀", i.win_rate), ("w₁", i.win_rate_target)),
        currency=i.currency,
    )


def _selling_time(i: Inputs) -> Lever | Omitted:
    missing = _missing(i, "revenue_target", "selling_time", "selling_time_target")
    if missing:
        return Omitted(SELLING_TIME, MISSING, missing)
    assert i.revenue_target and i.selling_time and i.selling_time_target
    s0, s1, t = i.selling_time.value, i.selling_time_target.value, i.revenue_target.value
    if s1 <= s0 or s0 <= 0:
        return Omitted(SELLING_TIME, AT_TARGET)
    gain = t * (s1 - s0) / s0
    return Lever(
        SELLING_TIME,
        low=gain / 2.0,
        high=gain,
        formula="T · (s₁ − s₀)/s₀ · [½ … 1]",
        inputs=(("T", i.revenue_target), ("s₀", i.selling_time), ("s₁", i.selling_time_target)),
        currency=i.currency,
    )


def size_of_the_prize(inputs: Inputs) -> Prize:
    """Estimate every lever the inputs allow; omit the others with the reason."""
    levers: list[Lever] = []
    omitted: list[Omitted] = []
    for result in (_turnover(inputs), _win_rate(inputs), _selling_time(inputs)):
        if isinstance(result, Lever):
            levers.append(result)
        else:
            omitted.append(result)
    return Prize(tuple(levers), tuple(omitted), inputs.currency)

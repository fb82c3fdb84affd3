"""The organization profile: what a consultant records once about the assessed organization.

Business type, sales headcount and managers, the annual revenue target, the average deal
size and the typical sales cycle.  The profile is not scored; recommendation conditions can
read it (``profile(business_type) == distributor``, ``profile(sales_headcount) < 5``) and
recommendation evidence can cite it (``{profile:avg_deal_size}``), and the report reads it
to size what an improvement is worth.  The fields are fixed here, in code, so conditions in
any questionnaire can be checked against them when it loads.

Pure: the service stores a profile per assessment; this module defines the fields, checks
typed values and converts to and from plain data.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

from assessment.core.errors import CodedError
from assessment.core.i18n import N_


class FieldKind(StrEnum):
    """What kind of value a profile field holds."""

    CHOICE = "choice"
    """One of a fixed list of values."""
    COUNT = "count"
    """A whole number (people, days)."""
    AMOUNT = "amount"
    """Money in the profile's currency."""


@dataclass(frozen=True, slots=True)
class ProfileField:
    """One field of the organization profile."""

    id: str
    kind: FieldKind
    label: str
    """The English label, marked with :func:`N_`; the edges translate it."""
    choices: tuple[str, ...] = ()
    maximum: float = 0.0
    """The largest value accepted (counts and amounts)."""
    minimum: float = 0.0


BUSINESS_TYPES: tuple[str, ...] = ("manufacturer", "distributor", "services", "software", "other")
BUSINESS_TYPE_LABELS: Mapping[str, str] = {
    "manufacturer": N_("Manufacturer"),
    "distributor": N_("Distributor or trading company"),
    "services": N_("Services"),
    "software": N_("Software"),
    "other": N_("Other"),
}

FIELDS: tuple[ProfileField, ...] = (
    ProfileField("business_type", FieldKind.CHOICE, N_("Business type"), BUSINESS_TYPES),
    ProfileField("sales_headcount", FieldKind.COUNT, N_("People in sales"), maximum=1_000_000),
    ProfileField("sales_managers", FieldKind.COUNT, N_("Sales managers"), maximum=100_000),
    ProfileField("revenue_target", FieldKind.AMOUNT, N_("Annual revenue target"), maximum=1e13),
    ProfileField("avg_deal_size", FieldKind.AMOUNT, N_("Average deal size"), maximum=1e12),
    ProfileField(
        "sales_cycle_days",
        FieldKind.COUNT,
        N_("Typical sales cycle (days)"),
        minimum=1,
        maximum=3650,
    ),
)
"""The profile's fields, in the order a form shows them."""

FIELD_BY_ID: Mapping[str, ProfileField] = {f.id: f for f in FIELDS}
CURRENCY = re.compile(r"^[A-Z]{3}$")


class ProfileError(CodedError, ValueError):
    """A profile value that breaks a rule; ``field`` names the field."""

    def __init__(self, code: str, /, *, field: str, **params: Any) -> None:
        super().__init__(code, **params)
        self.field = field


@dataclass(frozen=True, slots=True)
class OrganizationProfile:
    """The profile of one assessment's organization; None where it was not filled in."""

    business_type: str | None = None
    sales_headcount: int | None = None
    sales_managers: int | None = None
    revenue_target: float | None = None
    avg_deal_size: float | None = None
    sales_cycle_days: int | None = None
    currency: str | None = None
    """ISO 4217 code of the amounts (``revenue_target``, ``avg_deal_size``)."""

    def value(self, field_id: str) -> float | str | None:
        """The value of a field for a condition: text for a choice, else a number; None
        when the field is unknown or not filled in."""
        if field_id not in FIELD_BY_ID:
            return None
        value: float | str | None = getattr(self, field_id)
        return value

    @property
    def empty(self) -> bool:
        """Whether nothing is filled in."""
        return all(getattr(self, f.id) is None for f in FIELDS)

    def to_dict(self) -> dict[str, Any]:
        """Plain data: every field and ``currency`` (None where not filled in)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> OrganizationProfile:
        """From :meth:`to_dict` output or any mapping of checked values (unknown keys ignored)."""
        data = data or {}
        return parse_profile({k: data.get(k) for k in (*FIELD_BY_ID, "currency")})


def _number(field: ProfileField, raw: object) -> float | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raise ProfileError("profile.not_a_number", field=field.id, value=str(raw))
    if isinstance(raw, int | float):
        x = float(raw)
    else:
        text = str(raw).strip().replace("\u00a0", "").replace(" ", "")
        if "," in text and "." not in text and re.fullmatch(r"-?\d+,\d{1,2}", text):
            text = text.replace(",", ".")  # a decimal comma
        try:
            x = float(text)
        except ValueError:
            raise ProfileError("profile.not_a_number", field=field.id, value=str(raw)) from None
    if not math.isfinite(x):
        raise ProfileError("profile.not_a_number", field=field.id, value=str(raw))
    if not field.minimum <= x <= field.maximum:
        raise ProfileError(
            "profile.out_of_range",
            field=field.id,
            value=x,
            min=float(field.minimum),
            max=float(field.maximum),
        )
    if field.kind is FieldKind.COUNT and not x.is_integer():
        raise ProfileError("profile.whole_number", field=field.id, value=x)
    return x


def parse_profile(raw: Mapping[str, object]) -> OrganizationProfile:
    """A checked profile from raw values (text from a form, or numbers); empty = not filled.

    Counts must be whole numbers, amounts non-negative, the business type one of
    :data:`BUSINESS_TYPES` and the currency a three-letter code.  Raises
    :class:`ProfileError` naming the first field that breaks a rule.
    """
    unknown = sorted(set(raw) - set(FIELD_BY_ID) - {"currency"})
    if unknown:
        raise ProfileError("profile.unknown_field", field=unknown[0], name=unknown[0])
    values: dict[str, Any] = {}
    for field in FIELDS:
        item = raw.get(field.id)
        if field.kind is FieldKind.CHOICE:
            text = "" if item is None else str(item).strip()
            if text and text not in field.choices:
                raise ProfileError(
                    "profile.not_a_choice", field=field.id, value=text, choices=list(field.choices)
                )
            values[field.id] = text or None
            continue
        x = _number(field, item)
        values[field.id] = None if x is None else (int(x) if field.kind is FieldKind.COUNT else x)
    currency = raw.get("currency")
    code = "" if currency is None else str(currency).strip().upper()
    if code and not CURRENCY.match(code):
        raise ProfileError("profile.currency", field="currency", currency=str(currency))
    values["currency"] = code or None
    return OrganizationProfile(**values)


def condition_problem(field_id: str, compared: float | str | tuple[str, ...] | None) -> str | None:
    """Why ``profile(field_id)`` cannot be compared with ``compared`` (None: it can).

    ``compared`` is the number or name of a comparison, or the names of an ``in [...]``
    test.  A choice field compares with its choices, a numeric field with numbers.
    """
    field = FIELD_BY_ID.get(field_id)
    if field is None:
        return f"unknown profile field {field_id!r} (known: {', '.join(FIELD_BY_ID)})"
    names = compared if isinstance(compared, tuple) else None
    if isinstance(compared, str):
        names = (compared,)
    if field.kind is FieldKind.CHOICE:
        if names is None:
            return f"profile({field_id}) is one of {', '.join(field.choices)}, not a number"
        wrong = [n for n in names if n not in field.choices]
        if wrong:
            return (
                f"profile({field_id}) has no value {wrong[0]!r} "
                f"(values: {', '.join(field.choices)})"
            )
        return None
    if names is not None:
        return f"profile({field_id}) is a number; compare it with a number"
    return None

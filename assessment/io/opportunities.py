"""Read CRM opportunity exports (CSV or XLSX) into :class:`~assessment.core.crm.Opportunity`.

Columns are found by a mapping file (``MAP.yaml``: our field → the export's header) or
recognised from the header names common CRMs use (Salesforce, HubSpot, Pipedrive, Microsoft
Dynamics, Zoho; English, Polish, Russian, Chinese, Romanian).  Dates may be ISO or common
local formats; amounts may carry thousands separators, decimal commas and currency signs.
Every row is checked and every problem is reported with file, row and column before anything
is computed.  The formats are described in ``docs/crm.md``.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from assessment.core import safe_yaml
from assessment.core.crm import Opportunity, Status, canonical_stage
from assessment.core.errors import InvalidValue
from assessment.io.answers_csv import at, at_row
from assessment.messages import Message

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000
MAX_UNZIPPED = 200 * 1024 * 1024
MAX_PROBLEMS_SHOWN = 500
MAX_MAPPING_BYTES = 64 * 1024

FIELDS = (
    "id",
    "owner",
    "stage",
    "amount",
    "currency",
    "created",
    "close_date",
    "status",
    "lost_reason",
    "stage_changed",
    "forecast_category",
)
REQUIRED = ("id", "stage", "amount", "created")

# Normalized header names (see _norm_header: lower case, punctuation to spaces, a leading
# "deal"/"opportunity" dropped) by field, in order of preference.  When several are present,
# a row takes the first non-empty one (Pipedrive: "closed on", else "expected close date").
KNOWN_HEADERS: Mapping[str, tuple[str, ...]] = {
    "id": (
        "id", "record id", "opportunity id", "deal id", "do not modify opportunity",
        "identyfikator", "id szansy", "идентификатор", "id сделки", "商机id", "编号",
        "id oportunitate",
    ),
    "owner": (
        "owner", "owner name", "opportunity owner", "deal owner", "salesperson", "sales rep",
        "właściciel", "opiekun", "handlowiec", "ответственный", "владелец", "负责人", "所有者",
        "proprietar", "responsabil",
    ),
    "stage": (
        "stage", "deal stage", "sales stage", "pipeline phase", "stage name", "etap",
        "etap sprzedaży", "стадия", "этап", "стадия сделки", "阶段", "销售阶段", "etapă", "etapa",
    ),
    "amount": (
        "amount", "value", "est revenue", "estimated revenue", "kwota",
        "wartość", "сумма", "бюджет", "金额", "valoare", "sumă", "suma",
    ),
    "currency": (
        "currency", "opportunity currency", "deal currency code", "currency code", "waluta",
        "валюта", "币种", "货币", "monedă", "moneda",
    ),
    "created": (
        "created", "created date", "create date", "created on", "created time", "deal created",
        "data utworzenia", "дата создания", "创建日期", "创建时间", "data creării", "data crearii",
    ),
    "close_date": (
        "close date", "closed on", "close time", "actual close date", "closing date",
        "expected close date", "est close date", "estimated close date", "data zamknięcia",
        "дата закрытия", "предполагаемая дата закрытия", "结束日期", "成交日期", "预计成交日期",
        "data închiderii", "data inchiderii",
    ),
    "status": ("status", "state", "stan", "статус", "состояние", "状态", "stare"),
    "lost_reason": (
        "lost reason", "loss reason", "reason lost", "closed lost reason", "reason for loss",
        "status reason", "powód przegranej", "przyczyna utraty", "причина проигрыша",
        "причина отказа", "输单原因", "丢单原因", "motiv pierdere", "motivul pierderii",
    ),
    "stage_changed": (
        "last stage change date", "last stage change", "stage change time", "stage changed",
        "data zmiany etapu", "дата изменения стадии", "阶段变更日期", "data schimbării etapei",
    ),
    "forecast_category": (
        "forecast category", "forecast category name", "forecastcategoryname",
        "hs manual forecast category", "kategoria prognozy", "категория прогноза",
        "预测类别", "预测分类", "categorie prognoză", "categoria prognozei",
    ),
}  # fmt: skip

STATUS_WORDS: Mapping[str, Status] = {
    **dict.fromkeys(
        ("open", "in progress", "active", "otwarta", "otwarty", "w toku", "открыта",
         "открыто", "в работе", "进行中", "跟进中", "deschis", "deschisă", "activ"),
        Status.OPEN,
    ),
    **dict.fromkeys(
        ("won", "closed won", "closedwon", "win", "wygrana", "wygrany", "выиграна",
         "выиграно", "успешно", "赢单", "成交", "câștigat", "castigat", "câștigată"),
        Status.WON,
    ),
    **dict.fromkeys(
        ("lost", "closed lost", "closedlost", "loss", "przegrana", "przegrany", "utracona",
         "проиграна", "проиграно", "провал", "输单", "丢单", "pierdut", "pierdută"),
        Status.LOST,
    ),
}  # fmt: skip


class OpportunitiesFileError(ValueError):
    """An export or mapping file that cannot be used; ``problems`` lists every problem."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        shown = problems[:MAX_PROBLEMS_SHOWN]
        lines = [f"{source}: {p}" for p in shown]
        if len(problems) > len(shown):
            more = Message("file.more_problems", num=len(problems) - len(shown))
            lines.append(f"{source}: {more}")
        super().__init__("\n".join(lines))

    def located(self) -> list[Message]:
        """Every problem with the file's name in front, for a person to read."""
        return [Message("at", where=self.source, problem=p) for p in self.problems]


@dataclass(frozen=True)
class ColumnMapping:
    """What a ``MAP.yaml`` says: headers per field, stage probabilities, formats."""

    columns: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    stages: Mapping[str, float] = field(default_factory=dict)
    """Stage name → probability in percent (0-100)."""
    date_format: str | None = None
    decimal: str | None = None
    """``","`` or ``"."`` when amounts are ambiguous (``1,500``); default: auto."""
    default_currency: str = ""
    sheet: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain data (stored with the evidence it produced)."""
        return {
            "columns": {k: list(v) for k, v in self.columns.items()},
            "stages": dict(self.stages),
            "date_format": self.date_format,
            "decimal": self.decimal,
            "default_currency": self.default_currency,
            "sheet": self.sheet,
        }


@dataclass(frozen=True)
class OpportunityFile:
    """The opportunities of an export and which header each field was read from."""

    opportunities: tuple[Opportunity, ...]
    columns: Mapping[str, tuple[str, ...]]
    headers: tuple[str, ...]


# -- mapping file ----------------------------------------------------------------------------


def read_mapping(path: str | Path) -> ColumnMapping:
    """Read and validate a ``MAP.yaml`` file."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        cannot = Message("file.cannot_read", reason=exc.strerror)
        raise OpportunitiesFileError(str(path), [cannot]) from exc
    return parse_mapping(data, str(path))


def parse_mapping(data: bytes, name: str = "MAP.yaml") -> ColumnMapping:
    """Validate mapping YAML content; every problem is reported at once."""
    if len(data) > MAX_MAPPING_BYTES:
        too_large = Message("crm.mapping_too_large", limit=MAX_MAPPING_BYTES)
        raise OpportunitiesFileError(name, [too_large])
    try:
        doc = safe_yaml.load(data.decode("utf-8-sig"), booleans=False) or {}
    except UnicodeDecodeError as exc:
        raise OpportunitiesFileError(name, [Message("file.not_utf8", offset=exc.start)]) from exc
    except safe_yaml.YamlProblem as exc:
        raise OpportunitiesFileError(name, [str(exc)]) from exc
    if not isinstance(doc, dict):
        raise OpportunitiesFileError(name, [Message("crm.mapping_not_mapping")])
    problems: list[str] = []
    known_keys = {"columns", "stages", "date_format", "decimal", "default_currency", "sheet"}
    for key in sorted(set(map(str, doc)) - known_keys):
        problems.append(at(key, Message("crm.unknown_setting", known=sorted(known_keys))))
    columns: dict[str, tuple[str, ...]] = {}
    raw_columns = doc.get("columns") or {}
    if not isinstance(raw_columns, dict):
        problems.append(at("columns", Message("crm.columns_mapping")))
        raw_columns = {}
    for key, value in raw_columns.items():
        if key not in FIELDS:
            problems.append(at(f"columns.{key}", Message("crm.unknown_field", fields=FIELDS)))
            continue
        headers = value if isinstance(value, list) else [value]
        if not headers or not all(isinstance(h, str | int) and str(h).strip() for h in headers):
            problems.append(at(f"columns.{key}", Message("crm.header_names")))
            continue
        columns[key] = tuple(str(h).strip() for h in headers)
    stages: dict[str, float] = {}
    raw_stages = doc.get("stages") or {}
    if not isinstance(raw_stages, dict):
        problems.append(at("stages", Message("crm.stages_mapping")))
        raw_stages = {}
    for stage, pct in raw_stages.items():
        value = _percent(pct)
        if value is None:
            problems.append(at(f"stages.{stage}", Message("crm.stage_percent", value=repr(pct))))
        else:
            stages[str(stage)] = value
    date_format = doc.get("date_format")
    if date_format is not None and (not isinstance(date_format, str) or "%" not in date_format):
        problems.append(at("date_format", Message("crm.date_format")))
        date_format = None
    decimal = doc.get("decimal")
    if decimal is not None and decimal not in (",", "."):
        problems.append(at("decimal", Message("crm.decimal")))
        decimal = None
    currency = str(doc.get("default_currency") or "").strip().upper()
    if currency and not re.fullmatch(r"[A-Z]{3}", currency):
        problems.append(at("default_currency", Message("crm.currency_code", currency=currency)))
    sheet = doc.get("sheet")
    if problems:
        raise OpportunitiesFileError(name, problems)
    return ColumnMapping(
        columns, stages, date_format, decimal, currency, str(sheet) if sheet else None
    )


def _percent(value: Any) -> float | None:
    text = str(value).strip().rstrip("%").strip().replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        return None
    return number if 0 <= number <= 100 else None


# -- reading ---------------------------------------------------------------------------------


def read_opportunities(
    path: str | Path, mapping: ColumnMapping | None = None, name: str | None = None
) -> OpportunityFile:
    """Read and validate an opportunity export file (``.csv``/``.txt``/``.tsv`` or ``.xlsx``)."""
    p = Path(path)
    display = name or str(path)
    try:
        size = p.stat().st_size
    except OSError as exc:
        cannot = Message("file.cannot_read", reason=exc.strerror)
        raise OpportunitiesFileError(display, [cannot]) from exc
    if size > MAX_BYTES:
        raise OpportunitiesFileError(display, [_too_big(size)])
    return read_opportunities_bytes(p.read_bytes(), display, mapping)


def _too_big(size: int) -> Message:
    return Message(
        "crm.too_big",
        mb=Decimal(f"{size / 1024 / 1024:.1f}"),
        limit=MAX_BYTES // 1024 // 1024,
        rows=float(MAX_ROWS),
    )


def read_opportunities_bytes(
    data: bytes, name: str, mapping: ColumnMapping | None = None
) -> OpportunityFile:
    """Read and validate export content; XLSX is recognised by its ZIP signature."""
    if len(data) > MAX_BYTES:
        raise OpportunitiesFileError(name, [_too_big(len(data))])
    mapping = mapping or ColumnMapping()
    rows = (
        _xlsx_rows(data, name, mapping.sheet)
        if data[:4] == b"PK\x03\x04"
        else _csv_rows(data, name)
    )
    try:
        header = next(rows)
    except StopIteration:
        raise OpportunitiesFileError(name, [Message("file.empty")]) from None
    return _parse(header, rows, name, mapping)


def _csv_rows(data: bytes, name: str) -> Iterator[list[Any]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise OpportunitiesFileError(name, [Message("file.not_utf8", offset=exc.start)]) from exc
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                yield row
    except csv.Error as exc:
        malformed = Message("file.malformed_csv", detail=str(exc))
        raise OpportunitiesFileError(name, [at_row(reader.line_num, malformed)]) from exc


def _xlsx_rows(data: bytes, name: str, sheet: str | None) -> Iterator[list[Any]]:
    from openpyxl import load_workbook  # parses with defusedxml when it is installed

    buffer = io.BytesIO(data)
    try:
        with zipfile.ZipFile(buffer) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise OpportunitiesFileError(name, [Message("crm.bad_xlsx")]) from exc
    if unzipped > MAX_UNZIPPED:
        unpacked = Message("crm.xlsx_too_big", mb=unzipped // 1024 // 1024)
        raise OpportunitiesFileError(name, [unpacked])
    try:
        book = load_workbook(buffer, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for broken files
        unreadable = Message("crm.unreadable_xlsx", detail=str(exc))
        raise OpportunitiesFileError(name, [unreadable]) from exc
    try:
        if sheet is not None and sheet not in book.sheetnames:
            no_sheet = Message("crm.no_sheet", sheet=sheet, sheets=book.sheetnames)
            raise OpportunitiesFileError(name, [no_sheet])
        ws = book[sheet] if sheet else book.worksheets[0]
        for values in ws.iter_rows(values_only=True):
            row = ["" if v is None else v for v in values]
            if any(str(cell).strip() for cell in row):
                yield row
    finally:
        book.close()


def _norm_header(header: str) -> str:
    text = " ".join(re.sub(r"[\W_]+", " ", str(header).casefold()).split())
    # Pipedrive writes "Deal - Deal created", Salesforce "Opportunity Owner": drop the prefix.
    stripped = True
    while stripped:
        stripped = False
        for prefix in ("deal ", "opportunity ", "opp "):
            if text.startswith(prefix) and len(text) > len(prefix):
                text, stripped = text[len(prefix) :], True
    return text


def _resolve_columns(
    header: Sequence[str], mapping: ColumnMapping, name: str
) -> dict[str, tuple[int, ...]]:
    by_exact = {str(h).strip(): i for i, h in enumerate(header)}
    by_norm: dict[str, int] = {}
    for i, h in enumerate(header):
        by_norm.setdefault(_norm_header(h), i)
    found: dict[str, tuple[int, ...]] = {}
    problems: list[str] = []
    for key in FIELDS:
        if key in mapping.columns:
            idx: list[int] = []
            for h in mapping.columns[key]:
                col = by_exact.get(h, by_norm.get(_norm_header(h)))
                if col is None:
                    problems.append(at(f"mapping: {key}", Message("crm.no_column", header=h)))
                else:
                    idx.append(col)
            if idx:
                found[key] = tuple(idx)
            continue
        known = (_norm_header(h) for h in KNOWN_HEADERS[key])
        auto = [by_norm[h] for h in known if h in by_norm]
        taken = {i for cols in found.values() for i in cols}
        auto = [i for i in dict.fromkeys(auto) if i not in taken]
        if auto:
            found[key] = tuple(auto)
    missing = [k for k in REQUIRED if k not in found]
    if missing:
        shown = [repr(str(h)) for h in header]
        problems.append(at_row(1, Message("crm.missing_columns", fields=missing, header=shown)))
    if problems:
        raise OpportunitiesFileError(name, problems)
    return found


def _parse(
    header: list[Any], rows: Iterator[list[Any]], name: str, mapping: ColumnMapping
) -> OpportunityFile:
    names = [str(h).strip().lstrip("\ufeff") for h in header]
    columns = _resolve_columns(names, mapping, name)
    raw: list[tuple[int, dict[str, Any]]] = []
    for number, row in enumerate(rows, start=2):
        if len(raw) >= MAX_ROWS:
            raise OpportunitiesFileError(
                name,
                [Message("crm.too_many_rows", rows=float(MAX_ROWS))],
            )
        values: dict[str, Any] = {}
        for key, idx in columns.items():
            for i in idx:
                cell = row[i] if i < len(row) else ""
                if str(cell).strip():
                    values[key] = (names[i], cell)
                    break
            else:
                values[key] = (names[idx[0]], "")
        raw.append((number, values))
    if not raw:
        raise OpportunitiesFileError(name, [Message("crm.no_deals")])
    problems: list[str] = []
    slash_order = _slash_order(raw, mapping, name)
    opportunities: list[Opportunity] = []
    seen: dict[str, int] = {}
    for number, values in raw:
        opp = _row(number, values, mapping, slash_order, problems)
        if opp is None:
            continue
        if opp.id in seen:
            twice = Message("crm.duplicate_id", id=opp.id, first_row=seen[opp.id])
            problems.append(at_row(number, twice, values["id"][0]))
            continue
        seen[opp.id] = number
        opportunities.append(opp)
    if problems:
        problems.append(Message("crm.summary", num=len(problems), rows=len(raw)))
        raise OpportunitiesFileError(name, problems)
    used = {k: tuple(names[i] for i in idx) for k, idx in columns.items()}
    return OpportunityFile(tuple(opportunities), used, tuple(names))


def _row(
    number: int,
    values: Mapping[str, tuple[str, Any]],
    mapping: ColumnMapping,
    slash_order: str,
    problems: list[str],
) -> Opportunity | None:
    start = len(problems)

    def problem(key: str, message: Message) -> None:
        problems.append(at_row(number, message, values[key][0]))

    def text(key: str) -> str:
        return cell_text(values[key][1]) if key in values else ""

    def when(key: str) -> date | None:
        if key not in values or not text(key):
            return None
        try:
            return parse_date(values[key][1], mapping.date_format, slash_order)
        except InvalidValue as exc:
            problem(key, exc.message)
            return None

    for key in REQUIRED:
        if not text(key):
            problem(key, Message(f"crm.missing.{key}"))
    amount: float | None = None
    if text("amount"):
        try:
            amount = parse_amount(values["amount"][1], mapping.decimal)
        except InvalidValue as exc:
            problem("amount", exc.message)
    created, close, changed = when("created"), when("close_date"), when("stage_changed")
    stage = text("stage")
    status = _status(text("status"), stage)
    if status is None:
        problem("status", Message("crm.unknown_status", status=text("status")))
    elif status is not Status.OPEN and "close_date" in values and not text("close_date"):
        problem("close_date", Message(f"crm.close_date_required.{status.value}"))
    if created and close and close < created:
        before = Message("crm.close_before_created", close=str(close), created=str(created))
        problem("close_date", before)
    currency = text("currency").upper() or mapping.default_currency
    if currency and not re.fullmatch(r"[A-Z]{3}", currency):
        problem("currency", Message("crm.currency", currency=currency))
    if len(problems) > start or amount is None or created is None or status is None:
        return None
    return Opportunity(
        id=text("id"),
        stage=stage,
        amount=amount,
        created=created,
        status=status,
        owner=text("owner"),
        currency=currency,
        close=close,
        lost_reason=text("lost_reason") if status is Status.LOST else "",
        stage_changed=changed,
        row=number,
        forecast_category=text("forecast_category"),
    )


def cell_text(value: Any) -> str:
    """A cell as text; whole numbers from spreadsheets lose their ``.0`` (ids: 1001)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value).strip()


def _status(raw: str, stage: str) -> Status | None:
    if raw:
        key = " ".join(re.sub(r"[\W_]+", " ", raw.casefold()).split())
        return STATUS_WORDS.get(key)
    canon = canonical_stage(stage)
    return Status.WON if canon == "won" else Status.LOST if canon == "lost" else Status.OPEN


# -- values ----------------------------------------------------------------------------------

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")
_YMD_SLASH = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})(?:[T ].*)?$")
_DOTTED = re.compile(r"^(\d{1,2})[.\-](\d{1,2})[.\-](\d{4})(?:[ ,T].*)?$")
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ ,T].*)?$")
_CJK = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日")


_MINUS_SIGNS = "\u002d\u2212\u2010\u2011\u2012\u2013\u2014\u2015\ufe58\ufe63\uff0d\u00ad"
"""Hyphen-minus, minus sign, hyphens, figure dash, en/em dashes, small and full-width minus."""

_NEGATIVE = re.compile(
    rf"^\(.*\d.*\)$"  # (1,200) - accounting notation
    rf"|^[^\d]*[{_MINUS_SIGNS}]"  # a minus before the first digit: -500, € −500, −€500
    rf"|\d[^\d]*[{_MINUS_SIGNS}][^\d]*$"  # a minus after the last digit: 500-, 1 200,00 −
)
"""An amount written as negative in any of the usual ways."""


def parse_amount(value: Any, decimal: str | None = None) -> float:
    """An amount from a cell: ``1 234,56``, ``1.234,56``, ``1,234.56``, ``€ 1,200``, ``1200``.

    A single separator followed by exactly three digits is a thousands separator unless
    ``decimal`` says otherwise.  Negative amounts are refused.
    """
    if isinstance(value, bool):
        raise InvalidValue("crm.not_an_amount", value=repr(value))
    if isinstance(value, int | float):
        number = float(value)
    else:
        raw = str(value).strip()
        # Accounting notation "(1,200)" and Unicode minus or dash signs ("−500", "500–")
        # mean a negative amount: they must not be stripped away with the currency signs.
        if _NEGATIVE.search(raw):
            raise InvalidValue("crm.negative_amount", value=repr(raw))
        # Currency signs and codes may lead or trail ("€ 1 200", "1200 PLN", "1 200 zł").
        text = re.sub(r"^[^\d\-]+|[^\d]+$", "", raw)
        text = re.sub(r"[ '’\u00a0\u202f]", "", text)
        if not re.fullmatch(r"-?[\d.,]*\d[\d.,]*", text):
            raise InvalidValue("crm.not_an_amount", value=repr(raw))
        number = float(_normalize_number(text, decimal, raw))
    if number < 0:
        raise InvalidValue("crm.negative_amount", value=repr(value))
    if number != number or number in (float("inf"), float("-inf")):
        raise InvalidValue("crm.not_an_amount", value=repr(value))
    return number


def _normalize_number(text: str, decimal: str | None, original: str) -> str:
    decimal = decimal or _guess_decimal(text)
    thousands = "," if decimal == "." else "."
    if text.count(decimal) > 1:
        raise InvalidValue("crm.not_an_amount", value=repr(original))
    return text.replace(thousands, "").replace(decimal, ".")


def _guess_decimal(text: str) -> str:
    commas, dots = text.count(","), text.count(".")
    if commas and dots:
        return "," if text.rfind(",") > text.rfind(".") else "."
    if commas == 1 and not re.search(r",\d{3}$", text):
        return ","
    if dots == 1 and not re.search(r"\.\d{3}$", text):
        return "."
    # Only thousands separators left: 1,234 / 1.234 / 1,234,567 / 1.234.567.
    return "." if commas else ","


def parse_date(value: Any, fmt: str | None = None, slash_order: str = "dmy") -> date:
    """A date from a cell: ISO (``2024-03-15``, with or without time), ``15.03.2024``,
    ``15/03/2024`` or ``03/15/2024`` (by ``slash_order``), ``2024年3月15日``, or ``fmt``."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        if fmt:
            return datetime.strptime(text, fmt).date()
        if m := _ISO.match(text) or _YMD_SLASH.match(text) or _CJK.match(text):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := _DOTTED.match(text):
            return date(int(m[3]), int(m[2]), int(m[1]))
        if m := _SLASHED.match(text):
            a, b = int(m[1]), int(m[2])
            day, month = (b, a) if slash_order == "mdy" else (a, b)
            return date(int(m[3]), month, day)
    except ValueError:
        pass
    if fmt:
        raise InvalidValue("crm.not_a_date_format", value=repr(text), format=repr(fmt))
    raise InvalidValue("crm.not_a_date", value=repr(text))


def _slash_order(
    raw: Sequence[tuple[int, Mapping[str, tuple[str, Any]]]], mapping: ColumnMapping, name: str
) -> str:
    """Whether ``a/b/yyyy`` dates are day-first or month-first, decided for the whole file."""
    if mapping.date_format:
        return "dmy"
    day_first = month_first = seen = False
    for _number, values in raw:
        for key in ("created", "close_date", "stage_changed"):
            if key in values and (m := _SLASHED.match(str(values[key][1]).strip())):
                a, b = int(m[1]), int(m[2])
                seen = True
                day_first = day_first or a > 12
                month_first = month_first or b > 12
    if day_first == month_first and seen:
        code = "crm.slash_dates_mixed" if day_first else "crm.slash_dates_ambiguous"
        raise OpportunitiesFileError(name, [Message(code)])
    return "mdy" if month_first else "dmy"

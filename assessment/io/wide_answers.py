"""Import a wide answers CSV: one row per respondent, one column per question.

Two kinds of file are accepted:

- our own wide export (``respondent,role,team,region,segment,submitted,<question ids>,
  comment:<element ids>``; the identified one also has ``name,email`` and ``language``):
  read without a mapping;
- a survey tool's export, with a column-mapping file (YAML) that says which column holds
  the respondent code, role, team, region, segment, language, which column answers which
  question, how answer texts map to option values or numbers, and which texts mean N/A or
  "don't know".
  See ``docs/data.md`` for the mapping format.

The whole file is validated before anything is returned; every problem names its row and
column.  Comments are capped at the web's length
(:data:`~assessment.io.imported.MAX_COMMENT`).  Nothing here touches a database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from assessment.core import safe_yaml
from assessment.core.answers import Answer, AnswerError, AnswerKind, parse_answer
from assessment.core.answers import Respondent as CoreRespondent
from assessment.core.model import Question, Questionnaire
from assessment.io.answers_csv import MAX_FIELD, AnswersFileError, at, at_row
from assessment.io.exports import COMMENT_PREFIX
from assessment.io.imported import (
    ImportedRespondent,
    comment_problem,
    csv_rows,
    decode,
    identity_problems,
    row_number,
)
from assessment.io.safe_cells import unescape_row
from assessment.messages import Message

MAPPING_MAX_BYTES = 256 * 1024
DEFAULT_NA = ("na", "n/a", "not applicable")
DEFAULT_DK = ("dk", "don't know", "do not know")
_PERSON_KEYS = ("respondent", "role", "team", "region", "segment", "language", "name", "email")
_MAPPING_KEYS = {
    *_PERSON_KEYS,
    "default_role",
    "roles",
    "na",
    "dk",
    "values",
    "questions",
    "comments",
}
Target = str | float


@dataclass(frozen=True)
class ColumnMapping:
    """How the columns of a wide file map onto respondents, questions and comments."""

    person: dict[str, str]
    """``respondent`` / ``role`` / ``team`` / ``region`` / ``segment`` / ``language`` /
    ``name`` / ``email`` → column."""
    questions: dict[str, str]
    """Column → question id."""
    comments: dict[str, str] = field(default_factory=dict)
    """Column → element id."""
    default_role: str = ""
    roles: dict[str, str] = field(default_factory=dict)
    """Role texts (lower case) → role id."""
    values: dict[str, Target] = field(default_factory=dict)
    """Answer texts (lower case) → option value, number, ``na`` or ``dk``, for every question."""
    question_values: dict[str, dict[str, Target]] = field(default_factory=dict)
    """Per question id: answer texts (lower case) → target."""
    na: tuple[str, ...] = DEFAULT_NA
    dk: tuple[str, ...] = DEFAULT_DK
    ignore_unknown: bool = True
    """Mapping files may leave columns out (timestamps, IP addresses); our format may not."""


@dataclass(frozen=True)
class WideImport:
    """The validated respondents and the file's columns that were not used."""

    respondents: list[ImportedRespondent]
    ignored_columns: list[str]


# --- the mapping file -------------------------------------------------------------------


def _load_yaml(data: bytes, name: str) -> Any:
    if len(data) > MAPPING_MAX_BYTES:
        too_large = Message(
            "file.mapping_too_large", size=float(len(data)), limit=float(MAPPING_MAX_BYTES)
        )
        raise AnswersFileError(name, [too_large])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise AnswersFileError(name, [Message("file.mapping_not_utf8", offset=exc.start)]) from exc
    try:
        # Mapping files are short: anchors and aliases have no use in them.
        return safe_yaml.load(text, booleans=False, aliases=False)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = Message("yaml.invalid", detail=getattr(exc, "problem", None) or str(exc))
        if mark is not None:
            problem = at(Message("where.line", line=mark.line + 1), problem)
        raise AnswersFileError(name, [problem]) from exc
    except safe_yaml.YamlProblem as exc:
        line = exc.where.split(",")[0]  # "line L, column C": the line is enough here
        if exc.message.startswith("invalid YAML: "):
            problem = Message("yaml.invalid", detail=exc.message.removeprefix("invalid YAML: "))
        elif "anchors and aliases" in exc.message:
            problem = Message("yaml.aliases")
        else:
            problem = Message("form.detail", detail=exc.message)
        if line.startswith("line "):
            problem = at(Message("where.line", line=int(line.split()[1])), problem)
        raise AnswersFileError(name, [problem]) from exc
    except RecursionError as exc:
        raise AnswersFileError(name, [Message("yaml.too_deep")]) from exc


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _target(value: Any) -> Target | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def _value_map(raw: Any, where: str, problems: list[str]) -> dict[str, Target]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        problems.append(at(where, Message("mapping.value_pairs")))
        return {}
    out: dict[str, Target] = {}
    for key, value in raw.items():
        text, target = _text(key), _target(value)
        if text is None or target is None:
            problems.append(at(f"{where}: {key!r}", Message("mapping.value_pair")))
            continue
        out[text.lower()] = target
    return out


def _markers(
    raw: Any, where: str, default: tuple[str, ...], problems: list[str]
) -> tuple[str, ...]:
    if raw is None:
        return default
    items = raw if isinstance(raw, list) else [raw]
    texts = [_text(item) for item in items]
    if any(t is None for t in texts):
        problems.append(at(where, Message("mapping.texts")))
        return default
    return tuple(t.lower() for t in texts if t)


def parse_mapping(data: bytes, q: Questionnaire, name: str = "mapping.yaml") -> ColumnMapping:
    """Read a column-mapping file; AnswersFileError lists every problem with its key."""
    doc = _load_yaml(data, name)
    if not isinstance(doc, dict):
        raise AnswersFileError(name, [Message("mapping.not_a_mapping")])
    problems: list[str] = []
    unknown = sorted(str(k) for k in doc if k not in _MAPPING_KEYS)
    if unknown:
        expected = sorted(_MAPPING_KEYS)
        problems.append(Message("mapping.unknown_keys", keys=unknown, expected=expected))
    person: dict[str, str] = {}
    for key in _PERSON_KEYS:
        if doc.get(key) is None:
            continue
        column = _text(doc[key])
        if not column:
            problems.append(at(key, Message("mapping.column_name")))
        else:
            person[key] = column
    if "respondent" not in person:
        problems.append(at("respondent", Message("mapping.respondent_column")))
    default_role = _text(doc.get("default_role")) or ""
    if default_role and default_role not in q.role_ids:
        unknown_role = Message("mapping.unknown_role", role=default_role, roles=q.role_ids)
        problems.append(at("default_role", unknown_role))
    if "role" not in person and not default_role:
        problems.append(at("role", Message("mapping.role_column")))
    roles: dict[str, str] = {}
    raw_roles = doc.get("roles")
    if raw_roles is not None and not isinstance(raw_roles, dict):
        problems.append(at("roles", Message("mapping.role_pairs")))
    for key, value in (raw_roles or {}).items() if isinstance(raw_roles, dict) else ():
        text, role = _text(key), _text(value)
        if text is None or role not in q.role_ids:
            not_a_role = Message("mapping.not_a_role", role=str(value), roles=q.role_ids)
            problems.append(at(f"roles: {key!r}", not_a_role))
        else:
            roles[text.lower()] = role
    questions_by_id = q.questions()
    columns: dict[str, str] = {}
    question_values: dict[str, dict[str, Target]] = {}
    raw_questions = doc.get("questions")
    if not isinstance(raw_questions, dict) or not raw_questions:
        problems.append(at("questions", Message("mapping.question_entries")))
        raw_questions = {}
    for key, value in raw_questions.items():
        column = _text(key)
        where = f"questions: {key!r}"
        entry = value if isinstance(value, dict) else {"id": value}
        extra = set(entry) - {"id", "values"}
        if column is None or extra:
            problems.append(at(where, Message("mapping.question_entry")))
            continue
        qid = _text(entry.get("id"))
        if not qid or qid not in questions_by_id:
            problems.append(at(where, Message("mapping.unknown_question", id=entry.get("id"))))
            continue
        if qid in columns.values():
            problems.append(at(where, Message("mapping.question_twice", question=qid)))
            continue
        columns[column] = qid
        values = _value_map(entry.get("values"), f"{where}: values", problems)
        if values:
            question_values[qid] = values
    comments: dict[str, str] = {}
    raw_comments = doc.get("comments") or {}
    if not isinstance(raw_comments, dict):
        problems.append(at("comments", Message("mapping.comment_entries")))
        raw_comments = {}
    element_ids = {el.id for el in q.elements}
    for key, value in raw_comments.items():
        column, element = _text(key), _text(value)
        if column is None or element not in element_ids:
            problems.append(at(f"comments: {key!r}", Message("element.unknown", element=value)))
        else:
            comments[column] = element
    mapping = ColumnMapping(
        person=person,
        questions=columns,
        comments=comments,
        default_role=default_role,
        roles=roles,
        values=_value_map(doc.get("values"), "values", problems),
        question_values=question_values,
        na=_markers(doc.get("na"), "na", DEFAULT_NA, problems),
        dk=_markers(doc.get("dk"), "dk", DEFAULT_DK, problems),
    )
    used = [*person.values(), *columns, *comments]
    twice = sorted({c for c in used if used.count(c) > 1})
    if twice:
        problems.append(Message("mapping.columns_twice", columns=[repr(c) for c in twice]))
    if problems:
        raise AnswersFileError(name, problems)
    return mapping


def own_format_mapping(header: list[str], q: Questionnaire) -> ColumnMapping:
    """The mapping of our own wide export; AnswersFileError when the header is not one."""
    questions = q.questions()
    element_ids = {el.id for el in q.elements}
    person: dict[str, str] = {}
    columns: dict[str, str] = {}
    comments: dict[str, str] = {}
    unknown: list[str] = []
    for column in header:
        key = column.strip()
        if key.lower() in _PERSON_KEYS:
            person[key.lower()] = column
        elif key.lower() == "submitted":
            continue
        elif key in questions:
            columns[column] = key
        elif key.startswith(COMMENT_PREFIX) and key[len(COMMENT_PREFIX) :] in element_ids:
            comments[column] = key[len(COMMENT_PREFIX) :]
        else:
            unknown.append(column)
    problems: list[str] = []
    missing = [c for c in ("respondent", "role") if c not in person]
    if missing:
        problems.append(at_row(1, Message("file.missing_columns", columns=missing)))
    if unknown:
        shown = [repr(c[:60]) for c in unknown[:10]]
        more = len(unknown) - len(shown)
        code = "file.not_own_format_more" if more else "file.not_own_format"
        not_ours = Message(code, columns=shown, num=more, qid=q.id, version=q.version)
        problems.append(at_row(1, not_ours))
    if problems:
        raise AnswersFileError("", problems)
    return ColumnMapping(person=person, questions=columns, comments=comments, ignore_unknown=False)


# --- reading the file -------------------------------------------------------------------


def _answer(question: Question, raw: str, mapping: ColumnMapping) -> Answer:
    key = raw.lower()
    target: Target | None = mapping.question_values.get(question.id, {}).get(key)
    if target is None:
        target = mapping.values.get(key)
    if target is None and key in mapping.na:
        target = "na"
    if target is None and key in mapping.dk:
        target = "dk"
    if target is None and question.options:
        for option in question.options:
            if key in (option.value.lower(), option.label.lower()):
                target = option.value
                break
    if target is None:
        target = raw
    if isinstance(target, float) and question.qtype.answer_kind is not AnswerKind.NUMBER:
        # A number mapped to a question that is not answered with numbers is an option's
        # position (1 = first option).
        position = int(target)
        options = question.options or ()
        if position != target or not 1 <= position <= len(options):
            raise AnswerError(
                question.id, "answer.option_number", value=raw, target=target, count=len(options)
            )
        target = options[position - 1].value
    return parse_answer(question, target)


def _role(raw: str, q: Questionnaire, mapping: ColumnMapping) -> str | None:
    if not raw:
        return mapping.default_role or None
    if raw in q.role_ids:
        return raw
    mapped = mapping.roles.get(raw.lower())
    if mapped:
        return mapped
    for role in q.roles:
        if raw.lower() in (role.id.lower(), role.label.lower()):
            return role.id
    return None


def read_wide_answers(
    data: bytes,
    q: Questionnaire,
    *,
    mapping: bytes | None = None,
    name: str = "answers.csv",
    mapping_name: str = "mapping.yaml",
) -> WideImport:
    """Validate a wide answers CSV (with a mapping file, or in our own wide format)."""
    column_map = parse_mapping(mapping, q, mapping_name) if mapping is not None else None
    rows = csv_rows(decode(data, name), name)
    header = [h.strip() for h in unescape_row(rows[0])]
    if not any(header):
        raise AnswersFileError(name, [Message("file.empty")])
    try:
        if column_map is None:
            column_map = own_format_mapping(header, q)
    except AnswersFileError as exc:
        raise AnswersFileError(name, exc.problems) from exc
    index: dict[str, int] = {}
    problems: list[str] = []
    for i, column in enumerate(header):
        if column in index:
            problems.append(at_row(1, Message("file.column_twice", column=column[:60])))
        index.setdefault(column, i)
    wanted = [*column_map.person.values(), *column_map.questions, *column_map.comments]
    absent = [c for c in wanted if c not in index]
    if absent:
        absent_columns = [repr(c[:60]) for c in absent]
        problems.append(at_row(1, Message("file.mapped_columns_missing", columns=absent_columns)))
    if problems:
        raise AnswersFileError(name, problems)
    ignored = [c for c in header if c and c not in wanted and c.lower() != "submitted"]
    people = _read_rows(rows, header, index, q, column_map, problems)
    if not people and not problems:
        problems.append(Message("file.no_respondent_rows"))
    if problems:
        raise AnswersFileError(name, sorted(problems, key=row_number))
    return WideImport(respondents=people, ignored_columns=ignored)


def _read_rows(
    rows: list[list[str]],
    header: list[str],
    index: Mapping[str, int],
    q: Questionnaire,
    m: ColumnMapping,
    problems: list[str],
) -> list[ImportedRespondent]:
    questions = q.questions()
    seen: dict[str, int] = {}
    people: list[ImportedRespondent] = []
    for number, raw_row in enumerate(rows[1:], start=2):
        row = unescape_row(raw_row)
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            count = Message("file.field_count", num=len(row), expected=len(header))
            problems.append(at_row(number, count))
            continue
        if any(len(cell) > MAX_FIELD for cell in row):
            problems.append(at_row(number, Message("file.field_too_long", num=MAX_FIELD)))
            continue

        def cell(key: str, row: list[str] = row) -> str:
            column = m.person.get(key)
            return row[index[column]].strip() if column is not None else ""

        where = Message("where.row", row=number)
        code = cell("respondent")
        found = identity_problems(
            Message("where.row_column", row=number, column=m.person["respondent"]), code
        ) + identity_problems(
            where,
            code or "?",
            cell("name"),
            cell("email"),
            cell("team"),
            cell("language"),
            cell("region"),
            cell("segment"),
        )
        problems.extend(found)
        if code in seen:
            problems.append(
                at(where, Message("person.code_again", code=code, first_row=seen[code]))
            )
        seen.setdefault(code, number)
        role = _role(cell("role"), q, m)
        if role is None:
            column = m.person.get("role", "role")
            unknown_role = Message(
                "file.unknown_role_mapped", role=cell("role")[:60], roles=q.role_ids
            )
            problems.append(at_row(number, unknown_role, column))
            continue
        answers: dict[str, Answer] = {}
        filled = 0
        for column, qid in m.questions.items():
            raw = row[index[column]].strip()
            if not raw:
                continue
            filled += 1
            question = questions[qid]
            if role not in question.roles:
                not_asked = Message("file.question_not_for_role_short", question=qid, role=role)
                problems.append(at_row(number, not_asked, column[:60]))
                continue
            try:
                answers[qid] = _answer(question, raw, m)
            except AnswerError as exc:
                problems.append(at_row(number, exc.located, column[:60]))
        comments: dict[str, str] = {}
        for column, element in m.comments.items():
            text = row[index[column]].strip()
            if not text:
                continue
            filled += 1
            too_long = comment_problem(
                Message("where.row_column", row=number, column=column[:60]), text
            )
            if too_long:
                problems.append(too_long)
            else:
                comments[element] = text
        if not filled:
            problems.append(at(where, Message("file.no_answers")))
        elif not found:
            people.append(
                ImportedRespondent(
                    respondent=CoreRespondent(
                        id=code,
                        role=role,
                        answers=answers,
                        comments=comments,
                        team=cell("team"),
                        language=cell("language"),
                        region=cell("region"),
                        segment=cell("segment"),
                    ),
                    row=number,
                    name=cell("name"),
                    email=cell("email"),
                )
            )
    return people

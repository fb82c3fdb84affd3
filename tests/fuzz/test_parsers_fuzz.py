"""Fuzzing the parsers with hypothesis: hostile or random input gives a clean validation error.

Each parser is fed arbitrary bytes/text and structure-aware mutations of valid input. The
only acceptable outcomes are a parsed result or the parser's own validation error with a
non-empty message; any other exception (IndexError, KeyError, RecursionError...) is a bug.
"""

from __future__ import annotations

import copy
import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessment.core.conditions import ConditionSyntaxError, parse_condition
from assessment.core.loader import (
    QuestionnaireError,
    build_questionnaire,
    load_questionnaire,
    load_questionnaire_text,
)
from assessment.io.answers_csv import MAX_BYTES, AnswersFileError, read_answers_bytes

MINI = Path(__file__).resolve().parents[1] / "data" / "mini"
Q = load_questionnaire(MINI / "questionnaire.yaml")
VALID_CSV = (MINI / "answers.csv").read_bytes()
DOC = yaml.safe_load((MINI / "questionnaire.yaml").read_text())

FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=os.environ.get("FUZZ_EXAMPLES") is None,
)


def _answers(data: bytes) -> None:
    try:
        read_answers_bytes(data, Q, "fuzz.csv")
    except AnswersFileError as exc:
        assert exc.problems and all(p.strip() for p in exc.problems)
        assert "fuzz.csv" in str(exc)


@FUZZ
@given(st.binary(max_size=2000))
def test_answers_csv_random_bytes(data: bytes) -> None:
    _answers(data)


CELLS = st.sampled_from(
    ["", "E1", "R9", "executive", "sales_rep", "nobody", "a.q1", "a.q2", "b.q1", "zz.q9",
     "agree", "yes", "no", "na", "dk", "5", "-1", "1e309", "nan", "=SUM(A1)", '"', "\x00",
     "strongly_agree", "🙂", "a" * 300]
)  # fmt: skip


@FUZZ
@given(st.lists(st.lists(CELLS, min_size=0, max_size=7), min_size=0, max_size=25))
def test_answers_csv_structured_rows(rows: list[list[str]]) -> None:
    header = "respondent,role,question,value,comment\n"
    body = "\n".join(",".join(r) for r in rows)
    _answers((header + body).encode())


@FUZZ
@given(st.data())
def test_answers_csv_mutated_valid_file(data: st.DataObject) -> None:
    raw = bytearray(VALID_CSV)
    for _ in range(data.draw(st.integers(1, 8))):
        pos = data.draw(st.integers(0, len(raw) - 1))
        raw[pos] = data.draw(st.integers(0, 255))
    _answers(bytes(raw))


def test_answers_csv_oversized_file_is_refused_with_the_limit() -> None:
    with pytest.raises(AnswersFileError) as err:
        read_answers_bytes(b"x" * (MAX_BYTES + 1), Q, "big.csv")
    assert f"the limit is {MAX_BYTES:,} bytes" in str(err.value)


def _questionnaire_text(text: str) -> None:
    try:
        load_questionnaire_text(text, "fuzz.yaml")
    except QuestionnaireError as exc:
        assert exc.problems
        assert all(p.message.strip() for p in exc.problems)


@FUZZ
@given(st.text(max_size=1500))
def test_questionnaire_yaml_random_text(text: str) -> None:
    _questionnaire_text(text)


YAML_BITS = st.sampled_from(
    ["id: x\n", "elements:\n", "  - id: a\n", "    weight: -1\n", "    questions: []\n", "&a [*a]\n",
     "roles: {}\n", "version: 1\n", "{", "- !!python/object:os.system ls\n", "? [a]\n: b\n",
     "levels: [1, 2]\n", "scales: {s: []}\n", "\t", "key: key: key\n", "!!binary AAAA\n"]
)  # fmt: skip


@FUZZ
@given(st.lists(YAML_BITS, max_size=20))
def test_questionnaire_yaml_fragments(parts: list[str]) -> None:
    _questionnaire_text("".join(parts))


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, (*prefix, i))
    return out


PATHS = [p for p in _paths(DOC) if p]
REPLACEMENTS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.just([]),
    st.just({}),
    st.just({"id": "a"}),
    st.just(["x", 1, None]),
)


@FUZZ
@given(st.lists(st.tuples(st.sampled_from(PATHS), REPLACEMENTS), min_size=1, max_size=4))
def test_questionnaire_document_mutations(edits: list[tuple[tuple[Any, ...], Any]]) -> None:
    """Replace values anywhere in a valid document: the validator reports, never crashes."""
    doc = copy.deepcopy(DOC)
    for path, value in edits:
        node = doc
        try:
            for key in path[:-1]:
                node = node[key]
            node[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue
    try:
        build_questionnaire(doc, "fuzz.yaml")
    except QuestionnaireError as exc:
        assert exc.problems


def test_yaml_alias_bomb_is_refused_quickly() -> None:
    """A 'billion laughs' document must not expand into memory."""
    bomb = "a: &a ['x','x','x','x','x','x','x','x','x']\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}]\n"
        for i in range(8)
    )
    import time

    started = time.perf_counter()
    with pytest.raises(QuestionnaireError):
        load_questionnaire_text(bomb, "bomb.yaml")
    assert time.perf_counter() - started < 5


def _condition(text: str) -> None:
    try:
        parse_condition(text)
    except ConditionSyntaxError as exc:
        assert str(exc).strip()


@FUZZ
@given(st.text(max_size=200))
def test_condition_random_text(text: str) -> None:
    _condition(text)


TOKENS = st.sampled_from(
    ["score", "coverage", "agreement", "gap", "abs_gap", "question", "share", "kpi", "band",
     "(", ")", "[", "]", ",", "<", "<=", ">", ">=", "==", "!=", "and", "or", "not", "in",
     "50", "-3.5", "crm.adoption", "a.q1", "x", "'", "\"", "9" * 400, "(" * 50]
)  # fmt: skip


@FUZZ
@given(st.lists(TOKENS, max_size=40))
def test_condition_token_soup(tokens: list[str]) -> None:
    _condition(" ".join(tokens))


def test_condition_deep_nesting_is_a_clean_error() -> None:
    with pytest.raises(ConditionSyntaxError):
        parse_condition("(" * 5000 + "score < 50" + ")" * 4999)


CRM = Path(__file__).resolve().parents[1] / "data" / "crm"
HUBSPOT = (CRM / "hubspot.csv").read_bytes()
PIPEDRIVE = (CRM / "pipedrive.xlsx").read_bytes()


def _opportunities(data: bytes, mapping: bytes | None = None) -> None:
    from assessment.core.crm import CrmInputError, compute_kpis
    from assessment.io.opportunities import (
        OpportunitiesFileError,
        parse_mapping,
        read_opportunities_bytes,
    )

    try:
        columns = parse_mapping(mapping, "fuzz-map.yaml") if mapping is not None else None
        parsed = read_opportunities_bytes(data, "fuzz.csv", columns)
        compute_kpis(parsed.opportunities, as_of=dt.date(2026, 11, 1))
    except (OpportunitiesFileError, CrmInputError) as exc:
        assert str(exc).strip()


@FUZZ
@given(st.binary(max_size=3000))
def test_crm_export_random_bytes(data: bytes) -> None:
    _opportunities(data)


@FUZZ
@given(st.data())
def test_crm_export_mutated_csv_and_xlsx(data: st.DataObject) -> None:
    raw = bytearray(data.draw(st.sampled_from([HUBSPOT, PIPEDRIVE])))
    for _ in range(data.draw(st.integers(1, 6))):
        pos = data.draw(st.integers(0, len(raw) - 1))
        raw[pos] = data.draw(st.integers(0, 255))
    _opportunities(bytes(raw))


@FUZZ
@given(st.text(max_size=400))
def test_crm_mapping_random_text(text: str) -> None:
    _opportunities(HUBSPOT, text.encode())


def test_yaml_bombs_are_refused_by_every_yaml_reader() -> None:
    """Questionnaires, CRM mapping files and wide-import mapping files share one safe reader."""
    from assessment.io.opportunities import OpportunitiesFileError, parse_mapping
    from assessment.io.wide_answers import parse_mapping as parse_wide_mapping

    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]\n" for i in range(6)
    )
    with pytest.raises(QuestionnaireError, match="expands to more than"):
        load_questionnaire_text(bomb, "bomb.yaml")
    with pytest.raises(OpportunitiesFileError, match="expands to more than"):
        parse_mapping(bomb.encode(), "MAP.yaml")
    with pytest.raises(AnswersFileError, match="aliases"):
        parse_wide_mapping(bomb.encode(), Q, "columns.yaml")

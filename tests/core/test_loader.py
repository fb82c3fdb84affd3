"""Questionnaire loading: identity, hashing and validation errors with file and path."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from assessment.core.loader import (
    QuestionnaireError,
    find_questionnaire,
    load_questionnaire,
    load_questionnaire_text,
)
from tests.conftest import DATA

BASE: dict[str, Any] = yaml.safe_load((DATA / "mini" / "questionnaire.yaml").read_text())


def load_variant(change: Callable[[dict[str, Any]], None]) -> QuestionnaireError:
    doc = copy.deepcopy(BASE)
    change(doc)
    with pytest.raises(QuestionnaireError) as info:
        load_questionnaire_text(yaml.safe_dump(doc, allow_unicode=True), "q.yaml")
    return info.value


def messages(err: QuestionnaireError) -> list[str]:
    return [str(p) for p in err.problems]


def test_mini_loads_with_stable_hash() -> None:
    a = load_questionnaire(DATA / "mini")
    b = load_questionnaire_text((DATA / "mini" / "questionnaire.yaml").read_text())
    assert a.id == "mini" and a.version == "0.1"
    assert len(a.content_hash) == 64 and a.content_hash == b.content_hash


def test_hash_changes_with_content() -> None:
    doc = copy.deepcopy(BASE)
    doc["elements"][0]["questions"][0]["weight"] = 3
    changed = load_questionnaire_text(yaml.safe_dump(doc))
    assert changed.content_hash != load_questionnaire(DATA / "mini").content_hash


def test_model_is_immutable() -> None:
    q = load_questionnaire(DATA / "mini")
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        q.elements[0].weight = 5  # type: ignore[misc]


def test_duplicate_question_id_names_file_path_and_id() -> None:
    def dup(doc: dict[str, Any]) -> None:
        doc["elements"][1]["questions"][1]["id"] = "a.q1"

    err = load_variant(dup)
    assert "q.yaml: elements[1].questions[1].id: duplicate question id 'a.q1'" in messages(err)


def test_every_error_reported_in_one_run() -> None:
    def many(doc: dict[str, Any]) -> None:
        doc["elements"][0]["questions"][0]["scale"] = "nope"
        doc["elements"][0]["questions"][1]["roles"] = ["ceo"]
        doc["elements"][1]["weight"] = -1
        doc["elements"][1]["recommendations"][0]["when"] = "share(b.q1, w) > 3"
        doc["elements"][1]["recommendations"][1]["effort"] = "huge"

    found = messages(load_variant(many))
    assert "q.yaml: elements[0].questions[0].scale: unknown scale 'nope'" in found
    assert any(m.startswith("q.yaml: elements[1].weight: ") for m in found)
    assert any(m.startswith("q.yaml: elements[1].recommendations[1].effort: ") for m in found)
    assert len(found) >= 3


def test_semantic_errors_reported_together() -> None:
    def many(doc: dict[str, Any]) -> None:
        doc["elements"][0]["questions"][1]["roles"] = ["ceo"]
        doc["elements"][1]["recommendations"][0]["when"] = "share(b.q1, w) > 3"
        doc["elements"][1]["recommendations"][1]["when"] = "score(zz) < 3"
        doc["elements"][0]["questions"][2]["bands"][1]["min"] = 25

    found = messages(load_variant(many))
    assert "q.yaml: elements[0].questions[1].roles[0]: unknown role 'ceo'" in found
    assert any("elements[1].recommendations[0].when: 'b.q1' has no option 'w'" in m for m in found)
    assert any("elements[1].recommendations[1].when: unknown element 'zz'" in m for m in found)
    assert any(
        "elements[0].questions[2].bands: values from 20 to 25 fall in no band" in m for m in found
    )


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: d["elements"][0]["questions"][2].pop("range"),
            "questions[2].range: a number question needs a range",
        ),
        (lambda d: d["elements"][0]["questions"][2]["bands"][2].update(min=40), "overlap"),
        (lambda d: d["elements"][0]["questions"][0].update(id="b.q9"), "must start with 'a.'"),
        (lambda d: d["elements"][0]["levels"].pop(3), "no description for maturity level(s) [3]"),
        (
            lambda d: d["elements"][0]["recommendations"][0].update(when="score <"),
            "recommendations[0].when: expected",
        ),
        (
            lambda d: d["elements"][0]["recommendations"][0].update(actions=["one"]),
            "recommendations[0].actions",
        ),
        (
            lambda d: d["elements"][0]["recommendations"][0].update(horizon=45),
            "recommendations[0].horizon",
        ),
        (lambda d: d["levels"][1].update(min=0), "levels must rise"),
        (lambda d: d.update(leadership_roles=["boss"]), "leadership_roles[0]: unknown role 'boss'"),
        (
            lambda d: d["elements"][1]["questions"][0]["options"][1].update(value="x"),
            "duplicate option value 'x'",
        ),
        (lambda d: d["elements"][1]["questions"][0]["options"][1].update(value="na"), "reserved"),
        (lambda d: d["elements"][0]["questions"][1].update(type="slider"), "questions[1].type"),
        (
            lambda d: d["elements"][0]["questions"][3].update(
                options=[{"value": "a", "label": "A", "score": 1}]
            ),
            "text question takes no options",
        ),
        (
            lambda d: d["elements"][0]["recommendations"][1].update(when="band(a.q3) == huge"),
            "has no band 'huge'",
        ),
        (
            lambda d: d["elements"][0]["recommendations"][1].update(when="kpi(a.q1) < 3"),
            "needs a number question",
        ),
        (lambda d: d.update(extra_field=1), "extra_field: Extra inputs are not permitted"),
    ],
)
def test_specific_problems(change: Callable[[dict[str, Any]], Any], expected: str) -> None:
    found = "\n".join(messages(load_variant(change)))
    assert expected in found


def test_invalid_yaml_names_line() -> None:
    with pytest.raises(QuestionnaireError, match=r"up\.yaml: line 2, column \d+: invalid YAML"):
        load_questionnaire_text("id: x\n  bad: [\n", "up.yaml")


def test_duplicate_yaml_key_refused() -> None:
    with pytest.raises(QuestionnaireError, match="duplicate key 'id'"):
        load_questionnaire_text("id: a\nid: b\n", "up.yaml")


def test_upload_must_be_self_contained() -> None:
    with pytest.raises(QuestionnaireError, match="define elements inline"):
        load_questionnaire_text("id: a\nelements: [crm]\n", "up.yaml")


def test_folder_with_missing_element_file(tmp_path: Path) -> None:
    (tmp_path / "questionnaire.yaml").write_text(
        yaml.safe_dump({**BASE, "elements": ["a", "b"]}), encoding="utf-8"
    )
    (tmp_path / "elements").mkdir()
    element_a = copy.deepcopy(BASE["elements"][0])
    element_a["questions"][0]["id"] = "a.q2"
    (tmp_path / "elements" / "a.yaml").write_text(yaml.safe_dump(element_a), encoding="utf-8")
    with pytest.raises(QuestionnaireError) as info:
        load_questionnaire(tmp_path)
    assert any("elements[1]: no file" in str(p) and "b.yaml" in str(p) for p in info.value.problems)
    (tmp_path / "elements" / "b.yaml").write_text(
        yaml.safe_dump(BASE["elements"][1]), encoding="utf-8"
    )
    with pytest.raises(QuestionnaireError) as info:
        load_questionnaire(tmp_path)
    # problems inside an element file are reported against that file
    assert any(
        str(p).endswith("a.yaml: questions[1].id: duplicate question id 'a.q2'")
        for p in info.value.problems
    )


def test_non_utf8_and_oversized(tmp_path: Path) -> None:
    bad = tmp_path / "questionnaire.yaml"
    bad.write_bytes(b"id: \xff\xfe\n")
    with pytest.raises(QuestionnaireError, match="not valid UTF-8"):
        load_questionnaire(tmp_path)
    bad.write_bytes(b"#" * (3 * 1024 * 1024))
    with pytest.raises(QuestionnaireError, match="the limit is"):
        load_questionnaire(tmp_path)


def test_find_by_id_and_version(tmp_path: Path) -> None:
    for version in ("0.1", "0.2"):
        folder = tmp_path / version
        folder.mkdir()
        (folder / "questionnaire.yaml").write_text(
            yaml.safe_dump({**BASE, "version": version}), encoding="utf-8"
        )
    assert find_questionnaire("mini", search_path=[tmp_path]).version == "0.2"
    assert find_questionnaire("mini", "0.1", search_path=[tmp_path]).version == "0.1"
    with pytest.raises(LookupError, match="no questionnaire 'mini' version '9'"):
        find_questionnaire("mini", "9", search_path=[tmp_path])

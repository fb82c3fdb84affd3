"""`questionnaire validate` checks every translation; `show --lang` returns that language."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml
from click.testing import CliRunner

from assessment.cli import main

SHIPPED = Path(__file__).resolve().parents[2] / "questionnaires" / "sales-org-health"


def test_shipped_translations_are_complete() -> None:
    result = CliRunner().invoke(main, ["questionnaire", "validate", str(SHIPPED)])
    assert result.exit_code == 0, result.output
    for lang in ("pl", "ru", "zh", "ro"):
        assert f"i18n/{lang}.yaml: ok" in result.output


def test_missing_extra_and_untranslated_keys_are_reported(tmp_path: Path) -> None:
    folder = tmp_path / "q"
    shutil.copytree(SHIPPED, folder)
    pl_file = folder / "i18n" / "pl.yaml"
    pl = yaml.safe_load(pl_file.read_text(encoding="utf-8"))
    del pl["elements"]["crm"]["questions"]["crm.single_source"]["text"]
    pl["elements"]["crm"]["questions"]["crm.no_such_question"] = {"text": "Coś"}
    pl["elements"]["pipeline"]["title"] = "Pipeline management and forecasting"
    pl_file.write_text(yaml.safe_dump(pl, allow_unicode=True), encoding="utf-8")
    result = CliRunner().invoke(main, ["questionnaire", "validate", str(folder)])
    assert result.exit_code == 2
    err = result.stderr
    assert "i18n/pl.yaml: elements.crm.questions.crm.single_source.text: missing translation" in err
    assert (
        "i18n/pl.yaml: elements.crm.questions.crm.no_such_question.text: not in the questionnaire (extra key)"
        in err
    )
    assert "i18n/pl.yaml: elements.pipeline.title: identical to the source text" in err
    assert "i18n/ru.yaml" not in err


def test_show_in_each_language() -> None:
    titles = {}
    for lang in ("en", "pl", "ru", "zh", "ro"):
        result = CliRunner().invoke(
            main, ["questionnaire", "show", "sales-org-health", "--json", "--lang", lang]
        )
        assert result.exit_code == 0, result.output
        doc = json.loads(result.stdout)
        titles[lang] = doc["elements"][1]["title"]
        assert doc["hash"] and doc["elements"][1]["id"] == "crm"
    assert len(set(titles.values())) == 5
    assert any("\u4e00" <= ch <= "\u9fff" for ch in titles["zh"])
    assert any("\u0400" <= ch <= "\u04ff" for ch in titles["ru"])


def test_show_unknown_language_exits_2() -> None:
    result = CliRunner().invoke(main, ["questionnaire", "show", "sales-org-health", "--lang", "de"])
    assert result.exit_code == 2 and "language 'de' is not available" in result.stderr

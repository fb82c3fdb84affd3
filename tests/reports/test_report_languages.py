"""`saleshealth report --lang L` gives a whole PDF in L, typeset with fonts that cover it."""

from __future__ import annotations

import csv
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from assessment.catalogues import translations_for
from assessment.cli import main
from assessment.core.loader import find_questionnaire
from assessment.core.synthetic import synthetic_respondents

HEADINGS = ("What we recommend", "Methodology", "Prioritized recommendations")
SCRIPT_SAMPLE = {"pl": "ą", "ro": "ș", "ru": "и", "zh": "的"}


@pytest.fixture(scope="module")
def answers(tmp_path_factory: pytest.TempPathFactory) -> Path:
    q = find_questionnaire("sales-org-health")
    path = tmp_path_factory.mktemp("answers") / "answers.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["respondent", "role", "question", "value"])
        for p in synthetic_respondents(q, 24, seed=11):
            for qid, a in p.answers.items():
                w.writerow([p.id, p.role, qid, a.raw])
    return path


@pytest.mark.parametrize("lang", ["pl", "ru", "zh", "ro"])
def test_pdf_in_each_language(lang: str, answers: Path, tmp_path: Path) -> None:
    out = tmp_path / f"report-{lang}.pdf"
    result = CliRunner().invoke(
        main,
        [
            "report",
            "--answers",
            str(answers),
            "-o",
            str(out),
            "--lang",
            lang,
            "--client",
            "Northwind",
        ],
    )
    assert result.exit_code == 0, result.output
    text = subprocess.run(
        ["pdftotext", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    t = translations_for(lang)
    for heading in HEADINGS:
        translated = t.gettext(heading)
        assert translated != heading
        assert translated in text, (lang, translated)
        assert heading not in text, (lang, heading)
    q = find_questionnaire("sales-org-health", lang=lang)
    assert q.elements[1].title in text.replace("\n", " ") or q.elements[1].title.split()[0] in text
    assert SCRIPT_SAMPLE[lang] in text
    fonts = subprocess.run(
        ["pdffonts", str(out)], capture_output=True, text=True, check=True
    ).stdout
    rows = [line.split() for line in fonts.splitlines()[2:] if line.strip()]
    assert rows and all(row[-5] == "yes" for row in rows), fonts  # every font embedded
    names = " ".join(row[0] for row in rows)
    if lang == "zh":
        assert "CJK" in names, names
    else:
        assert "Noto-Sans" in names, names

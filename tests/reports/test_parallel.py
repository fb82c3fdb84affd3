"""A report typeset in parts on two processes is page for page the report typeset whole.

Checked on the full standard report: every page's text (footers "Page X of Y", running
headers, the contents' page numbers), the bookmarks with their pages, every named
destination and every link.  Then the pieces: cutting the HTML, numbering a part, merging,
the fallback to a whole render, and the SVG text fast path against WeasyPrint's own.
"""

from __future__ import annotations

import io
import logging
import subprocess

import pytest
from pypdf import PdfReader

from reports import BoundedRenderer, render_html
from reports.parts import PART_MARK, halve, split_report
from tests.reports.conftest import ARTIFACTS, Rendered

STANDARD_FRONT_PAGES = 2
"""The standard report's cover and contents (measured by the renderer, not assumed)."""


def _pages_text(pdf: bytes) -> list[str]:
    out = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    return [" ".join(page.split()) for page in out.split("\f")]


def _structure(pdf: bytes) -> tuple[list[tuple[int, str, int]], dict[str, int], list[tuple]]:
    reader = PdfReader(io.BytesIO(pdf))

    def flat(items: list, depth: int = 0) -> list[tuple[int, str, int]]:
        out: list[tuple[int, str, int]] = []
        for item in items:
            if isinstance(item, list):
                out += flat(item, depth + 1)
            else:
                out.append((depth, item.title, reader.get_destination_page_number(item) + 1))
        return out

    named = {
        name: reader.get_destination_page_number(dest) + 1
        for name, dest in reader.named_destinations.items()
    }
    links = []
    for number, page in enumerate(reader.pages, start=1):
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            rect = tuple(round(float(v), 1) for v in annotation["/Rect"])
            links.append((number, str(annotation.get("/Dest")), rect))
    return flat(reader.outline), named, links


@pytest.fixture(scope="module")
def both(standard_report: Rendered) -> tuple[bytes, bytes, dict[str, float]]:
    """The standard report typeset whole by one child and in parts by two."""
    with BoundedRenderer(workers=1, timeout=300) as whole:
        single = whole.render_html(standard_report.html)
    with BoundedRenderer(workers=2, timeout=300) as team:
        parallel = team.render_html(standard_report.html)
        timings = dict(team.last_timings)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "standard-in-parts.pdf").write_bytes(parallel)
    return single, parallel, timings


def test_the_parts_were_really_typeset_apart(both: tuple[bytes, bytes, dict[str, float]]) -> None:
    _, _, timings = both
    assert list(timings) == [
        "front measured",
        "first half paginated",
        "second half paginated",
        *sorted(
            ("first half typeset", "second half typeset", "front typeset"),
            key=timings.__getitem__,
        ),
        "merged",
    ]


def test_every_page_reads_the_same(both: tuple[bytes, bytes, dict[str, float]]) -> None:
    single, parallel, _ = both
    whole, parts = _pages_text(single), _pages_text(parallel)
    assert len(parts) == len(whole)
    assert len(whole) > 40
    for number, (expected, actual) in enumerate(zip(whole, parts, strict=True), start=1):
        assert actual == expected, f"page {number} differs"
    total = len(PdfReader(io.BytesIO(parallel)).pages)
    assert f"Page {total} of {total}" in parts[total - 1]
    assert f"Page {STANDARD_FRONT_PAGES + 1} of {total}" in parts[STANDARD_FRONT_PAGES]


def test_bookmarks_destinations_and_links_are_the_same(
    both: tuple[bytes, bytes, dict[str, float]],
) -> None:
    single, parallel, _ = both
    outline, named, links = _structure(single)
    assert _structure(parallel) == (outline, named, links)
    # Links across parts survived: the summary and the contents point into both halves.
    assert len(links) > 100 and all(dest in named for _page, dest, _rect in links)


def test_fonts_are_embedded_and_qpdf_accepts_the_merged_file(
    both: tuple[bytes, bytes, dict[str, float]],
) -> None:
    _, parallel, _ = both
    path = ARTIFACTS / "standard-in-parts.pdf"
    assert subprocess.run(["qpdf", "--check", str(path)], capture_output=True).returncode == 0
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True)
    rows = fonts.stdout.splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows)  # the "emb" column
    metadata = PdfReader(io.BytesIO(parallel)).metadata
    assert metadata is not None and metadata.title and "Acme Industrial GmbH" in metadata.title


def test_a_front_longer_than_planned_falls_back_to_a_whole_render(
    standard_report: Rendered,
    both: tuple[bytes, bytes, dict[str, float]],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    measure = BoundedRenderer._measure_front
    monkeypatch.setattr(
        BoundedRenderer, "_measure_front", lambda self, *args: measure(self, *args) + 1
    )
    with (
        caplog.at_level(logging.WARNING, logger="reports.bounded"),
        BoundedRenderer(workers=2, timeout=300) as team,
    ):
        pdf = team.render_html(standard_report.html)
        assert team.last_path == "fallback" and "expected" in team.last_fallback
    assert "report typeset whole" in caplog.text
    assert _pages_text(pdf) == _pages_text(both[0])


def test_html_without_part_marks_is_typeset_whole() -> None:
    html = "<html><body><h1>Plain</h1><p>One page.</p></body></html>"
    assert split_report(html) is None
    with BoundedRenderer(workers=2, timeout=60) as team:
        pdf = team.render_html(html)
        assert team.last_timings == {}
    assert "One page." in " ".join(_pages_text(pdf))


def test_cutting_the_report(standard_report: Rendered) -> None:
    parts = split_report(standard_report.html)
    assert parts is not None
    assert standard_report.html.count(PART_MARK) == len(parts.body)
    assert (
        parts.head + parts.front + "".join(PART_MARK + body for body in parts.body) + parts.tail
        == standard_report.html
    )
    links = parts.links()
    assert links[:3] == ["summary", "dashboard", "method"]
    with pytest.raises(KeyError, match="#summary"):
        parts.front_document({})
    front = parts.front_document(dict.fromkeys(links, 7))
    assert front.stand_ins == frozenset(links)
    assert 'class="toc numbered"' in front.html and 'data-page="7"' in front.html
    # The scorecard links to every element's section, which are all in later parts.
    scorecard = next(i for i, body in enumerate(parts.body) if 'id="scorecard"' in body)
    alone = parts.document(scorecard, scorecard + 1)
    elements = {f"el-{e.id.replace('_', '-')}" for e in standard_report.questionnaire.elements}
    assert elements <= alone.stand_ins
    assert all(f'<span id="{anchor}"></span>' in alone.html for anchor in alone.stand_ins)
    assert "scorecard" not in alone.stand_ins  # defined in the part itself


@pytest.mark.parametrize(
    ("costs", "extra", "cut"),
    [([1, 1], 0, 1), ([5, 1, 1, 1, 1, 1], 0, 1), ([1, 1, 1, 1], 0, 2), ([1, 1, 1, 1], 2, 1)],
)
def test_halving_balances_the_cost(costs: list[int], extra: int, cut: int) -> None:
    assert halve(costs, extra) == cut


def test_a_numbered_part_says_where_it_sits_in_the_whole() -> None:
    seen = []

    def numbering(paginated: object) -> tuple[int, int]:
        seen.append(paginated)
        return 12, 40

    html = (
        "<html><head><style>@page { @bottom-right { content: 'Page ' counter(page) ' of '"
        " counter(pages) } }</style></head><body><h1 id='a'>A</h1>"
        "<h1 id='b' style='break-before: page'>B</h1></body></html>"
    )
    pages = _pages_text(render_html(html, numbering=numbering))
    assert "Page 12 of 40" in pages[0] and "Page 13 of 40" in pages[1]
    assert [(p.pages, p.anchors) for p in seen] == [(2, {"a": 0, "b": 1})]  # type: ignore[attr-defined]
    plain = _pages_text(render_html(html))  # no numbering: WeasyPrint's own
    assert "Page 1 of 2" in plain[0]


def test_svg_text_fast_path_draws_what_weasyprint_draws(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import base64
    import importlib

    from PIL import Image, ImageChops

    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="640" height="60" font-family="Noto Sans">'
        '<text x="10" y="20" font-size="14">Start 27%</text>'
        '<text x="320" y="20" font-size="14" text-anchor="middle" font-weight="bold">Mid</text>'
        '<text x="630" y="20" font-size="14" text-anchor="end">End label</text>'
        '<g transform="translate(320 50) rotate(-20)"><text x="0" y="0" font-size="11">Turned</text></g>'
        "</svg>"
    )
    html = f'<html><body><img src="data:image/svg+xml;base64,{base64.b64encode(svg.encode()).decode()}"></body></html>'
    fast = render_html(html)
    weasy_svg = importlib.import_module("weasyprint.svg")
    from reports import svg_text

    patched = {tag: fn for tag, fn in weasy_svg.TAGS.items() if fn is svg_text._plain_text}
    try:
        for tag in patched:
            weasy_svg.TAGS[tag] = svg_text._original
        weasy_svg.text = svg_text._original
        letterwise = render_html(html)
    finally:
        weasy_svg.TAGS.update(patched)
        weasy_svg.text = svg_text._plain_text
    assert " ".join(_pages_text(fast)).split() == " ".join(_pages_text(letterwise)).split()
    images = []
    for name, pdf in (("fast", fast), ("letterwise", letterwise)):
        (tmp_path / f"{name}.pdf").write_bytes(pdf)
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "100",
                "-png",
                "-singlefile",
                str(tmp_path / f"{name}.pdf"),
                str(tmp_path / name),
            ],
            check=True,
        )
        images.append(Image.open(tmp_path / f"{name}.png").convert("L"))
    difference = ImageChops.difference(*images)
    changed = sum(1 for value in difference.tobytes() if value > 64)
    # Same places and sizes; only kerning inside a word may move a glyph by a pixel.
    assert changed < 0.002 * images[0].width * images[0].height

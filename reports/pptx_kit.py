"""Low-level pieces of the PowerPoint deck: fonts for five languages, text, shapes, charts.

Everything here works on python-pptx objects and plain values; :mod:`reports.deck` decides
what goes on which slide.

**Fonts.**  Every run names three faces: a Latin face (:data:`LATIN_FONT`, also used for
Cyrillic and Latin Extended — Polish, Romanian ș/ț), an East Asian face (:data:`EA_FONT`,
with the GB2312 character set as a hint so that PowerPoint substitutes a Simplified
Chinese face such as Microsoft YaHei when Noto Sans CJK SC is not installed) and a complex
script face, and carries the deck's language tag (``zh-CN`` for Chinese, so that
PowerPoint lays out and spell-checks the run as Chinese).  The theme's fonts, which text a
consultant adds later uses, are set the same way, with :data:`EA_THEME_FALLBACK` for the
Simplified Chinese script.  Charts get the same faces in their text properties.

**Charts** are native chart parts (python-pptx's chart API, with their data in an embedded
workbook), so a consultant can restyle or edit the numbers in PowerPoint.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from lxml import etree  # type: ignore[import-untyped]  # python-pptx's XML library
from pptx.chart import data as chart_data
from pptx.chart.chart import Chart
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION, XL_TICK_LABEL_POSITION
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml.ns import qn
from pptx.presentation import Presentation
from pptx.shapes.autoshape import Shape
from pptx.slide import Slide
from pptx.text.text import TextFrame
from pptx.util import Emu, Inches, Pt

from reports.pptx_fit import EMU_PER_POINT, Piece, fit_scale, paragraph_height

LATIN_FONT = "Arial"
"""Latin, Latin Extended and Cyrillic: installed with every PowerPoint, metric-compatible
free faces (Liberation Sans) elsewhere."""
EA_FONT = "Noto Sans CJK SC"
"""The East Asian face of every run; the PDF report's CJK face."""
EA_CHARSET = "-122"
"""GB2312: tells PowerPoint which kind of face to substitute when :data:`EA_FONT` is missing."""
EA_THEME_FALLBACK = "Microsoft YaHei"
"""The theme's face for Simplified Chinese text a consultant types in later."""

SLIDE_WIDTH = Inches(13.333)
SLIDE_HEIGHT = Inches(7.5)
MARGIN = Inches(0.6)
CONTENT_WIDTH = SLIDE_WIDTH - 2 * MARGIN
BODY_TOP = Inches(1.85)
"""Where a content slide's body starts, under its headline and accent rule."""
BODY_HEIGHT = Inches(4.95)
MUTED = "6b7280"
INK = "1f2328"
RULE = "d6d9de"

_LANG_TAGS = {"en": "en-US", "pl": "pl-PL", "ru": "ru-RU", "zh": "zh-CN", "ro": "ro-RO"}
_AFTER_FONTS = ("a:sym", "a:hlinkClick", "a:hlinkMouseOver", "a:rtl", "a:extLst")


# python-pptx leaves these untyped.
_CategoryChartData: Any = chart_data.CategoryChartData
_RGBColor: Any = RGBColor


def lang_tag(language: str) -> str:
    """The OOXML language tag of a report language (``zh`` → ``zh-CN``)."""
    return _LANG_TAGS.get(language.split("-")[0].lower(), language)


def rgb(color: str) -> RGBColor:
    """``#rrggbb`` or ``rrggbb`` as a python-pptx colour."""
    value = color.lstrip("#")
    color_value: RGBColor = _RGBColor(int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))
    return color_value


_FONT_TAGS = (qn("a:latin"), qn("a:ea"), qn("a:cs"))
_AFTER_FONT_TAGS = frozenset(qn(t) for t in _AFTER_FONTS)


def set_fonts(rpr: etree._Element, language: str) -> None:
    """Name the Latin, East Asian and complex-script faces and the language on a run
    (``a:rPr``) or on default run properties (``a:defRPr``)."""
    tag = lang_tag(language)
    rpr.set("lang", tag)
    if tag.startswith("zh"):
        rpr.set("altLang", "en-US")
    anchor = None
    for child in list(rpr):
        if child.tag in _FONT_TAGS:
            rpr.remove(child)
        elif anchor is None and child.tag in _AFTER_FONT_TAGS:
            anchor = child
    latin, ea, cs = _FONT_TAGS
    faces = (
        etree.Element(latin, typeface=LATIN_FONT),
        etree.Element(ea, typeface=EA_FONT, charset=EA_CHARSET),
        etree.Element(cs, typeface=LATIN_FONT),
    )
    for face in faces:
        if anchor is None:
            rpr.append(face)
        else:
            anchor.addprevious(face)


def set_theme_fonts(prs: Presentation) -> None:
    """The theme's major and minor fonts: :data:`LATIN_FONT` for Latin and Cyrillic, and
    :data:`EA_THEME_FALLBACK` for Simplified Chinese (the default template names SimSun)."""
    part = prs.slide_master.part.part_related_by(RT.THEME)
    root = etree.fromstring(part.blob)
    for group in ("a:majorFont", "a:minorFont"):
        for font in root.iter(qn(group)):
            latin = font.find(qn("a:latin"))
            if latin is not None:
                latin.set("typeface", LATIN_FONT)
            for script in font.findall(qn("a:font")):
                if script.get("script") == "Hans":
                    script.set("typeface", EA_THEME_FALLBACK)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


@dataclass(frozen=True)
class Run:
    """A piece of text with its look."""

    text: str
    size: float = 14
    bold: bool = False
    color: str = INK
    italic: bool = False


Para = Run | Sequence[Run]
"""A paragraph: one run, or several."""


def add_text(
    slide: Slide,
    left: int,
    top: int,
    width: int,
    height: int,
    paras: Sequence[Para],
    language: str,
    *,
    align: PP_ALIGN = PP_ALIGN.LEFT,
    anchor: MSO_ANCHOR = MSO_ANCHOR.TOP,
    space_after: float = 4,
    margin: float = 0.04,
    shrink: bool = True,
) -> Shape:
    """A text box of paragraphs, their sizes scaled down until they fit the box by the
    estimate of :mod:`reports.pptx_fit`.  With ``shrink`` it is also marked to shrink its
    text on overflow (applied by LibreOffice at once, by PowerPoint once the text is
    edited)."""
    inner = Inches(margin) * 2
    paras = scaled(paras, fit_scale(_pieces(paras), width - inner, height - inner, space_after))
    box = slide.shapes.add_textbox(Emu(left), Emu(top), Emu(width), Emu(height))
    fill_text(box, paras, language, align=align, space_after=space_after)
    tf = box.text_frame
    tf.word_wrap = True
    tf.vertical_anchor = anchor
    tf.margin_left = tf.margin_right = Inches(margin)
    tf.margin_top = tf.margin_bottom = Inches(margin)
    if shrink:
        tf.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
    return box


def _runs(para: Para) -> tuple[Run, ...]:
    return (para,) if isinstance(para, Run) else tuple(para)


def _pieces(paras: Sequence[Para]) -> list[list[Piece]]:
    return [[Piece(r.text, r.size, r.bold) for r in _runs(p)] for p in paras]


def scaled(paras: Sequence[Para], scale: float) -> list[Para]:
    """``paras`` with every run's size multiplied by ``scale`` (to half points)."""
    if scale >= 1.0:
        return list(paras)
    return [
        [replace(r, size=max(6.0, round(r.size * scale * 2) / 2)) for r in _runs(p)] for p in paras
    ]


_P, _PPR, _R, _RPR, _T, _END = (
    qn(t) for t in ("a:p", "a:pPr", "a:r", "a:rPr", "a:t", "a:endParaRPr")
)
_SPC_AFT, _SPC_PTS, _FILL, _SRGB = (
    qn(t) for t in ("a:spcAft", "a:spcPts", "a:solidFill", "a:srgbClr")
)
_ALIGN = {PP_ALIGN.LEFT: "l", PP_ALIGN.CENTER: "ctr", PP_ALIGN.RIGHT: "r"}
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class _HasTextFrame(Protocol):
    @property
    def text_frame(self) -> TextFrame: ...


def _run_properties(parent: etree._Element, tag: str, piece: Run | None, language: str) -> None:
    rpr = etree.SubElement(parent, tag)
    if piece is not None:
        rpr.set("sz", str(round(piece.size * 100)))
        rpr.set("b", "1" if piece.bold else "0")
        rpr.set("i", "1" if piece.italic else "0")
        fill = etree.SubElement(rpr, _FILL)
        etree.SubElement(fill, _SRGB, val=piece.color.lstrip("#").upper())
    set_fonts(rpr, language)


def fill_text(
    shape: _HasTextFrame,
    paras: Sequence[Para],
    language: str,
    *,
    align: PP_ALIGN = PP_ALIGN.LEFT,
    space_after: float = 4,
) -> None:
    """Replace the text of a shape (or table cell) with ``paras``.

    The paragraphs are written as XML directly: python-pptx's property setters look up
    each child's position in the schema and cost most of the deck's build time.
    """
    body = shape.text_frame._txBody
    for p in body.findall(_P):
        body.remove(p)
    for para in paras:
        p = etree.SubElement(body, _P)
        ppr = etree.SubElement(p, _PPR, algn=_ALIGN.get(align, "l"))
        spacing = etree.SubElement(etree.SubElement(ppr, _SPC_AFT), _SPC_PTS)
        spacing.set("val", str(round(space_after * 100)))
        for piece in (para,) if isinstance(para, Run) else para:
            r = etree.SubElement(p, _R)
            _run_properties(r, _RPR, piece, language)
            etree.SubElement(r, _T).text = _NOT_XML.sub("", piece.text)
        _run_properties(p, _END, None, language)


def add_rect(
    slide: Slide,
    left: int,
    top: int,
    width: int,
    height: int,
    fill: str,
    line: str | None = None,
) -> Shape:
    """A filled rectangle (bands, cards, accent rules)."""
    shape = slide.shapes.add_shape(
        MSO_SHAPE.RECTANGLE, Emu(left), Emu(top), Emu(width), Emu(height)
    )
    solid_fill(shape.fill, fill)
    if line is None:
        shape.line.fill.background()
    else:
        shape.line.color.rgb = rgb(line)
        shape.line.width = Pt(0.75)
    shape.shadow.inherit = False
    return shape


def add_picture(
    slide: Slide,
    data: bytes,
    right: int,
    top: int,
    max_width: int,
    max_height: int,
    size: tuple[int | None, int | None] = (None, None),
) -> None:
    """A raster image (PNG, JPEG) fitted into a box whose top-right corner is given."""
    width_px, height_px = size
    if not width_px or not height_px:
        from PIL import Image

        with Image.open(io.BytesIO(data)) as img:
            width_px, height_px = img.size
    scale = min(max_width / width_px, max_height / height_px)
    width, height = int(width_px * scale), int(height_px * scale)
    slide.shapes.add_picture(
        io.BytesIO(data), Emu(right - width), Emu(top), Emu(width), Emu(height)
    )


@dataclass(frozen=True)
class SeriesStyle:
    """How one chart series is drawn: fill for bars, line (and dash) for radar lines."""

    name: str
    values: tuple[float | None, ...]
    color: str
    dash: MSO_LINE_DASH_STYLE | None = None
    width: float = 2.0
    labels: bool = True
    """Bars: print each value next to its bar."""


def solid_fill(fill: Any, color: str) -> None:
    """Fill a shape, cell or series with one colour."""
    fill.solid()
    fill.fore_color.rgb = rgb(color)


def _add_chart(
    slide: Slide,
    kind: XL_CHART_TYPE,
    box: tuple[int, int, int, int],
    categories: Sequence[str],
    series: Sequence[SeriesStyle],
    number_format: str,
) -> Chart:
    """A chart part with its data (and the embedded workbook PowerPoint edits)."""
    data = _CategoryChartData(number_format=number_format)
    data.categories = list(categories)
    for s in series:
        data.add_series(s.name, s.values)
    left, top, width, height = box
    frame: Any = slide.shapes.add_chart(kind, Emu(left), Emu(top), Emu(width), Emu(height), data)
    chart: Chart = frame.chart
    return chart


def _chart_fonts(chart: Chart, language: str, size: float) -> None:
    chart.font.size = Pt(size)
    chart.font.color.rgb = rgb(INK)
    set_fonts(chart.font._rPr, language)


def bar_chart(
    slide: Slide,
    box: tuple[int, int, int, int],
    categories: Sequence[str],
    series: Sequence[SeriesStyle],
    language: str,
    *,
    number_format: str = "0",
    maximum: float | None = 100,
    font_size: float = 11,
) -> Chart:
    """A clustered horizontal bar chart, first category on top, values labelled."""
    chart = _add_chart(slide, XL_CHART_TYPE.BAR_CLUSTERED, box, categories, series, number_format)
    _chart_fonts(chart, language, font_size)
    plot = chart.plots[0]
    plot.gap_width = 60
    plot.overlap = -10
    for styled, drawn in zip(series, plot.series, strict=True):
        solid_fill(drawn.format.fill, styled.color)
        drawn.invert_if_negative = False
        if styled.labels:
            labels = drawn.data_labels
            labels.show_value = True
            labels.number_format = number_format
            labels.number_format_is_linked = False
            labels.font.size = Pt(font_size - 2)
            set_fonts(labels.font._rPr, language)
    cats = chart.category_axis
    cats.reverse_order = True  # the first element on top, as in the scorecard table
    cats.format.line.color.rgb = rgb(RULE)
    values = chart.value_axis
    values.minimum_scale = 0
    if maximum is not None:
        values.maximum_scale = maximum
    values.has_major_gridlines = True
    values.major_gridlines.format.line.color.rgb = rgb("eceef1")
    values.format.line.fill.background()
    values.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    chart.has_legend = len(series) > 1
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.TOP
        chart.legend.include_in_layout = False
    return chart


def radar_chart(
    slide: Slide,
    box: tuple[int, int, int, int],
    categories: Sequence[str],
    series: Sequence[SeriesStyle],
    language: str,
    *,
    font_size: float = 10,
) -> Chart:
    """A radar (spider) chart of lines on a 0–100 scale, legend below."""
    chart = _add_chart(slide, XL_CHART_TYPE.RADAR, box, categories, series, "0")
    _chart_fonts(chart, language, font_size)
    for styled, drawn in zip(series, chart.plots[0].series, strict=True):
        line = drawn.format.line
        line.color.rgb = rgb(styled.color)
        line.width = Pt(styled.width)
        if styled.dash is not None:
            line.dash_style = styled.dash
        drawn.smooth = False
    values = chart.value_axis
    values.minimum_scale = 0
    values.maximum_scale = 100
    values.major_unit = 20
    values.has_major_gridlines = True
    values.major_gridlines.format.line.color.rgb = rgb("dfe2e6")
    values.tick_labels.font.size = Pt(font_size - 2)
    set_fonts(values.tick_labels.font._rPr, language)
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    return chart


_CELL_MARGIN_X = Inches(0.06)
_CELL_MARGIN_Y = Inches(0.03)


def _fit_table(
    rows: Sequence[Sequence[Para]], widths: Sequence[float], width: int, height: int
) -> Sequence[Sequence[Para]]:
    """``rows`` scaled down until the table's rows, which grow to fit their text, stay
    within ``height``."""
    total = sum(widths)
    columns = [width * w / total - 2 * _CELL_MARGIN_X for w in widths]
    pad = 2 * _CELL_MARGIN_Y / EMU_PER_POINT

    def needed(scale: float) -> float:
        return sum(
            max(
                paragraph_height(_pieces([cell])[0], col / EMU_PER_POINT, scale) + pad
                for cell, col in zip(row, columns, strict=True)
            )
            for row in rows
        )

    scale = 1.0
    while scale > 0.6 and needed(scale) > height / EMU_PER_POINT:
        scale -= 0.05
    if scale >= 1.0:
        return rows
    return [[scaled([cell], scale)[0] for cell in row] for row in rows]


def add_table(
    slide: Slide,
    box: tuple[int, int, int, int],
    rows: Sequence[Sequence[Para]],
    widths: Sequence[float],
    language: str,
    *,
    header_fill: str,
    header_color: str = "ffffff",
    max_height: int | None = None,
) -> None:
    """A native table; the first row is the header (``header_fill``), ``widths`` are
    fractions of the box's width.  Rows grow to fit their text (in PowerPoint as in
    LibreOffice); the text is scaled down so the whole table stays within ``max_height``
    (default: the box's height)."""
    left, top, width, height = box
    rows = _fit_table(rows, widths, width, max_height or height)
    shape = slide.shapes.add_table(
        len(rows), len(widths), Emu(left), Emu(top), Emu(width), Emu(height)
    )
    table = shape.table
    total = sum(widths)
    for i, w in enumerate(widths):
        table.columns[i].width = Emu(int(width * w / total))
    header = min(Inches(0.45), int(height / max(1, len(rows))))
    body = int((height - header) / max(1, len(rows) - 1))
    for r, row in enumerate(rows):
        table.rows[r].height = Emu(header if r == 0 else body)
        for c, para in enumerate(row):
            cell = table.cell(r, c)
            cell.margin_left = cell.margin_right = _CELL_MARGIN_X
            cell.margin_top = cell.margin_bottom = _CELL_MARGIN_Y
            if r == 0:
                runs = (para,) if isinstance(para, Run) else tuple(para)
                para = tuple(Run(x.text, x.size, True, header_color, x.italic) for x in runs)
                solid_fill(cell.fill, header_fill)
            else:
                solid_fill(cell.fill, "ffffff" if r % 2 else "f5f6f8")
            fill_text(cell, [para], language, space_after=0)

"""Pango layouts for WeasyPrint's text: made from shared parts, kept for drawing.

WeasyPrint shapes every line of text while it lays out the pages
(``weasyprint.text.line_break.split_first_line``), then throws the Pango objects away
(``Layout.deactivate``) and, when it draws the line, makes them again from nothing
(``Layout.reactivate``: a new Pango context, font description and layout, and the text
shaped once more).  A report has tens of thousands of text boxes, so that second shaping
is a few percent of typesetting: for the full edition, about 0.13 s of 3.6 s of CPU.

:func:`install` makes ``deactivate`` remember which style the layout was made for instead
of deleting it, and ``reactivate`` keep the layout when it is asked for the same style and
the line is not justified (justification adds spacing only when drawing); anything else
is made again exactly as before.  The layouts live as long as their text boxes, which
adds about 10 MB at the peak of the full edition (265 → 274 MB).

Making a layout (``Layout.setup``) also starts from nothing each time: a new Pango context
with the same direction and language, and a new font description for the same family,
size and weight.  For text without decoration lines or a language override, the hook takes
a context shared by every layout of the same font map, direction and language (WeasyPrint
changes a context only while making it) and a font description shared by every layout of
the same font properties (Pango copies it into the layout); the rest of the set-up is
WeasyPrint's.  About 0.15 s less CPU for the full edition (3.41 → 3.25 s).  Measured on the
standard report in all five languages, board and full edition: the PDFs are byte for
byte the same with and without it (``tests/reports/test_pango_layouts.py`` checks it on
every render path it touches).  Like the other hooks into WeasyPrint
(:mod:`reports.paging`, :mod:`reports.svg_text`, :mod:`reports.css_cache`) it is switched
off for a WeasyPrint version it was not written for.
"""

from __future__ import annotations

import importlib
import threading
from typing import Any

from reports.paging import supported

_lock = threading.Lock()
_originals: tuple[Any, Any, Any] | None = None
"""WeasyPrint's own ``Layout.deactivate``, ``reactivate`` and ``setup``."""
_contexts: dict[tuple[int, str, str | None], tuple[Any, Any, Any]] = {}
"""(font map, direction, language) → (Pango context, Pango language, the font map kept alive)."""
_descriptions: dict[tuple[Any, ...], Any] = {}
"""Font properties → Pango font description."""


def _shared_context(style: Any) -> tuple[Any, Any]:
    """The Pango context and language WeasyPrint would make for ``style``, made once."""
    from weasyprint.text.constants import PANGO_DIRECTION
    from weasyprint.text.ffi import ffi, gobject, pango, unicode_to_char_p

    font_map = style.font_config.font_map
    key = (id(font_map), style["direction"], style["lang"])
    entry = _contexts.get(key)
    if entry is None:
        context = ffi.gc(pango.pango_font_map_create_context(font_map), gobject.g_object_unref)
        pango.pango_context_set_round_glyph_positions(context, False)
        pango.pango_context_set_base_dir(context, PANGO_DIRECTION[style["direction"]])
        if style["lang"]:
            lang_p, _lang = unicode_to_char_p(style["lang"])
            language = pango.pango_language_from_string(lang_p)
            pango.pango_context_set_language(context, language)
        else:
            language = pango.pango_language_get_default()
        entry = _contexts.setdefault(key, (context, language, font_map))
    return entry[0], entry[1]


def _shared_description(style: Any) -> Any:
    """The font description of ``style`` (WeasyPrint's ``get_font_description``), made once."""
    from weasyprint.text.fonts import get_font_description

    key = (
        tuple(style["font_family"]),
        style["font_style"],
        style["font_stretch"],
        style["font_weight"],
        style["font_size"],
        style["font_variant_caps"],
        repr(style["font_variation_settings"]),
    )
    description = _descriptions.get(key)
    if description is None:
        description = _descriptions.setdefault(key, get_font_description(style))
    return description


def _setup(layout: Any, style: Any) -> None:
    """WeasyPrint's ``Layout.setup`` with a shared context and font description."""
    assert _originals is not None
    if style["text_decoration_line"] != "none" or style["font_language_override"] != "normal":
        _originals[2](layout, style)  # metrics for the decoration lines, another language
        return
    from weasyprint.text.ffi import ffi, gobject, pango
    from weasyprint.text.fonts import font_features

    context, language = _shared_context(style)
    layout.style = style
    layout.first_line_direction = 0
    layout.language = language
    layout.layout = ffi.gc(pango.pango_layout_new(context), gobject.g_object_unref)
    pango.pango_layout_set_auto_dir(layout.layout, False)
    pango.pango_layout_set_font_description(layout.layout, _shared_description(style))
    layout.ascent = layout.underline_position = layout.strikethrough_position = None
    features = font_features(
        style["font_kerning"],
        style["font_variant_ligatures"],
        style["font_variant_position"],
        style["font_variant_caps"],
        style["font_variant_numeric"],
        style["font_variant_alternates"],
        style["font_variant_east_asian"],
        style["font_feature_settings"],
    )
    if features:
        encoded = ",".join(f"{key} {value}" for key, value in features.items()).encode()
        attr = style.font_config.font_features.setdefault(
            encoded, pango.pango_attr_font_features_new(encoded)
        )
        attr_list = pango.pango_attr_list_new()
        pango.pango_attr_list_insert(attr_list, attr)
        pango.pango_layout_set_attributes(layout.layout, attr_list)


def _deactivate(layout: Any) -> None:
    """Keep the Pango objects; remember the style they were made for."""
    layout.kept_for = layout.style


def _reactivate(layout: Any, style: Any) -> None:
    """Reuse the kept layout for the same style and unjustified text, else make it again."""
    if (
        getattr(layout, "kept_for", None) is style
        and layout.justification_spacing == 0
        and getattr(layout, "layout", None) is not None
    ):
        return
    assert _originals is not None
    _originals[1](layout, style)


def install() -> bool:
    """Share layout parts and keep layouts from now on; False if this WeasyPrint is unknown."""
    global _originals
    if not supported():
        return False
    with _lock:
        if _originals is None:
            layout_class = importlib.import_module("weasyprint.text.line_break").Layout
            _originals = (layout_class.deactivate, layout_class.reactivate, layout_class.setup)
            layout_class.deactivate = _deactivate
            layout_class.reactivate = _reactivate
            layout_class.setup = _setup
    return True


def uninstall() -> None:
    """Put WeasyPrint's own ``deactivate``, ``reactivate`` and ``setup`` back."""
    global _originals
    with _lock:
        if _originals is not None:
            layout_class = importlib.import_module("weasyprint.text.line_break").Layout
            layout_class.deactivate, layout_class.reactivate, layout_class.setup = _originals
            _originals = None


def installed() -> bool:
    """Whether text layouts are kept for drawing."""
    if _originals is None:
        return False
    layout_class = importlib.import_module("weasyprint.text.line_break").Layout
    return bool(layout_class.reactivate is _reactivate)

"""White-label branding: firm name, primary colour, footer text and a validated logo.

A logo is untrusted input (an upload).  :func:`validate_logo` accepts a PNG (checked by its
signature and header, and by Pillow when it is installed) or an SVG, which is parsed with the
standard library after refusing any DOCTYPE or entity declaration and then rebuilt from an
allow-list: scripts, ``foreignObject``, event handlers and every reference that is not a local
``#fragment`` or an embedded raster image are removed.  What comes out is inert.
"""

from __future__ import annotations

import base64
import io
import re
import struct
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

PNG_MIME = "image/png"
SVG_MIME = "image/svg+xml"
MAX_LOGO_BYTES = 512 * 1024
MAX_PNG_SIDE = 4000
MAX_SVG_ELEMENTS = 5000
MAX_FIRM_NAME = 120
MAX_FOOTER_TEXT = 200
DEFAULT_PRIMARY = "#1f4e79"
"""The brand colour of a report (and a workspace) that sets none; defined only here."""

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_HEX_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
_XML_NS = "http://www.w3.org/XML/1998/namespace"

_ALLOWED_SVG_TAGS = frozenset(
    {
        "svg",
        "g",
        "defs",
        "symbol",
        "use",
        "title",
        "desc",
        "path",
        "rect",
        "circle",
        "ellipse",
        "line",
        "polyline",
        "polygon",
        "text",
        "tspan",
        "linearGradient",
        "radialGradient",
        "stop",
        "clipPath",
        "mask",
        "pattern",
        "image",
        "style",
    }
)
_SAFE_DATA_IMAGE = re.compile(r"^data:image/(png|jpeg|gif);base64,[A-Za-z0-9+/=\s]*$")
_URL_START = re.compile(r"url\(\s*['\"]?\s*(.?)", re.IGNORECASE)
_CSS_DENY = ("@import", "@font-face", "expression(", "javascript:", "image-set(", "src(", "\\")


class BrandingError(ValueError):
    """Branding input that cannot be used; the message names the problem."""


@dataclass(frozen=True, slots=True)
class Logo:
    """A validated logo: sanitized bytes, their MIME type and (for PNG) pixel size.

    Build it with :func:`validate_logo`; the constructor only re-checks type and size.
    """

    data: bytes = field(repr=False)
    mime: str
    width: int | None = None
    height: int | None = None

    def __post_init__(self) -> None:
        if self.mime not in (PNG_MIME, SVG_MIME):
            raise BrandingError(f"unsupported logo type {self.mime!r}; use PNG or SVG")
        if len(self.data) > MAX_LOGO_BYTES:
            raise BrandingError(_too_big(len(self.data)))

    def data_uri(self) -> str:
        """The logo as a ``data:`` URI, the only way it enters the report."""
        return f"data:{self.mime};base64,{base64.b64encode(self.data).decode('ascii')}"


@dataclass(frozen=True, slots=True)
class Branding:
    """How a workspace brands its reports; every field is validated on construction."""

    firm_name: str = ""
    primary_color: str = DEFAULT_PRIMARY
    footer_text: str = ""
    logo: Logo | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "primary_color", validate_color(self.primary_color))
        firm = _clean_line(self.firm_name, MAX_FIRM_NAME, "firm name")
        object.__setattr__(self, "firm_name", firm)
        object.__setattr__(
            self, "footer_text", _clean_line(self.footer_text, MAX_FOOTER_TEXT, "footer text")
        )
        if self.logo is not None and not isinstance(self.logo, Logo):
            raise BrandingError("the logo must be validated with validate_logo()")


def validate_color(value: str) -> str:
    """Return ``value`` as lower-case ``#rrggbb`` or raise :class:`BrandingError`."""
    text = (value or "").strip()
    if not _HEX_COLOR.match(text):
        raise BrandingError(f"primary colour must look like {DEFAULT_PRIMARY} (got {value!r})")
    return text.lower()


def _clean_line(value: str, limit: int, what: str) -> str:
    text = " ".join((value or "").split())
    if len(text) > limit:
        raise BrandingError(f"{what} is {len(text)} characters; the limit is {limit}")
    return text


def _too_big(size: int) -> str:
    return f"the logo is {size // 1024} KB; the limit is {MAX_LOGO_BYTES // 1024} KB"


def validate_logo(data: bytes, filename: str = "") -> Logo:
    """Check an uploaded logo and return it sanitized; raise :class:`BrandingError` if unusable.

    The type is decided by the content, never by ``filename`` (used only in messages).
    """
    name = f"{filename}: " if filename else ""
    if not data:
        raise BrandingError(f"{name}the logo file is empty")
    if len(data) > MAX_LOGO_BYTES:
        raise BrandingError(name + _too_big(len(data)))
    if data.startswith(_PNG_SIGNATURE):
        width, height = _check_png(data, name)
        return Logo(data, PNG_MIME, width, height)
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<?xml", b"<svg", b"<!--", b"<!doctype")):
        return Logo(sanitize_svg(data, filename), SVG_MIME)
    raise BrandingError(f"{name}the logo is not a PNG or SVG file")


def _check_png(data: bytes, name: str) -> tuple[int, int]:
    if len(data) < 33 or data[12:16] != b"IHDR":
        raise BrandingError(f"{name}the PNG logo is damaged (no IHDR header)")
    width, height = struct.unpack(">II", data[16:24])
    if not (0 < width <= MAX_PNG_SIDE and 0 < height <= MAX_PNG_SIDE):
        raise BrandingError(
            f"{name}the PNG logo is {width}×{height} pixels; the limit is "
            f"{MAX_PNG_SIDE}×{MAX_PNG_SIDE}"
        )
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - Pillow is optional; the header check stands
        return width, height
    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.format != "PNG":
                raise BrandingError(f"{name}the logo is not a PNG image")
            img.verify()
    except BrandingError:
        raise
    except Exception as exc:
        raise BrandingError(f"{name}the PNG logo cannot be read: {exc}") from exc
    return width, height


def sanitize_svg(data: bytes, filename: str = "") -> bytes:
    """Parse an SVG safely and rebuild it from an allow-list; raise on anything unparsable."""
    name = f"{filename}: " if filename else ""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BrandingError(f"{name}the SVG logo is not UTF-8 text") from exc
    lowered = text.lower()
    if "<!doctype" in lowered or "<!entity" in lowered:
        raise BrandingError(
            f"{name}the SVG logo declares a DOCTYPE or entities, which are not allowed"
        )
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise BrandingError(f"{name}the SVG logo is not well-formed XML: {exc}") from exc
    if root.tag != f"{{{SVG_NS}}}svg":
        raise BrandingError(
            f"{name}the logo is XML but not an SVG image (root <{_local(root.tag)}>)"
        )
    count = sum(1 for _ in root.iter())
    if count > MAX_SVG_ELEMENTS:
        raise BrandingError(
            f"{name}the SVG logo has {count} elements; the limit is {MAX_SVG_ELEMENTS}"
        )
    _clean_element(root)
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    out: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=False)
    if len(out) > MAX_LOGO_BYTES:  # pragma: no cover - rebuilding never grows much
        raise BrandingError(name + _too_big(len(out)))
    return out


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _namespace(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def _clean_element(el: ET.Element) -> None:
    for attr in list(el.attrib):
        if not _keep_attribute(el, attr):
            del el.attrib[attr]
    for child in list(el):
        if _namespace(child.tag) != SVG_NS or _local(child.tag) not in _ALLOWED_SVG_TAGS:
            el.remove(child)
            continue
        if _local(child.tag) == "style" and not _safe_css(child.text or ""):
            el.remove(child)
            continue
        _clean_element(child)


def _keep_attribute(el: ET.Element, attr: str) -> bool:
    ns, local = _namespace(attr), _local(attr).lower()
    value = el.attrib[attr]
    if ns not in ("", XLINK_NS, _XML_NS) or local.startswith("on"):
        return False
    if local == "href":
        target = value.strip()
        return target.startswith("#") or (
            _local(el.tag) == "image" and bool(_SAFE_DATA_IMAGE.match(target))
        )
    if ns == _XML_NS and local not in ("space", "lang"):
        return False
    return _safe_css(value)


_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_CSS_FUNCTION = re.compile(r"([a-zA-Z_-][\w-]*)?\s*\(")


def _safe_css(text: str) -> bool:
    """CSS (or an attribute value) that can fetch nothing: no function but ``url(#…)``.

    Comments are removed first (``url/**/(http://…)`` is a call of ``url``).  Every other
    parenthesis — ``image(…)``, ``image-set(…)``, ``src(…)``, ``expression(…)``, a
    ``url()`` that is not a local ``#fragment``, and colour functions such as
    ``rgb(31, 78, 121)`` too — makes the whole ``<style>`` element or attribute go.  Colour
    functions cannot name a resource, but an allow-list of one form is easier to trust
    than a parser of arguments; design tools can export colours as ``#336699``.
    """
    text = _CSS_COMMENT.sub(" ", text)
    lowered = text.lower()
    if "/*" in text or any(word in lowered for word in _CSS_DENY):  # unterminated comment
        return False
    for match in _CSS_FUNCTION.finditer(text):
        if (match.group(1) or "").lower() != "url":
            return False
        if not text[match.end() :].lstrip().lstrip("'\"").lstrip().startswith("#"):
            return False
    return True

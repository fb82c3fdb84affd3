"""Layout checks of a rendered report: spill pages and words broken inside headers.

Pure functions over the rendered PDF's words and their boxes, as ``pdftotext -bbox``
(poppler-utils, which the report tests already need) reads them:

* :func:`pdf_pages` — every page's words with their boxes, in points from the top left;
* :func:`spill_pages` — pages other than the first and the last whose *body* (the page
  without its running header and footer) carries less than ``min_chars`` characters: a
  page holding one or two links, three table rows or a lone footnote;
* :func:`header_words` — the words of the table headers and key-figure labels of the
  report's HTML (``<th>`` cells and elements of the classes in :data:`HEADER_CLASSES`);
* :func:`broken_words` — header words the PDF shows broken over two or more lines
  ("LEVE / L", "TAR- / GET"): pieces on successive lines, one under the other, that join
  into a header word.

A wide character (Chinese, Japanese, Korean: East Asian width W or F) counts as two, so the
threshold means about the same amount of text in every language.

Nothing here imports WeasyPrint or Jinja: the functions can check any PDF.
"""

from __future__ import annotations

import bisect
import html
import re
import subprocess
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser

__all__ = [
    "BOTTOM_MARGIN_MM",
    "HEADER_CLASSES",
    "MIN_PAGE_CHARS",
    "TOP_MARGIN_MM",
    "Broken",
    "Overlap",
    "Page",
    "Spill",
    "Word",
    "broken_words",
    "header_words",
    "overlapping_words",
    "pdf_pages",
    "spill_pages",
    "text_weight",
]

MIN_PAGE_CHARS = 200
"""A page (not the cover, not the last) carrying less text than this is a spill page."""

TOP_MARGIN_MM = 24.0
BOTTOM_MARGIN_MM = 22.0
"""The page margins of templates/report/report.css, where the running header and footer
are: text there is not counted as the page's content."""

HEADER_CLASSES = frozenset({"kf-label", "kf-value", "score-label", "message-label"})
"""Classes of the elements, besides ``<th>``, whose words must never break: key-figure
labels and values."""

_PT_PER_MM = 72 / 25.4
_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
)
_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">')
_HYPHENS = "-\u2010\u2011\u00ad"
_EDGE_PUNCT = "\"'“”„«»‘’‚()[]{}.,:;!?…·/|*%+–—" + _HYPHENS


@dataclass(frozen=True)
class Word:
    """One word of a page and its box, in points from the page's top left corner."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def width(self) -> float:
        return self.x1 - self.x0


@dataclass(frozen=True)
class Page:
    """One page of the PDF: its 1-based number, size in points and words in reading order."""

    number: int
    width: float
    height: float
    words: tuple[Word, ...]

    def body(
        self, top_mm: float = TOP_MARGIN_MM, bottom_mm: float = BOTTOM_MARGIN_MM
    ) -> tuple[Word, ...]:
        """The words inside the page's body, between the top and bottom margins."""
        top = top_mm * _PT_PER_MM
        bottom = self.height - bottom_mm * _PT_PER_MM
        return tuple(w for w in self.words if w.y0 >= top - 0.5 and w.y1 <= bottom + 0.5)

    def text(self, body_only: bool = True) -> str:
        """The page's words joined by spaces (only the body's, by default)."""
        return " ".join(w.text for w in (self.body() if body_only else self.words))


@dataclass(frozen=True)
class Spill:
    """A page with too little text: its number, weighted character count and text."""

    page: int
    chars: int
    text: str


@dataclass(frozen=True)
class Broken:
    """A header word the PDF shows in pieces on successive lines."""

    page: int
    word: str
    pieces: tuple[str, ...]

    def __str__(self) -> str:
        return f"page {self.page}: {self.word!r} broken as {'/'.join(self.pieces)!r}"


def pdf_pages(pdf: bytes) -> list[Page]:
    """Every page of ``pdf`` with its words and their boxes (``pdftotext -bbox``)."""
    out = subprocess.run(
        ["pdftotext", "-bbox", "-enc", "UTF-8", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    return parse_bbox(out)


def parse_bbox(document: str) -> list[Page]:
    """Parse the XHTML that ``pdftotext -bbox`` writes into pages of words."""
    pages: list[Page] = []
    chunks = document.split("<page ")[1:]
    for number, chunk in enumerate(chunks, 1):
        size = _PAGE.match("<page " + chunk)
        width, height = (float(size.group(1)), float(size.group(2))) if size else (0.0, 0.0)
        words = tuple(
            Word(html.unescape(m.group(5)), *(float(m.group(i)) for i in range(1, 5)))
            for m in _WORD.finditer(chunk)
        )
        pages.append(Page(number, width, height, words))
    return pages


def text_weight(text: str) -> int:
    """Characters of ``text`` without white space, a wide (CJK) character counting two."""
    return sum(
        2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text if not ch.isspace()
    )


def spill_pages(pages: Sequence[Page], min_chars: int = MIN_PAGE_CHARS) -> list[Spill]:
    """Pages other than the first (the cover) and the last with less than ``min_chars``
    characters of body text (:func:`text_weight`)."""
    out = []
    for page in pages[1:-1]:
        text = page.text()
        chars = text_weight(text)
        if chars < min_chars:
            out.append(Spill(page.number, chars, text))
    return out


class _HeaderParser(HTMLParser):
    """Collects the text inside ``<th>`` and inside elements of :data:`HEADER_CLASSES`."""

    _VOID = frozenset({"br", "img", "hr", "meta", "link", "input", "col", "wbr", "source"})

    def __init__(self, classes: frozenset[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.classes = classes
        self.stack: list[bool] = []
        self.texts: list[str] = []
        self.current: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._VOID:
            if tag == "br" and self.inside:
                self.current.append(" ")
            return
        names = set()
        for key, value in attrs:
            if key == "class" and value:
                names.update(value.split())
        header = tag == "th" or bool(names & self.classes)
        if header and not self.inside:
            self.current = []
        self.stack.append(header)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._VOID or not self.stack:
            return
        was_inside = self.inside
        self.stack.pop()
        if was_inside and not self.inside:
            text = " ".join("".join(self.current).split())
            if text:
                self.texts.append(text)

    def handle_data(self, data: str) -> None:
        if self.inside:
            self.current.append(data)

    @property
    def inside(self) -> bool:
        return any(self.stack)


def header_texts(document: str, classes: Iterable[str] = HEADER_CLASSES) -> list[str]:
    """The texts of the table headers and key-figure labels of an HTML document."""
    parser = _HeaderParser(frozenset(classes))
    # The stylesheet and the charts (data: URIs) hold no headers; skipping them is faster.
    parser.feed(re.sub(r"<style\b.*?</style>", "", document, flags=re.S))
    parser.close()
    return parser.texts


def header_words(document: str, classes: Iterable[str] = HEADER_CLASSES) -> set[str]:
    """The words (two letters or more) of the headers of an HTML document, case-folded."""
    words = set()
    for text in header_texts(document, classes):
        for token in text.replace("\u00a0", " ").split():
            key = _key(token)
            if len(key) >= 2 and any(ch.isalpha() for ch in key):
                words.add(key)
    return words


def _key(token: str) -> str:
    return token.strip(_EDGE_PUNCT).casefold()


def _piece(token: str) -> str:
    """A piece of a broken word: its leading punctuation and a trailing hyphen removed."""
    return token.lstrip(_EDGE_PUNCT).rstrip(_HYPHENS).casefold()


def broken_words(pages: Sequence[Page], words: Iterable[str]) -> list[Broken]:
    """Header ``words`` (case-folded, see :func:`header_words`) that a page shows broken:
    pieces on successive lines, each under the one before, that join into the word.

    Only words with a letter count: digits stacked in a narrow column are not a word."""
    targets = {w.casefold() for w in words if len(w) >= 2 and any(c.isalpha() for c in w)}
    prefixes = {w[:k] for w in targets for k in range(1, len(w))}
    found: list[Broken] = []
    seen: set[tuple[int, str]] = set()
    for page in pages:
        ordered = sorted(page.words, key=lambda w: w.y0)
        tops = [w.y0 for w in ordered]
        for word in ordered:
            start = _piece(word.text)
            if start not in prefixes:
                continue
            for chain in _chains(word, start, ordered, tops, prefixes, targets):
                joined = "".join(_piece(w.text) for w in chain)
                if (page.number, joined) not in seen:
                    seen.add((page.number, joined))
                    found.append(Broken(page.number, joined, tuple(w.text for w in chain)))
    return found


@dataclass(frozen=True)
class Overlap:
    """Two words of a page drawn over each other."""

    page: int
    first: str
    second: str

    def __str__(self) -> str:
        return f"page {self.page}: {self.first!r} overlaps {self.second!r}"


def overlapping_words(pages: Sequence[Page], tolerance: float = 0.6) -> list[Overlap]:
    """Words drawn over each other: a header too wide for its column running into the next
    one, a chart label over another.

    Boxes must overlap by more than ``tolerance`` points both ways, counting across a line
    only the middle three fifths of a box: poppler's boxes span the font's whole ascent and
    descent, taller than a line of tightly led text, so the lines of a wrapped label (or a
    big figure over its caption) overlap there without touching on paper."""
    found: list[Overlap] = []
    for page in pages:
        ordered = sorted(page.words, key=lambda w: w.y0)
        for i, word in enumerate(ordered):
            for other in ordered[i + 1 :]:
                if other.y0 >= word.y1 - tolerance:
                    break
                if _turned(word) or _turned(other):  # text running up: lines side by side
                    dx = _overlap(_core(word.x0, word.x1), _core(other.x0, other.x1))
                    dy = _overlap((word.y0, word.y1), (other.y0, other.y1))
                elif max(len(word.text), len(other.text)) <= 2:  # direction unknown
                    dx = _overlap(_core(word.x0, word.x1), _core(other.x0, other.x1))
                    dy = _overlap(_core(word.y0, word.y1), _core(other.y0, other.y1))
                else:
                    dx = _overlap((word.x0, word.x1), (other.x0, other.x1))
                    dy = _overlap(_core(word.y0, word.y1), _core(other.y0, other.y1))
                clash = dx > tolerance and dy > tolerance
                if clash:
                    found.append(Overlap(page.number, word.text, other.text))
    return found


def _turned(word: Word) -> bool:
    """Whether a word runs up or down the page: its box is taller than wide (a single
    word of one or two characters may be narrower than high either way)."""
    return len(word.text) >= 3 and word.height > 1.1 * word.width


def _core(a: float, b: float) -> tuple[float, float]:
    """The middle three fifths of a box's extent across its line."""
    return a + 0.2 * (b - a), b - 0.2 * (b - a)


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> float:
    return min(a[1], b[1]) - max(a[0], b[0])


def _chains(
    first: Word,
    start: str,
    ordered: Sequence[Word],
    tops: Sequence[float],
    prefixes: set[str],
    targets: set[str],
) -> Iterable[list[Word]]:
    """Chains of words starting at ``first``, each on the next line under the one before,
    whose pieces join into a target word."""
    if _neighbour(first, ordered, tops, after=True):
        return  # a word follows on the same line: this one ends where it should
    stack: list[tuple[list[Word], str]] = [([first], start)]
    while stack:
        chain, joined = stack.pop()
        last = chain[-1]
        for below in _under(last, ordered, tops):
            piece = _piece(below.text)
            if not piece or _neighbour(below, ordered, tops, after=False):
                continue  # punctuation under a word ("%", "·"), or a word inside a line
            if len(chain) > 1 and _neighbour(last, ordered, tops, after=True):
                continue
            grown = joined + piece
            if grown in targets:
                yield [*chain, below]
            elif grown in prefixes and len(chain) < 8:
                stack.append(([*chain, below], grown))


def _neighbour(word: Word, ordered: Sequence[Word], tops: Sequence[float], after: bool) -> bool:
    """Whether another word of the same line stands right after (or before) ``word``, a
    word space away: then ``word`` does not end (or start) its line in its cell."""
    reach = 0.45 * word.height  # a word space is about a quarter of the box; cells are apart
    i = bisect.bisect_left(tops, word.y0 - 0.3 * word.height)
    while i < len(ordered) and ordered[i].y0 <= word.y0 + 0.3 * word.height:
        other = ordered[i]
        i += 1
        if other is word:
            continue
        if after and word.x1 - 0.5 <= other.x0 <= word.x1 + reach:
            return True
        if not after and word.x0 - reach <= other.x1 <= word.x0 + 0.5:
            return True
    return False


def _under(word: Word, ordered: Sequence[Word], tops: Sequence[float]) -> Iterable[Word]:
    """Words on the line right under ``word`` whose boxes overlap it horizontally."""
    low = word.y1 - 0.25 * word.height
    high = word.y1 + 0.9 * word.height
    i = bisect.bisect_left(tops, low)
    while i < len(ordered) and ordered[i].y0 <= high:
        other = ordered[i]
        if other is not word and other.x0 < word.x1 + 1.0 and other.x1 > word.x0 - 1.0:
            yield other
        i += 1

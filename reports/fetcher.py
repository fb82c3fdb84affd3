"""The only way WeasyPrint may load anything while rendering a report.

WeasyPrint asks its URL fetcher for every image, stylesheet, font, SVG reference and
attachment.  :class:`ReportURLFetcher` answers only ``data:`` URIs of image types and files
inside the packaged report assets folder (``templates/report/``); ``file:`` elsewhere,
``http(s):``, ``ftp:`` and anything else are refused, so no redirect can ever be followed.
Every request is recorded, which lets tests prove which URLs were (not) asked for.

WeasyPrint 70 replaced the plain ``url_fetcher(url) -> dict`` function with the
:class:`weasyprint.urls.URLFetcher` class returning :class:`URLFetcherResponse`; this module
subclasses it and overrides :meth:`fetch`, so the opener machinery of the base class is never
used.
"""

from __future__ import annotations

import base64
import binascii
import threading
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes, urlsplit
from urllib.request import url2pathname

from weasyprint.urls import URLFetcher, URLFetcherResponse

from reports.assets import ASSET_ROOT

__all__ = ["ASSET_ROOT", "ReportURLFetcher", "URLRefused"]
MAX_DATA_BYTES = 4 * 1024 * 1024
DATA_MIME_TYPES = frozenset({"image/png", "image/jpeg", "image/svg+xml"})
ASSET_TYPES = {
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
}


class URLRefused(ValueError):
    """A URL the report renderer is not allowed to load."""


class ReportURLFetcher(URLFetcher):  # type: ignore[misc]
    """A WeasyPrint URL fetcher that serves only packaged assets and image ``data:`` URIs."""

    def __init__(self, asset_root: Path = ASSET_ROOT) -> None:
        super().__init__(timeout=1, allowed_protocols=("data", "file"), allow_redirects=False)
        self.asset_root = asset_root.resolve()
        self.requested: list[str] = []
        self.refused: list[str] = []
        self._lock = threading.Lock()

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        """Serve ``url`` if it is allowed, else raise :class:`URLRefused` (logged by WeasyPrint)."""
        with self._lock:
            self.requested.append(url)
        try:
            scheme = url.split(":", 1)[0].lower() if ":" in url else ""
            if scheme == "data":
                return self._data(url)
            if scheme == "file":
                return self._asset(url)
            raise URLRefused(f"the report may not load {scheme or 'relative'} URLs: {url[:200]}")
        except URLRefused:
            with self._lock:
                self.refused.append(url)
            raise

    def _data(self, url: str) -> URLFetcherResponse:
        header, comma, payload = url[5:].partition(",")
        if not comma:
            raise URLRefused("malformed data: URI")
        params = [p.strip().lower() for p in header.split(";")]
        mime = params[0] or "text/plain"
        if mime not in DATA_MIME_TYPES:
            raise URLRefused(f"data: URIs of type {mime!r} are not allowed")
        if len(payload) > MAX_DATA_BYTES * 4 // 3 + 4:
            raise URLRefused("data: URI is too large")
        try:
            body = (
                base64.b64decode("".join(payload.split()), validate=True)
                if "base64" in params[1:]
                else unquote_to_bytes(payload)
            )
        except (binascii.Error, ValueError) as exc:
            raise URLRefused(f"malformed data: URI: {exc}") from exc
        return URLFetcherResponse(url, body, {"Content-Type": mime})

    def _asset(self, url: str) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise URLRefused(f"the report may not load remote files: {url[:200]}")
        path = Path(url2pathname(unquote(parts.path))).resolve()
        if not path.is_relative_to(self.asset_root) or not path.is_file():
            raise URLRefused(f"the report may only load its own assets, not {url[:200]}")
        mime = ASSET_TYPES.get(path.suffix.lower())
        if mime is None:
            raise URLRefused(f"assets of type {path.suffix!r} are not served")
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": mime})

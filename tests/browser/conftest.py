"""A real server (``saleshealth serve``) and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


SALESHEALTH = Path(sys.executable).with_name("saleshealth")


def server_env(folder: Path) -> dict[str, str]:
    """The environment of a test server (and of CLI commands on its database) in ``folder``."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite'}",
        "SECRET_KEY": "browser-test-" + "k" * 40,
        # No PDF rendered in the background when a journey closes an assessment: the server
        # must stop promptly at the end of the module (the pre-render is tested elsewhere).
        "REPORT_PRERENDER": "0",
    }
    env.pop("REDIS_URL", None)
    return env


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """``saleshealth serve`` on the SQLite database ``folder/db.sqlite``; yields its base URL."""
    port = free_port()
    env = server_env(folder)
    exe = SALESHEALTH
    log = (folder / "server.log").open("w")
    proc = subprocess.Popen(
        [str(exe), "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(base + "/login", timeout=2)
            break
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError((folder / "server.log").read_text()) from None
            time.sleep(0.3)
    else:
        proc.kill()
        raise RuntimeError("server did not start: " + (folder / "server.log").read_text())
    try:
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``saleshealth serve`` on a fresh SQLite database; yields its base URL."""
    with serve(tmp_path_factory.mktemp("server")) as base:
        yield base


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Headless Debian Chromium, launched once; each test opens its own contexts."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield _Confirming(b)
        b.close()


class _Confirming:
    """The browser, whose pages answer "OK" to confirmation dialogs as a person would.

    The app asks before opening, closing, revoking and deleting (``static/confirm.js``);
    Playwright dismisses dialogs unless told otherwise, which would cancel every such click.
    """

    def __init__(self, browser: Any) -> None:
        self._browser = browser

    def new_context(self, **kwargs: Any) -> Any:
        context = self._browser.new_context(**kwargs)
        context.on("page", lambda page: page.on("dialog", lambda dialog: dialog.accept()))
        return context

    def new_page(self, **kwargs: Any) -> Any:
        page = self._browser.new_page(**kwargs)
        page.on("dialog", lambda dialog: dialog.accept())
        return page

    def __getattr__(self, name: str) -> Any:
        return getattr(self._browser, name)


@pytest.fixture(scope="module")
def shots() -> Path:
    """Where screenshots go (kept as CI artifacts)."""
    out = Path(os.environ.get("SALESHEALTH_TEST_OUTPUT", "test-output")) / "screens"
    out.mkdir(parents=True, exist_ok=True)
    return out

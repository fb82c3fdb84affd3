"""The web PDF's first download against repeat downloads of the unchanged assessment.

Builds a fresh SQLite database with the demo assessment (synthetic respondents, answers and
comments), signs in through the login form and asks for the PDF the way the results page
does (POST with the form's CSRF token):

- **first**: the request, the render in the background runner (the real bounded
  renderer), polling until it is done, and the download;
- **repeat**: the request, which is answered with a redirect to the finished PDF (the
  fingerprint of the assessment still matches, nothing renders), and the download; timed
  ``--repeats`` times (median, p95, max), split into the request and the download;
- **after a change**: one answer changed, the next request renders again.

Requests go through Flask's test client in this process (the server's work without the
network).  Target (issue 15, "Speed"): a repeat download in under 100 ms.

    .venv/bin/python bench/bench_report_cache.py [--respondents 25] [--repeats 20] [--lang en]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TOKEN = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')
EMAIL, PASSWORD = "bench@bench-example.eu", "bench password 1"


def build(folder: Path, respondents: int) -> tuple[Any, int]:
    """An app on a fresh database with the demo assessment; returns (app, assessment id)."""
    from assessment.app import create_app
    from assessment.cli.web_cmd import prepare_database
    from assessment.extensions import current_session
    from assessment.services import accounts
    from assessment.services.demo import load_demo

    app = create_app(
        {
            "SECRET_KEY": "bench-secret-" + "b" * 40,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite'}",
            "RATELIMIT_ENABLED": False,
            "REPORT_PRERENDER": False,
        },
        instance_path=str(folder / "instance"),
    )
    prepare_database(app)
    with app.app_context():
        s = current_session()
        accounts.create_workspace_with_owner(s, "Bench", "Bench", EMAIL, PASSWORD)
        load_demo(s, respondents)
        s.close()
    return app, 1


def token(client: Any, url: str) -> str:
    found = TOKEN.search(client.get(url).get_data(as_text=True))
    assert found, url
    return found.group(1)


def request_pdf(client: Any, aid: int, lang: str, csrf: str) -> str:
    res = client.post(f"/assessments/{aid}/report", data={"csrf_token": csrf, "language": lang})
    assert res.status_code == 302, res.status_code
    return str(res.headers["Location"])


def first_download(client: Any, aid: int, lang: str, csrf: str) -> tuple[float, int, int]:
    """Seconds for request + render + download; pages; bytes."""
    started = time.perf_counter()
    url = request_pdf(client, aid, lang, csrf)
    assert not url.endswith("/download"), "expected a render, got the cached file"
    while True:
        status = client.get(url + "/status").get_json()
        if status["status"] in ("done", "failed"):
            break
        time.sleep(0.05)
    assert status["status"] == "done", status
    pdf = client.get(url + "/download").get_data()
    return time.perf_counter() - started, int(status["pages"]), len(pdf)


def repeat_download(client: Any, aid: int, lang: str, csrf: str) -> tuple[float, float]:
    """Seconds for the request (answered from the cache) and for the download."""
    started = time.perf_counter()
    url = request_pdf(client, aid, lang, csrf)
    asked = time.perf_counter()
    assert url.endswith("/download"), "the repeat request rendered again"
    res = client.get(url)
    assert res.status_code == 200 and res.data.startswith(b"%PDF")
    return asked - started, time.perf_counter() - asked


def change_one_answer(app: Any, aid: int) -> None:
    from sqlalchemy import select

    from assessment.db import write_transaction
    from assessment.db.models import Answer, Respondent
    from assessment.db.tenancy import bind_workspace
    from assessment.extensions import current_session

    with app.app_context():
        s = current_session()
        bind_workspace(s, 1)
        answer = s.scalar(
            select(Answer)
            .join(Respondent, Respondent.id == Answer.respondent_id)
            .where(Respondent.assessment_id == aid, Answer.value_text.is_not(None))
            .limit(1)
        )
        assert answer is not None
        with write_transaction(s):
            answer.value_text = "neutral" if answer.value_text != "neutral" else "agree"
        s.close()


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--respondents", type=int, default=25)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--lang", default="en")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-report-cache-") as tmp:
        app, aid = build(Path(tmp), args.respondents)
        client = app.test_client()
        res = client.post(
            "/login",
            data={"csrf_token": token(client, "/login"), "email": EMAIL, "password": PASSWORD},
        )
        assert res.status_code == 302, res.status_code
        csrf = token(client, f"/assessments/{aid}/results")

        first, pages, size = first_download(client, aid, args.lang, csrf)
        repeats = [repeat_download(client, aid, args.lang, csrf) for _ in range(args.repeats)]
        totals = sorted(a + b for a, b in repeats)
        change_one_answer(app, aid)
        changed, _, _ = first_download(client, aid, args.lang, csrf)

        p95 = totals[min(len(totals) - 1, round(0.95 * (len(totals) - 1)))]
        print(
            f"demo assessment: {args.respondents} respondents, language {args.lang}, "
            f"{pages} pages, {size / 1024:.0f} KiB"
        )
        print(f"first download (request + render + download): {first:8.2f} s")
        print(
            f"repeat download x{args.repeats}: median {ms(statistics.median(totals))}, "
            f"p95 {ms(p95)}, max {ms(totals[-1])}"
        )
        print(
            f"  of which the request (fingerprint, cache look-up): median "
            f"{ms(statistics.median(a for a, _ in repeats))}; the download: median "
            f"{ms(statistics.median(b for _, b in repeats))}"
        )
        print(f"after one answer changed (renders again):     {changed:8.2f} s")
        print(f"speed-up of a repeat download: {first / statistics.median(totals):.0f}x")
        ok = totals[-1] < 0.1
        print(f"target: every repeat under 100 ms: {'OK' if ok else 'MISSED'}")
        from assessment.extensions import db

        with app.app_context():
            db.engine.dispose()
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

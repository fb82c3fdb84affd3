"""Page cost does not grow with the workspace: the same number of SQL statements for each
consultant page whether the workspace holds 2 clients of 2 respondents or 6 clients of 6."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest
from flask import Flask
from flask.testing import FlaskClient

from assessment.services import benchmark
from tests.perf.workspace import Built, build
from tests.querycount import Queries

CountQueries = Callable[[], AbstractContextManager[Queries]]
MAX_QUERIES = 25
"""No consultant page needs more statements than this (session, workspace, page data)."""


def _pages(built: Built) -> dict[str, tuple[str, dict[str, str]]]:
    api = {"Authorization": f"Bearer {built.token}"}
    closed, opened = built.closed_id, built.open_id
    return {
        "dashboard": ("/", {}),
        "clients list": ("/clients/", {}),
        "clients list (searched, sorted)": ("/clients/?q=client&sort=industry&dir=desc", {}),
        "assessments list": ("/assessments/", {}),
        "assessments list (searched, sorted)": ("/assessments/?q=check&sort=client", {}),
        "client page": (f"/clients/{built.client_id}", {}),
        "plan page": (f"/clients/{built.client_id}/plan", {}),
        "API plan": (f"/api/v1/clients/{built.client_id}/plan", api),
        "assessment page": (f"/assessments/{opened}", {}),
        "assessment page (respondents searched, sorted)": (
            f"/assessments/{opened}?q=R&sort=role&dir=desc&state=submitted",
            {},
        ),
        "results page (closed)": (f"/assessments/{closed}/results", {}),
        "results page (open)": (f"/assessments/{opened}/results", {}),
        "export page": (f"/assessments/{closed}/data", {}),
        "API results": (f"/api/v1/assessments/{closed}/results", api),
        "API results by team": (f"/api/v1/assessments/{closed}/results/teams", api),
        "API export": (f"/api/v1/assessments/{closed}/exports/responses", api),
    }


def _costs(owner: FlaskClient, count_queries: CountQueries, built: Built) -> dict[str, Queries]:
    out = {}
    for name, (url, headers) in _pages(built).items():
        assert owner.get(url, headers=headers).status_code == 200, name  # warm-up
        # As in a freshly started server process: peer scores must come from the database,
        # not from what this process happened to compute before.
        benchmark.clear_cache()
        with count_queries() as queries:
            res = owner.get(url, headers=headers)
        assert res.status_code == 200, name
        out[name] = queries
    return out


@pytest.mark.parametrize("clients,respondents", [(2, 2)])
def test_page_queries_do_not_grow_with_the_workspace(
    owner: FlaskClient,
    app: Flask,
    count_queries: CountQueries,
    clients: int,
    respondents: int,
) -> None:
    small = _costs(owner, count_queries, build(app, clients, respondents))
    # Three times the clients, assessments and respondents (the first client's pages again).
    larger = build(app, 2 * clients, 3 * respondents)
    large = _costs(owner, count_queries, larger)
    for name, queries in small.items():
        grown = large[name]
        assert queries.count <= MAX_QUERIES, f"{name}:\n{queries.report()}"
        assert grown.count == queries.count, (
            f"{name}: {queries.count} statements in the small workspace, {grown.count} in the "
            f"larger one\n--- small\n{queries.report()}\n--- larger\n{grown.report()}"
        )

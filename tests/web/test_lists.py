"""Clients, assessments and respondents lists: search, sort and pages, all in the address
(server-side, no JavaScript), links keeping the rest of the list's state."""

from __future__ import annotations

import html as htmllib
import re

import pytest
from flask.testing import FlaskClient

from assessment.web.assessments import index as assessments_index
from assessment.web.assessments import page as assessment_page
from assessment.web.clients import page as clients_page
from tests.web.conftest import add_people, new_assessment, post_form

ROW_LINK = re.compile(r'<td[^>]*><a href="/clients/(\d+)">([^<]+)</a></td>')


def _client(owner: FlaskClient, name: str, industry: str, motion: str = "", size: str = "") -> int:
    res = post_form(
        owner,
        "/clients/new",
        {"name": name, "industry": industry, "size_band": size, "sales_motion": motion},
    )
    assert res.status_code == 302, res.get_data(as_text=True)
    return int(res.headers["Location"].rstrip("/").split("/")[-1])


def _names(page: str) -> list[str]:
    return [htmllib.unescape(name) for _id, name in ROW_LINK.findall(page)]


def _hrefs(page: str, rel: str) -> list[str]:
    return [htmllib.unescape(h) for h in re.findall(rf'rel="{rel}" href="([^"]+)"', page)]


@pytest.fixture
def clients(owner: FlaskClient) -> dict[str, int]:
    return {
        "Baltic Timber": _client(owner, "Baltic Timber", "Wood", "field", "201-1000"),
        "acme 100% Steel": _client(owner, "acme 100% Steel", "Metals", "hybrid", "11-50"),
        "Zephyr Foods": _client(owner, "Zephyr Foods", "Food", "inside", "1000+"),
        "Carpathian Oil": _client(owner, "Carpathian Oil", "Energy", "", "1-10"),
    }


def test_clients_search_sort_and_motion_in_words(
    owner: FlaskClient, clients: dict[str, int]
) -> None:
    page = owner.get("/clients/").get_data(as_text=True)
    assert _names(page) == ["acme 100% Steel", "Baltic Timber", "Carpathian Oil", "Zephyr Foods"]
    assert ">Hybrid<" in page and ">hybrid<" not in page and "Field sales" in page
    assert _names(owner.get("/clients/?q=ACME").get_data(as_text=True)) == ["acme 100% Steel"]
    assert _names(owner.get("/clients/?q=food").get_data(as_text=True)) == ["Zephyr Foods"]
    # % is a character to look for, not a wildcard
    assert _names(owner.get("/clients/?q=%25").get_data(as_text=True)) == ["acme 100% Steel"]
    found = owner.get("/clients/?q=o").get_data(as_text=True)
    assert "3 clients match “o”" in found  # Baltic Timber, Zephyr Foods, Carpathian Oil
    none = owner.get("/clients/?q=nothing-like-this").get_data(as_text=True)
    assert "No client matches this search." in none and "Clear search" in none
    by_size = owner.get("/clients/?sort=size").get_data(as_text=True)
    assert _names(by_size) == ["Carpathian Oil", "acme 100% Steel", "Baltic Timber", "Zephyr Foods"]
    assert (
        'aria-sort="ascending"><a class="sort" href="/clients/?sort=size&amp;dir=desc"' in by_size
    )
    by_industry = owner.get("/clients/?sort=industry&dir=desc").get_data(as_text=True)
    assert _names(by_industry) == [
        "Baltic Timber",
        "acme 100% Steel",
        "Zephyr Foods",
        "Carpathian Oil",
    ]
    unknown = owner.get("/clients/?sort=password&dir=desc").get_data(as_text=True)
    assert _names(unknown) == _names(page)  # an unknown key falls back to the name
    shown = owner.get(f"/clients/{clients['acme 100% Steel']}").get_data(as_text=True)
    assert "Hybrid" in shown and "hybrid" not in shown.replace("Hybrid", "")


def test_client_motion_translated(owner: FlaskClient, clients: dict[str, int]) -> None:
    page = owner.get("/clients/", headers={"Accept-Language": "pl"}).get_data(as_text=True)
    assert "Model hybrydowy" in page and ">hybrid<" not in page


def test_clients_pages_keep_search_and_order(
    owner: FlaskClient, clients: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(clients_page, "PER_PAGE", 2)
    first = owner.get("/clients/?q=a&sort=name&dir=desc").get_data(as_text=True)
    assert _names(first) == ["Carpathian Oil", "Baltic Timber"]  # Zephyr Foods has no "a"
    assert "Page 1 of 2" in first
    (following,) = _hrefs(first, "next")
    assert following == "/clients/?page=2&q=a&sort=name&dir=desc"
    second = owner.get(following).get_data(as_text=True)
    assert _names(second) == ["acme 100% Steel"]
    assert _hrefs(second, "prev") == ["/clients/?page=1&q=a&sort=name&dir=desc"]
    beyond = owner.get("/clients/?q=a&page=99").get_data(as_text=True)
    assert "Page 2 of 2" in beyond  # clamped to the last page
    # the search form keeps the order (hidden fields) and starts again on page 1
    form = first.split('class="list-search"', 1)[1].split("</form>", 1)[0]
    assert 'name="sort" value="name"' in form and 'name="dir" value="desc"' in form
    assert 'name="page"' not in form


def test_assessments_list(owner: FlaskClient, clients: dict[str, int]) -> None:
    baltic, zephyr = clients["Baltic Timber"], clients["Zephyr Foods"]
    a1 = new_assessment(owner, baltic, title="Spring health check")
    a2 = new_assessment(owner, zephyr, title="Autumn health check")
    a3 = new_assessment(owner, zephyr, title="Pilot")
    post_form(owner, f"/assessments/{a2}/status", {"status": "open"}, form_url=f"/assessments/{a2}")
    page = owner.get("/assessments/").get_data(as_text=True)
    order = re.findall(r'<td[^>]*><a href="/assessments/(\d+)">', page)
    assert order == [str(a3), str(a2), str(a1)]  # newest first
    assert "Assessments" in page and 'href="/assessments/"' in page  # in the main menu
    by_title = re.findall(
        r'<td[^>]*><a href="/assessments/(\d+)">',
        owner.get("/assessments/?sort=title").get_data(True),
    )
    assert by_title == [str(a2), str(a3), str(a1)]
    by_client = owner.get("/assessments/?q=zephyr&sort=status&dir=desc").get_data(as_text=True)
    assert re.findall(r'<td[^>]*><a href="/assessments/(\d+)">', by_client) == [str(a2), str(a3)]
    assert "2 assessments match “zephyr”" in by_client
    one_client = owner.get(f"/assessments/?client={baltic}").get_data(as_text=True)
    assert re.findall(r'<td[^>]*><a href="/assessments/(\d+)">', one_client) == [str(a1)]
    assert "Client: Baltic Timber" in one_client
    client_page = owner.get(f"/clients/{zephyr}").get_data(as_text=True)
    assert f'href="/assessments/?client={zephyr}"' in client_page


def test_assessments_list_pages(
    owner: FlaskClient, clients: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(assessments_index, "PER_PAGE", 1)
    cid = clients["Baltic Timber"]
    for title in ("One", "Two"):
        new_assessment(owner, cid, title=title)
    first = owner.get(f"/assessments/?client={cid}&sort=title").get_data(as_text=True)
    assert ">One</a>" in first and ">Two</a>" not in first
    (following,) = _hrefs(first, "next")
    assert following == f"/assessments/?page=2&client={cid}&sort=title"
    assert ">Two</a>" in owner.get(following).get_data(as_text=True)


def _codes(page: str) -> list[str]:
    return re.findall(r"<td><code>(R\d+)</code></td>", page)


def test_respondents_search_filter_sort_and_pages(
    owner: FlaskClient, clients: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    aid = new_assessment(owner, clients["Baltic Timber"])
    add_people(
        owner,
        aid,
        "Anna Nowak, anna@baltic.eu, sales_rep, North\n"
        "Bogdan Popescu, , executive, South\n"
        "Chen Wei, chen@baltic.eu, sales_manager, North\n"
        "Dana Ionescu, , sales_rep, South\n"
        "Ewa Zielinska, , sales_ops, North",
    )
    url = f"/assessments/{aid}"
    page = owner.get(url).get_data(as_text=True)
    codes = _codes(page)
    assert len(codes) == 5
    north = owner.get(f"{url}?q=north").get_data(as_text=True)
    assert len(_codes(north)) == 3 and "3 respondents match “north”" in north
    assert len(_codes(owner.get(f"{url}?q=baltic.eu").get_data(as_text=True))) == 2
    assert _codes(owner.get(f"{url}?q=Dana").get_data(as_text=True)) == [codes[3]]
    # Sorted by role label in the page's language: English and Russian order differ.
    english = _codes(owner.get(f"{url}?sort=role").get_data(as_text=True))
    assert english[0] == codes[1]  # "Executive / sales director" first
    russian = _codes(
        owner.get(f"{url}?sort=role", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    )
    assert russian != english
    by_name_desc = _codes(owner.get(f"{url}?sort=name&dir=desc").get_data(as_text=True))
    assert by_name_desc == list(reversed(codes))
    # The state filter, the search and the order travel together.
    monkeypatch.setattr(assessment_page, "PER_PAGE", 2)
    first = owner.get(f"{url}?state=not_started&q=north&sort=name").get_data(as_text=True)
    assert _codes(first) == [codes[0], codes[2]] and "Page 1 of 2" in first
    (following,) = _hrefs(first, "next")
    assert following == f"{url}?page=2&state=not_started&q=north&sort=name#respondents"
    assert _codes(owner.get(following).get_data(as_text=True)) == [codes[4]]
    filters = first.split('class="filters"', 1)[1].split("</nav>", 1)[0]
    assert htmllib.unescape(filters).count("q=north&sort=name") == 4  # All and the three states
    header = re.search(r'aria-sort="ascending"><a class="sort" href="([^"]+)"', first)
    assert header and htmllib.unescape(header.group(1)) == (
        f"{url}?state=not_started&q=north&sort=name&dir=desc#respondents"
    )
    nobody = owner.get(f"{url}?q=zzz").get_data(as_text=True)
    assert "No respondent matches this search." in nobody


def test_lists_translated(owner: FlaskClient, clients: dict[str, int]) -> None:
    page = owner.get("/clients/?q=o", headers={"Accept-Language": "pl"}).get_data(as_text=True)
    assert "Szukaj klientów" in page and "Wyszukiwanie „o”: 3 klientów" in page

"""/staff/dashboard: who may see it, the figures and charts it shows, bad periods, and the CSV downloads."""
from __future__ import annotations

import csv
import html
import io

import pytest

from forum.extensions import db
from forum.models import User
from tests.conftest import login_as
from tests.factories import make_user
from tests.services import dashboard_data
from tests.services.dashboard_data import WHO


@pytest.fixture
def data(app):
    with app.app_context():
        return dashboard_data.build_with_viewers()


def _as(client, data, who):
    if data[who] is not None:
        login_as(client, data[who])
    return client


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.mark.parametrize("who", WHO)
def test_who_can_see_the_dashboard(client, data, who):
    response = _as(client, data, who).get("/staff/dashboard")
    if who == "visitor":
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    elif who in ("member", "author", "suspended"):
        assert response.status_code == 403
        assert "Only staff can see the community dashboard." in _text(response)
        assert "Questions asked" not in _text(response)
    else:
        assert response.status_code == 200
        assert "Community health" in _text(response)


@pytest.mark.parametrize("who", WHO)
def test_who_can_download_csv(client, data, who):
    response = _as(client, data, who).get("/staff/dashboard/figures.csv?days=7")
    expected = {"visitor": 302, "member": 403, "author": 403, "suspended": 403}.get(who, 200)
    assert response.status_code == expected
    assert (response.mimetype == "text/csv") == (expected == 200)


@pytest.mark.parametrize("who, shown", [("member", False), ("staff", True)])
def test_nav_link_only_for_staff(client, data, who, shown):
    assert ('href="/staff/dashboard"' in _text(_as(client, data, who).get("/questions"))) == shown


def test_page_shows_the_figures_and_the_change(client, data):
    page = _text(_as(client, data, "staff").get("/staff/dashboard?days=7"))
    assert 'aria-current="page">7 days' in page
    tile = page.split('data-figure="questions_asked"')[1].split("</div>")[0]
    assert '<p class="tile__value">8</p>' in tile and "+7" in tile and "vs 1 before" in tile
    answered = page.split('data-figure="answered_share"')[1].split("</div>")[0]
    assert "63%" in answered                                              # 5 of 8, rounded half up
    assert "2.0 h" in page.split('data-figure="first_answer_median_seconds"')[1].split("</div>")[0]
    assert "16.8 h" in page.split('data-figure="first_answer_p90_seconds"')[1].split("</div>")[0]  # 60,480 s
    assert "Members <strong>80%</strong> (4)" in page and "Staff <strong>20%</strong> (1)" in page
    assert "=SUM(A1) evening question" in page and f'href="/questions/{data["q5"]}/q5-new-question"' in page
    assert 'href="/questions?sort=unanswered"' in page and 'href="/staff/escalations"' in page
    assert "=HYPERLINK dark mode" in page and "+3" in page


def test_page_draws_three_labelled_charts_without_inline_styles(client, data):
    page = _text(_as(client, data, "staff").get("/staff/dashboard?days=7"))
    assert page.count('role="img" aria-labelledby="chart-') == 3
    for chart_id in ("chart-questions", "chart-first-answer", "chart-sla"):
        assert f'<title id="{chart_id}-title">' in page and f'<desc id="{chart_id}-desc">' in page
    assert "8 questions asked from 4 Mar to 10 Mar; 5 answered and 3 solved so far." in page
    assert "2 of 4 escalations opened from 4 Mar to 10 Mar were answered within their SLA (50%)." in page
    assert page.count("Show the data as a table") == 3
    assert "style=" not in page                                           # the CSP would drop them


def test_category_filter(client, data):
    page = _text(_as(client, data, "staff").get("/staff/dashboard?days=7&category=other"))
    assert '<p class="tile__value">1</p>' in page.split('data-figure="questions_asked"')[1].split("</div>")[0]
    assert 'href="/questions?sort=unanswered&category=other"' in page
    assert "Q1 hub offline" not in page and "Other" in page


@pytest.mark.parametrize("query, message", [
    ("since=2026-03-09&until=2026-03-01", "The end date is before the start date."),
    ("since=2026-03-01&until=2027-01-01", "The end date is in the future"),
    ("since=1900-01-01&until=1900-02-01", "Pick a start date from 01 January 2000 onwards."),
    ("since=2025-01-01&until=2026-03-01", "A period can cover at most 366 days"),
    ("since=2026-13-45", "Use a real date written as YYYY-MM-DD"),
    ("days=abc", "Days must be a whole number from 1 to 366"),
    ("category=nope", "There is no category “nope”."),
])
def test_bad_periods_show_a_message_not_a_500(client, data, query, message):
    response = _as(client, data, "staff").get(f"/staff/dashboard?{query}")
    assert response.status_code == 422
    assert message in _text(response)
    assert "The dashboard cannot show that period" in _text(response)


def _csv(response) -> list[list[str]]:
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_figures_csv(client, data):
    response = _as(client, data, "staff").get("/staff/dashboard/figures.csv?days=7")
    assert response.headers["Content-Disposition"] == \
        'attachment; filename="dashboard-figures-20260304-20260310.csv"'
    rows = _csv(response)
    assert rows[0] == ["figure", "label", "unit", "value", "previous", "change"]
    assert ["questions_asked", "Questions asked", "count", "8", "1", "7"] in rows
    assert ["answered_share", "Answered", "share", "0.625", "1.0", "-0.375"] in rows
    assert ["accepted_answer_median_seconds", "Median time to accepted answer", "seconds", "7200", "", ""] in rows


def test_csv_cells_cannot_run_as_formulas(client, data):
    unanswered = _csv(_as(client, data, "staff").get("/staff/dashboard/unanswered.csv?days=7"))
    assert unanswered[0] == ["id", "title", "bucket", "created_at", "age_seconds", "url"]
    assert [row[1] for row in unanswered[1:]] == ["Q00 old unanswered", "'=SUM(A1) evening question",
                                                  "Q6 morning question", "Q5 new question"]
    ideas = _csv(client.get("/staff/dashboard/top-ideas.csv?days=7"))
    assert ideas[1][1] == "'=HYPERLINK dark mode" and ideas[1][4:6] == ["3", "3"]


@pytest.mark.parametrize("table, header, first", [
    ("daily", "date", ["2026-03-04", "0", "0", "0", "", "", "0", "0", "0", ""]),
    ("backlog", "key", ["lt_1h", "Under 1 hour", "1"]),
    ("top-answerers-members", "username", ["anna", "2", "2"]),
    ("top-answerers-staff", "username", ["sven", "2", "1"]),
])
def test_every_table_downloads(client, data, table, header, first):
    rows = _csv(_as(client, data, "staff").get(f"/staff/dashboard/{table}.csv?days=7"))
    assert rows[0][0] == header and rows[1] == first


def test_unknown_table_and_bad_period_on_csv(client, data):
    _as(client, data, "staff")
    assert client.get("/staff/dashboard/passwords.csv").status_code == 404
    response = client.get("/staff/dashboard/daily.csv?since=2026-03-09&until=2026-03-01")
    assert response.status_code == 422 and "The end date is before the start date." in _text(response)


def test_a_fixed_number_of_queries_whatever_the_size(app, client, data):
    from tests.conftest import count_queries
    from tests.factories import make_category
    from tests.services.dashboard_data import _answer, _thread, at

    def statements() -> int:
        with app.app_context():
            engine = db.engine
        with count_queries(engine) as seen:
            assert client.get("/staff/dashboard?days=7").status_code == 200
        return len(seen)

    _as(client, data, "staff")
    with app.test_request_context():  # what a process reads once and keeps: not part of the page's cost
        from forum.i18n import site_language
        site_language()
    before = statements()
    with app.app_context():
        general = make_category("general")
        for n in range(12):  # more questions, answers and answerers than any list shows
            thread = _thread(db.session.get(User, data["m1"]), at(6, n), category=general, title=f"More {n}")
            _answer(thread, make_user(f"helper{n}"), at(6, n, 30), accept=n % 2 == 0)
        db.session.commit()
    assert statements() == before <= 45

"""Dashboard figures against hand-computed expectations on a fixed data set, on SQLite and PostgreSQL."""
from __future__ import annotations

import random

import pytest
import sqlalchemy as sa

from forum.dashboard import read, stats, workload
from forum.dashboard.period import parse_period
from forum.dashboard.sql import percentiles
from forum.errors import Invalid, PermissionDenied
from forum.extensions import db
from forum.models import User
from tests.services import dashboard_data
from tests.services.dashboard_data import NOW, at


@pytest.fixture
def data(ctx):
    return dashboard_data.build()


def _week(**args):
    return parse_period({"days": "7", **args}, NOW)


def test_period_presets_and_previous_period(ctx):
    period = _week()
    assert (period.since, period.until) == (at(4), NOW)
    assert (period.previous.since, period.previous.until) == (at(25, 12, month=2), at(4))
    assert period.day_list() == [f"2026-03-{d:02d}" for d in range(4, 11)]


def test_custom_dates_are_inclusive_and_stop_now(ctx):
    period = parse_period({"since": "2026-03-01", "until": "2026-03-05"}, NOW)
    assert (period.since, period.until, period.days) == (at(1), at(6), None)
    assert parse_period({"since": "2026-03-09", "until": "2026-03-10"}, NOW).until == NOW


@pytest.mark.parametrize("args, field", [
    ({"since": "2026-03-09", "until": "2026-03-01"}, "until"),          # reversed
    ({"since": "2026-03-01", "until": "2026-04-01"}, "until"),          # in the future
    ({"since": "1900-01-01", "until": "1900-01-31"}, "since"),          # absurd
    ({"since": "2024-01-01", "until": "2026-03-01"}, "since"),          # too long
    ({"since": "2026-02-30"}, "since"),                                 # no such day
    ({"since": "03/01/2026"}, "since"),
    ({"until": "2026-03-01"}, "since"),                                 # an end without a start
    ({"days": "0"}, "days"), ({"days": "-7"}, "days"), ({"days": "99999"}, "days"), ({"days": "week"}, "days"),
    ({"category": "nope"}, "category"),
])
def test_bad_periods_name_the_field(ctx, args, field):
    with pytest.raises(Invalid) as error:
        parse_period(args, NOW)
    assert field in error.value.fields


def test_question_figures(data):
    figures = stats.question_figures(_week())
    assert figures["questions_asked"] == 8                 # Q1-Q7 and Q9; Q8 is hidden
    assert figures["answered_share"] == 0.625              # 5 of 8
    assert figures["solved_share"] == 0.375                # 3 of 8
    # first answers after 600, 1800, 7200, 21600, 86400 s: median 7200; p90 at 3.6 -> 21600 + .6 * 64800
    assert figures["first_answer_median_seconds"] == 7200
    assert figures["first_answer_p90_seconds"] == 60480
    # accepted answers after 1800, 7200, 86400 s: p90 at 1.8 -> 7200 + .8 * 79200
    assert figures["accepted_answer_median_seconds"] == 7200
    assert figures["accepted_answer_p90_seconds"] == 70560
    assert figures["_first_answers"] == {"members": 4, "staff": 1, "total": 5}
    assert figures["first_answers_by_members_share"] == 0.8
    assert figures["_accepted_answers"] == {"members": 2, "staff": 1, "total": 3}
    assert figures["accepted_answers_by_members_share"] == 0.6667


def test_one_category(data):
    figures = stats.question_figures(_week(category="general"))
    assert figures["questions_asked"] == 7
    assert figures["answered_share"] == 0.5714
    assert figures["first_answer_median_seconds"] == 14400  # 1800, 7200, 21600, 86400: halfway at 1.5
    assert figures["first_answer_p90_seconds"] == 66960     # 21600 + .7 * 64800
    other = stats.question_figures(_week(category="other"))
    assert (other["questions_asked"], other["first_answer_median_seconds"]) == (1, 600)


def test_change_against_the_previous_period(data):
    result = read.dashboard(_week(), NOW)["figures"]
    assert result["questions_asked"] == {"value": 8, "previous": 1, "change": 7, "unit": "count"}
    assert result["first_answer_median_seconds"]["previous"] == 7200
    assert result["first_answer_median_seconds"]["change"] == 0
    assert result["first_answers_by_members_share"]["previous"] == 0.0   # Q0 was answered by staff
    assert result["first_answers_by_members_share"]["change"] == 0.8
    assert result["accepted_answer_median_seconds"]["previous"] is None
    assert result["accepted_answer_median_seconds"]["change"] is None


def test_daily_series(data):
    days = {row["date"]: row for row in stats.daily_questions(_week())}
    assert list(days) == [f"2026-03-{d:02d}" for d in range(4, 11)]
    assert days["2026-03-04"] == {"date": "2026-03-04", "asked": 0, "answered": 0, "solved": 0,
                                  "first_answer_median_seconds": None, "first_answer_p90_seconds": None}
    assert (days["2026-03-05"]["asked"], days["2026-03-05"]["answered"], days["2026-03-05"]["solved"]) == (2, 2, 2)
    assert (days["2026-03-05"]["first_answer_median_seconds"], days["2026-03-05"]["first_answer_p90_seconds"]) \
        == (4500, 6660)                                      # 1800 and 7200
    assert (days["2026-03-06"]["first_answer_median_seconds"], days["2026-03-06"]["first_answer_p90_seconds"]) \
        == (11100, 19500)                                    # 600 and 21600
    assert days["2026-03-10"]["asked"] == 2 and days["2026-03-10"]["answered"] == 0


def test_backlog_buckets_and_oldest(data):
    backlog = stats.backlog(_week(), NOW)
    assert [(b["key"], b["count"]) for b in backlog["buckets"]] == [
        ("lt_1h", 1), ("1_4h", 1), ("4_24h", 1), ("gt_24h", 1)]   # Q5, Q6, Q7, Q00; hidden Q8 left out
    assert backlog["total"] == 4
    assert [q["title"] for q in backlog["oldest"]] == [
        "Q00 old unanswered", "=SUM(A1) evening question", "Q6 morning question", "Q5 new question"]
    assert backlog["oldest"][-1]["url"] == f"/questions/{data['q5']}/q5-new-question"
    assert backlog["url"] == "/questions?sort=unanswered"
    assert stats.backlog(_week(category="other"), NOW)["total"] == 0


def test_backlog_boundaries(ctx):
    from datetime import timedelta

    from tests.factories import make_category, make_user
    from tests.services.dashboard_data import _thread
    general, asker = make_category("general"), make_user("asker")
    for hours in (1, 4, 24):  # exactly on a boundary counts in the older bucket
        _thread(asker, NOW - timedelta(hours=hours), category=general, title=f"t{hours}")
    db.session.commit()
    counts = [b["count"] for b in stats.backlog(_week(), NOW)["buckets"]]
    assert counts == [0, 1, 1, 1]


def test_escalation_figures(data):
    figures = workload.escalation_figures(_week(), NOW)
    assert figures["escalations_opened"] == 5
    assert figures["escalations_resolved"] == 3
    assert figures["escalation_first_reply_median_seconds"] == 64800   # 21600 and 108000
    assert figures["_sla"] == {"met": 2, "decided": 4}                  # one not yet due
    assert figures["escalations_within_sla_share"] == 0.5
    assert workload.breached_now(_week(), NOW) == 1
    assert workload.breached_now(_week(category="other"), NOW) == 0


def test_daily_sla(data):
    days = workload.daily_sla(_week(), NOW)
    assert {day: (row["escalations_met"], row["escalations_decided"], row["sla_share"])
            for day, row in days.items()} == {
        "2026-03-05": (1, 1, 1.0), "2026-03-06": (0, 1, 0.0), "2026-03-08": (0, 1, 0.0), "2026-03-10": (1, 1, 1.0)}
    assert days["2026-03-10"]["escalations_opened"] == 2


def test_moderation_figures(data):
    assert workload.moderation_figures(_week()) == {
        "flags_raised": 3, "flag_handling_median_seconds": 9000, "posts_hidden": 2}
    assert workload.moderation_figures(_week().previous) == {
        "flags_raised": 1, "flag_handling_median_seconds": 1800, "posts_hidden": 1}


def test_idea_figures_and_top_ideas(data):
    assert workload.idea_figures(_week()) == {"ideas_submitted": 1, "idea_votes_cast": 4, "idea_status_changes": 1}
    top = workload.top_ideas(_week())
    assert [(idea["id"], idea["votes_gained"], idea["votes_total"]) for idea in top] == [
        (data["i1"], 3, 3), (data["i2"], 1, 2)]                       # the hidden idea's vote is left out


def test_top_answerers(data):
    top = stats.top_answerers(_week())
    assert top["members"] == [{"username": "anna", "answers": 2, "accepted": 2},
                              {"username": "bert", "answers": 2, "accepted": 0}]   # m2's hidden answer left out
    assert top["staff"] == [{"username": "sven", "answers": 2, "accepted": 1}]
    assert stats.top_answerers(_week(category="other"))["members"] == [{"username": "bert", "answers": 1,
                                                                         "accepted": 0}]


def test_empty_period_has_no_figures_not_errors(ctx):
    result = read.dashboard(_week(), NOW)
    assert result["figures"]["questions_asked"]["value"] == 0
    assert result["figures"]["answered_share"]["value"] is None
    assert result["figures"]["first_answer_median_seconds"]["value"] is None
    assert result["backlog"]["total"] == 0 and result["top_ideas"] == []


@pytest.mark.parametrize("values, expected", [
    ([5], (5, 5)), ([1, 2], (1.5, 1.9)), ([10, 20, 30, 40], (25, 37)), ([3, 1, 2, 100, 7, 7], (5, 53.5)),
])
def test_percentiles_interpolate_like_percentile_cont(ctx, values, expected):
    subquery = sa.union_all(*[sa.select(sa.literal(value).label("v")) for value in values]).subquery()
    for method in ("window", "cont") if db.engine.dialect.name == "postgresql" else ("window",):
        row = db.session.execute(percentiles(subquery, (0.5, 0.9), method=method)).one()
        assert tuple(round(float(v), 6) for v in row) == expected, method


def test_both_percentile_forms_agree_on_random_data(ctx, backend):
    """On PostgreSQL, the SQLite window form and percentile_cont return the same numbers per group."""
    if backend != "postgres":
        pytest.skip("percentile_cont exists only on PostgreSQL; the SQLite form is checked by hand above")
    rng = random.Random(8)
    rows = [(rng.randrange(5), rng.randrange(0, 10 ** 6)) for _ in range(997)]
    values = sa.values(sa.column("g", sa.Integer), sa.column("v", sa.BigInteger), name="vals").data(rows)
    subquery = sa.select(values.c.g, values.c.v).subquery()
    results = [db.session.execute(percentiles(subquery, (0.5, 0.9, 0.99), group="g", method=method)).all()
               for method in ("window", "cont")]
    window, cont = ({row[0]: [round(float(v), 6) for v in row[1:]] for row in result} for result in results)
    assert window == cont and len(window) == 5


def test_members_cannot_read_the_figures(data):
    member = db.session.get(User, data["m1"])
    with pytest.raises(PermissionDenied):
        read.dashboard_for(actor=member, args={})
    with pytest.raises(PermissionDenied):
        read.dashboard_for(actor=None, args={})
    staff = db.session.get(User, data["s1"])
    period, result = read.dashboard_for(actor=staff, args={"days": "7"})
    assert period.days == 7 and result["figures"]["questions_asked"]["value"] == 8

"""The benchmark reads the posting target's own figure, the server's time, from gunicorn's access log."""
from __future__ import annotations

from bench.pages import _server_times
from bench.report import _server_text


def test_the_timed_answers_server_times_come_from_the_access_log_after_the_warm_up(tmp_path) -> None:
    log = tmp_path / "gunicorn.log"
    log.write_text("x INFO forum.access: request_id=a method=POST path=/api/v1/questions/1/answers status=201 "
                   "duration_ms=120.5\n")  # a warm-up post, before the timed ones start
    start = log.stat().st_size
    with log.open("a") as handle:
        handle.write("x INFO forum.access: request_id=b method=POST path=/api/v1/questions/2/answers status=201 "
                     "duration_ms=14.2 user_id=1\n")
        handle.write("x INFO forum.access: request_id=c method=GET path=/questions/2 status=200 duration_ms=3.0\n")
        handle.write("x INFO forum.access: request_id=d method=POST path=/api/v1/questions/3/answers status=409 "
                     "duration_ms=5.0\n")
        handle.write("x INFO forum.access: request_id=e method=POST path=/api/v1/questions/4/answers status=201 "
                     "duration_ms=16.0 user_id=1\n")
    assert _server_times(log, start) == [14.2, 16.0]


def test_the_report_says_when_a_run_recorded_no_server_times() -> None:
    assert "not recorded" in _server_text({"median_ms": 20.0})
    text = _server_text({"server_median_ms": 14.0, "server_p90_ms": 18.0, "server_p99_ms": 40.0,
                         "server_max_ms": 60.0, "warm_posts": 10, "warm_max_ms": 120.0})
    assert "median 14.0 ms" in text and "p99 40.0 ms" in text and "after 10 untimed posts" in text

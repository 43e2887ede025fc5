"""The alert page's matching posts: rows carry the kind and the watch's words (marked like the listening page), a
post a moderator has hidden since is left out for staff who may not see hidden posts, and the notice form's
default updates thread is a thread, never an anchor."""
from __future__ import annotations

from datetime import datetime, timedelta

from forum import clock
from forum.listening import alerts, watches
from forum.models import Role
from forum.moderation import services as moderation
from tests.factories import make_answer, make_thread, make_user

NOW = datetime(2026, 11, 30, 14, 30)


def test_matching_posts_rows_and_hidden_ones_left_out(ctx):
    staff, moderator = make_user(role=Role.STAFF), make_user(role=Role.MODERATOR)
    watch = watches.create_watch(actor=staff, name="Offline", terms=["offline"])
    threads = []
    for n in range(6):
        clock.freeze(NOW - timedelta(minutes=10 - n))
        threads.append(make_thread(make_user(), title=f"Hub offline again, report {n}", body="It went offline."))
    answer = make_answer(threads[0], make_user(), body="Mine goes offline too.")
    clock.freeze(NOW)
    alert = next(a for a in alerts.detect_spikes().opened if a.watch_id == watch.id)
    moderation.hide_post(actor=moderator, post=threads[5].question, note="spam")

    seen = alerts.matching_posts(alert, viewer=staff)
    assert [p.title for p in seen][:1] == ["Hub offline again, report 0"]  # the answer, newest: its thread's title
    assert seen[0].kind == "answer" and seen[0].url.endswith(f"#post-{answer.id}")
    assert seen[0].thread_id == threads[0].id and seen[0].terms == ["offline"]
    assert "Hub offline again, report 5" not in [p.title for p in seen]
    assert "Hub offline again, report 5" in [p.title for p in alerts.matching_posts(alert, viewer=moderator)]


def test_the_alert_page_marks_the_words_and_prefills_a_thread_number(app, client):
    with app.app_context():
        staff = make_user(role=Role.STAFF)
        watches.create_watch(actor=staff, name="Offline", terms=["offline"])
        for n in range(6):
            clock.freeze(NOW - timedelta(minutes=10 - n))
            thread = make_thread(make_user(), title=f"Hub offline again, report {n}", body="It went offline.")
        make_answer(thread, make_user(), body="Mine goes offline too.")
        clock.freeze(NOW)
        alert_id = next(a.id for a in alerts.detect_spikes().opened if a.watch_id)
        staff_id, thread_id = staff.id, thread.id
    from tests.conftest import login_as
    login_as(client, staff_id)
    page = client.get(f"/staff/alerts/{alert_id}").get_data(as_text=True)
    assert 'class="alert-post"' in page and "<mark>offline</mark>" in page and "css/listening." in page
    assert f'name="thread_id" value="{thread_id}"' in page
    assert "Hub <mark>offline</mark> again, report 5" in page  # the title's matched word marked too

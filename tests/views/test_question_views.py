"""Question pages: lists, ask, thread, answer, edit with history, votes, accept, delete, bad input."""
from __future__ import annotations

import html
from datetime import datetime

import pytest
import sqlalchemy as sa
from flask import Flask

from forum import clock, viewcounts
from forum.extensions import db
from forum.models import Post, Role, Thread, User, Vote
from forum.questions import services
from tests.conftest import login_as
from tests.factories import make_answer, make_category, make_thread, make_user


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def thread_ids(app: Flask) -> dict:
    """An asker's question with one answer by someone else; ids only."""
    with app.app_context():
        make_category("general")
        make_category("billing")
        asker, answerer, other = make_user("asker"), make_user("answerer"), make_user("other")
        staff = make_user("staffer", role=Role.STAFF)
        thread = make_thread(asker, title="Router keeps dropping Wi-Fi", body="Since **Monday**.", tags=["wifi"])
        answer = make_answer(thread, answerer, body="Update the firmware.")
        return {"asker": asker.id, "answerer": answerer.id, "other": other.id, "staff": staff.id,
                "thread": thread.id, "slug": thread.slug, "question": thread.question.id, "answer": answer.id}


# -- lists -------------------------------------------------------------------------------------

@pytest.mark.parametrize("query", [
    "", "?sort=newest", "?sort=top", "?sort=unanswered", "?sort=active", "?sort=bogus", "?sort=",
    "?page=999999", "?page=-3", "?page=abc", "?page=0", "?page=1e9", "?page=" + "9" * 40, "?per_page=100000",
    "?status=solved", "?status=unsolved", "?status=weird", "?category=general", "?category=nope",
    "?tag=wifi", "?tag=" + "x" * 500, "?category=general&tag=wifi&status=unsolved&sort=top&page=2",
])
def test_list_never_fails(client, thread_ids, query):
    response = client.get("/questions" + query)
    assert response.status_code == 200, query
    assert client.get("/" + query).status_code == 200


def test_list_filters_show_the_right_questions(app, client, thread_ids):
    with app.app_context():
        solved = make_thread(title="Billing question that got solved", category="billing")
        services.accept_answer(actor=solved.author, answer=make_answer(solved))
        make_thread(title="Nobody answered this one yet", category="billing")
    assert "Router keeps dropping Wi-Fi" in _text(client.get("/questions?category=general"))
    assert "Router keeps dropping Wi-Fi" not in _text(client.get("/questions?category=billing"))
    solved_page = _text(client.get("/questions?status=solved"))
    assert "Billing question that got solved" in solved_page and "Router keeps" not in solved_page
    unsolved_page = _text(client.get("/questions?status=unsolved"))
    assert "Billing question that got solved" not in unsolved_page and "Router keeps" in unsolved_page
    unanswered = _text(client.get("/questions?sort=unanswered"))
    assert "Nobody answered this one yet" in unanswered and "Router keeps" not in unanswered
    assert "Router keeps" in _text(client.get("/questions?tag=WIFI"))
    assert "Router keeps" not in _text(client.get("/questions?tag=mesh"))


def test_list_pages_by_twenty_with_links(app, client):
    with app.app_context():
        author = make_user()
        for number in range(23):
            make_thread(author, title=f"Numbered question {number:02d} here")
    first, second = _text(client.get("/questions?sort=newest")), _text(client.get("/questions?sort=newest&page=2"))
    assert first.count("Numbered question") == 20 and second.count("Numbered question") == 3
    assert "page=2" in first
    assert "Numbered question 22" in first and "Numbered question 00" in second
    assert _text(client.get("/questions?sort=newest&page=999999")).count("Numbered question") == 3  # last page


SOLVED_MARK = 'title="Solved: an answer was accepted"'


def test_list_marks_solved_questions(app, client, thread_ids):
    assert SOLVED_MARK not in client.get("/questions").get_data(as_text=True)
    with app.app_context():
        services.accept_answer(actor=db.session.get(User, thread_ids["asker"]),
                               answer=db.session.get(Post, thread_ids["answer"]))
    assert client.get("/questions").get_data(as_text=True).count(SOLVED_MARK) == 1
    assert client.get("/questions?status=solved").get_data(as_text=True).count(SOLVED_MARK) == 1


# -- thread page -------------------------------------------------------------------------------

def test_thread_page_and_slug_redirect(client, thread_ids):
    page = client.get(f"/questions/{thread_ids['thread']}/{thread_ids['slug']}")
    assert page.status_code == 200
    text = _text(page)
    assert "Router keeps dropping Wi-Fi" in text and "<strong>Monday</strong>" in text and "Update the firmware." in text
    for path in (f"/questions/{thread_ids['thread']}", f"/questions/{thread_ids['thread']}/wrong-slug"):
        response = client.get(path)
        assert response.status_code == 301
        assert response.headers["Location"] == f"/questions/{thread_ids['thread']}/{thread_ids['slug']}"


@pytest.mark.parametrize("path", ["/questions/999999", "/questions/999999/x", "/posts/999999/edit",
                                  "/posts/999999/revisions", "/users/nobody-at-all"])
def test_unknown_ids_are_404(app, client, thread_ids, path):
    login_as(client, thread_ids["asker"])
    response = client.get(path)
    assert response.status_code == 404
    assert "does not exist" in _text(response) or "No member" in _text(response)


@pytest.mark.parametrize("path", ["/questions/999999/answers", "/posts/999999/vote", "/posts/999999/accept",
                                  "/posts/999999/unaccept", "/posts/999999/delete", "/posts/999999/edit"])
def test_unknown_ids_on_posts_are_404(client, thread_ids, path):
    login_as(client, thread_ids["other"])
    assert client.post(path, data={"body": "hello there", "value": "1"}).status_code == 404


def test_hidden_thread_is_404_for_members(app, client, thread_ids):
    with app.app_context():
        db.session.get(Thread, thread_ids["thread"]).is_hidden = True
        db.session.commit()
    assert client.get(f"/questions/{thread_ids['thread']}/{thread_ids['slug']}").status_code == 404
    login_as(client, thread_ids["other"])
    assert client.get(f"/questions/{thread_ids['thread']}/{thread_ids['slug']}").status_code == 404


def test_every_visitor_view_counts_and_a_member_reload_does_not(app, client, thread_ids):
    url = f"/questions/{thread_ids['thread']}/{thread_ids['slug']}"
    for _ in range(3):
        response = client.get(url)
        assert "Set-Cookie" not in response.headers  # a visitor's page stays cacheable whole
    app.test_client().get(url)
    member = app.test_client()
    login_as(member, thread_ids["other"])
    for _ in range(2):
        member.get(url)
    client.get(f"/questions/{thread_ids['thread']}/wrong-slug")  # a redirect is not a view
    with app.app_context():
        assert db.session.get(Thread, thread_ids["thread"]).view_count == 0  # buffered, not yet written
        db.session.rollback()  # outside a request SQLite's transactions are IMMEDIATE: let the flush write
        assert viewcounts.flush() == 5
        assert db.session.get(Thread, thread_ids["thread"]).view_count == 5


def test_accepted_answer_is_first_and_marked(app, client, thread_ids):
    with app.app_context():
        thread = db.session.get(Thread, thread_ids["thread"])
        popular = make_answer(thread, body="Popular but not accepted.")
        for _ in range(3):
            services.vote_post(actor=make_user(), post=popular, value=1)
        services.accept_answer(actor=db.session.get(User, thread_ids["asker"]),
                               answer=db.session.get(Post, thread_ids["answer"]))
    text = _text(client.get(f"/questions/{thread_ids['thread']}/{thread_ids['slug']}"))
    assert text.index("Update the firmware.") < text.index("Popular but not accepted.")
    assert "Accepted answer" in text and "Solved" in text


# -- ask ---------------------------------------------------------------------------------------

def test_ask_requires_login(client):
    response = client.get("/questions/ask")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")
    assert client.post("/questions/ask", data={}).status_code == 302


def test_ask_form_and_success(app, client, thread_ids):
    login_as(client, thread_ids["other"])
    form = client.get("/questions/ask")
    assert form.status_code == 200 and 'value="general"' in form.get_data(as_text=True)
    response = client.post("/questions/ask", data={"title": "My printer will not pair at all", "body": "Help!",
                                                   "category": "general", "tags": "printer, Pairing"})
    assert response.status_code == 302
    with app.app_context():
        thread = db.session.scalars(sa.select(Thread).where(Thread.title == "My printer will not pair at all")).one()
        assert response.headers["Location"] == f"/questions/{thread.id}/{thread.slug}"
        assert sorted(t.name for t in thread.tags) == ["pairing", "printer"]


def test_ask_bad_input_keeps_everything_typed(client, thread_ids):
    login_as(client, thread_ids["other"])
    response = client.post("/questions/ask", data={"title": "short <b>", "body": "Body I typed\nwith <lines>",
                                                   "category": "nope", "tags": "a b c d e f"})
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="short &lt;b&gt;"' in text and "Body I typed\nwith &lt;lines&gt;" in text
    assert 'value="a b c d e f"' in text
    plain = html.unescape(text)
    assert "Sum up the problem in a sentence: at least 10 characters (it has 9)." in plain
    assert "That category does not exist." in plain and "Use at most 5 tags." in plain


def test_ask_refused_for_suspended_member(app, client, thread_ids):
    with app.app_context():
        user = db.session.get(User, thread_ids["other"])
        user.suspended_until = datetime(2999, 1, 1)
        db.session.commit()
    login_as(client, thread_ids["other"])
    response = client.post("/questions/ask", data={"title": "A perfectly fine title", "body": "Body text",
                                                   "category": "general"})
    assert response.status_code == 403 and "suspended" in _text(response)


# -- answer ------------------------------------------------------------------------------------

def test_answer_posts_and_redirects_to_it(app, client, thread_ids):
    login_as(client, thread_ids["other"])
    response = client.post(f"/questions/{thread_ids['thread']}/answers", data={"body": "Reboot the hub."})
    assert response.status_code == 302
    with app.app_context():
        post = db.session.scalars(sa.select(Post).where(Post.body_md == "Reboot the hub.")).one()
    assert response.headers["Location"].endswith(f"#post-{post.id}")


@pytest.mark.parametrize("body", ["", "x", "y" * 50_001])
def test_answer_bad_input_rerenders_thread_with_text(client, thread_ids, body):
    login_as(client, thread_ids["other"])
    response = client.post(f"/questions/{thread_ids['thread']}/answers", data={"body": body})
    text = _text(response)
    assert response.status_code == 422
    assert "Router keeps dropping Wi-Fi" in text and 'aria-invalid="true"' in text
    if body:
        assert body in text


def test_answer_on_locked_thread_is_403(app, client, thread_ids):
    with app.app_context():
        db.session.get(Thread, thread_ids["thread"]).is_locked = True
        db.session.commit()
    login_as(client, thread_ids["other"])
    response = client.post(f"/questions/{thread_ids['thread']}/answers", data={"body": "Too late"})
    assert response.status_code == 403 and "locked" in _text(response)


# -- edit and revisions ------------------------------------------------------------------------

@pytest.mark.parametrize("who, status", [("asker", 200), ("staff", 200), ("answerer", 403), ("other", 403)])
def test_edit_page_permissions(client, thread_ids, who, status):
    login_as(client, thread_ids[who])
    assert client.get(f"/posts/{thread_ids['question']}/edit").status_code == status


def test_edit_someone_elses_post_is_403_and_changes_nothing(app, client, thread_ids):
    login_as(client, thread_ids["other"])
    response = client.post(f"/posts/{thread_ids['answer']}/edit", data={"body": "vandalised"})
    assert response.status_code == 403
    with app.app_context():
        assert db.session.get(Post, thread_ids["answer"]).body_md == "Update the firmware."


def test_edit_bad_input_keeps_text(client, thread_ids):
    login_as(client, thread_ids["asker"])
    response = client.post(f"/posts/{thread_ids['question']}/edit", data={"title": "tiny", "body": "Kept body text"})
    text = _text(response)
    assert response.status_code == 422
    assert 'value="tiny"' in text and "Kept body text" in text and "Sum up the problem in a sentence: at least 10 characters (it has 4)." in text


def test_edit_then_history_shows_editor_and_time(app, client, thread_ids):
    clock.freeze(datetime(2030, 3, 4, 5, 6, 7))
    login_as(client, thread_ids["staff"])
    response = client.post(f"/posts/{thread_ids['question']}/edit",
                           data={"title": "Router keeps dropping Wi-Fi at night", "body": "Since Monday night."})
    assert response.status_code == 302
    history = client.get(f"/posts/{thread_ids['question']}/revisions")
    text = _text(history)
    assert history.status_code == 200
    assert "staffer" in text and "asker" in text
    assert "2030-03-04T05:06:07" in text
    assert text.index("Since Monday night.") < text.index("Since **Monday**.")  # newest first
    assert "Router keeps dropping Wi-Fi at night" in text
    thread_page = _text(client.get(f"/questions/{thread_ids['thread']}/router-keeps-dropping-wi-fi-at-night"))
    assert "Router keeps dropping Wi-Fi at night" in thread_page


# -- votes -------------------------------------------------------------------------------------

def test_vote_as_form_post_and_json(app, client, thread_ids):
    login_as(client, thread_ids["other"])
    response = client.post(f"/posts/{thread_ids['answer']}/vote", data={"value": "1"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#post-{thread_ids['answer']}")
    response = client.post(f"/posts/{thread_ids['answer']}/vote", data={"value": "-1"},
                           headers={"Accept": "application/json"})
    assert response.status_code == 200 and response.get_json() == {"score": -1, "my_vote": -1}
    with app.app_context():
        assert db.session.scalar(sa.select(Vote.value)) == -1


@pytest.mark.parametrize("value", ["2", "abc", "", "--1", "1.5", "999999999999999999999999", "\u00b2", "-"])
def test_vote_bad_value_is_422_not_500(client, thread_ids, value):
    login_as(client, thread_ids["other"])
    response = client.post(f"/posts/{thread_ids['answer']}/vote", data={"value": value})
    assert response.status_code == 422


def test_self_vote_is_403(client, thread_ids):
    login_as(client, thread_ids["answerer"])
    response = client.post(f"/posts/{thread_ids['answer']}/vote", data={"value": "1"})
    assert response.status_code == 403 and "own post" in _text(response)


def test_visitor_vote_goes_to_login(client, thread_ids):
    response = client.post(f"/posts/{thread_ids['answer']}/vote", data={"value": "1"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# -- accept and delete -------------------------------------------------------------------------

@pytest.mark.parametrize("who, status", [("asker", 302), ("staff", 302), ("answerer", 403), ("other", 403)])
def test_accept_permissions(app, client, thread_ids, who, status):
    login_as(client, thread_ids[who])
    assert client.post(f"/posts/{thread_ids['answer']}/accept").status_code == status
    with app.app_context():
        thread = db.session.get(Thread, thread_ids["thread"])
        assert (thread.status == "solved") == (status == 302)


def test_accept_twice_is_409_then_unaccept(app, client, thread_ids):
    login_as(client, thread_ids["asker"])
    assert client.post(f"/posts/{thread_ids['answer']}/accept").status_code == 302
    assert client.post(f"/posts/{thread_ids['answer']}/accept").status_code == 409
    assert client.post(f"/posts/{thread_ids['question']}/accept").status_code == 403
    assert client.post(f"/posts/{thread_ids['answer']}/unaccept").status_code == 302
    assert client.post(f"/posts/{thread_ids['answer']}/unaccept").status_code == 409
    with app.app_context():
        assert db.session.get(Thread, thread_ids["thread"]).status == "open"


def test_delete_answer_by_author_only(app, client, thread_ids):
    login_as(client, thread_ids["other"])
    assert client.post(f"/posts/{thread_ids['answer']}/delete").status_code == 403
    login_as(client, thread_ids["answerer"])
    assert client.post(f"/posts/{thread_ids['answer']}/delete").status_code == 302
    with app.app_context():
        assert db.session.get(Post, thread_ids["answer"]) is None
        assert db.session.get(Thread, thread_ids["thread"]).answer_count == 0


def test_delete_answer_with_votes_is_refused(app, client, thread_ids):
    with app.app_context():
        services.vote_post(actor=db.session.get(User, thread_ids["other"]),
                           post=db.session.get(Post, thread_ids["answer"]), value=1)
    login_as(client, thread_ids["answerer"])
    assert client.post(f"/posts/{thread_ids['answer']}/delete").status_code == 409  # state, not person: one code
    with app.app_context():
        assert db.session.get(Post, thread_ids["answer"]) is not None


# -- preview, similar --------------------------------------------------------------------------

def test_preview_renders_sanitized_markdown(client, thread_ids):
    login_as(client, thread_ids["other"])
    response = client.post("/preview", data={"body": "**bold** <script>alert(1)</script> [x](javascript:alert(1))"})
    assert response.status_code == 200
    rendered = response.get_json()["html"]
    assert "<strong>bold</strong>" in rendered and "<script" not in rendered and 'href="javascript' not in rendered


def test_similar_titles(client, thread_ids):
    response = client.get("/questions/similar?q=router dropping")
    assert response.status_code == 200
    assert [item["title"] for item in response.get_json()["items"]] == ["Router keeps dropping Wi-Fi"]
    assert client.get("/questions/similar?q=" + "%" * 500).status_code == 200


# -- hostile input -----------------------------------------------------------------------------

@pytest.mark.parametrize("path_key, data", [
    ("ask", {"title": "A perfectly fine\x00 title", "body": "x", "category": "general"}),
    ("answer", {"body": "nul \x00 here"}),
    ("edit", {"body": "nul \x00 here"}),
    ("login", {"login": "carol\x00", "password": "x"}),
    ("register", {"username": "a\x00b", "email": "x@example.com", "password": "12345678"}),
])
def test_nul_bytes_come_back_as_the_form_with_a_message(client, thread_ids, path_key, data):
    """Issue 17: not a bare 400 page; the form again, the typed text minus the NUL, the field named."""
    if path_key not in ("login", "register"):
        login_as(client, thread_ids["asker"])
    path = {"ask": "/questions/ask", "answer": f"/questions/{thread_ids['thread']}/answers",
            "edit": f"/posts/{thread_ids['question']}/edit", "login": "/login", "register": "/register"}[path_key]
    response = client.post(path, data=data)
    assert response.status_code == 422 and "NUL" in _text(response)
    _field, typed = next((key, value) for key, value in data.items() if "\x00" in value)
    assert typed.replace("\x00", "") in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/questions?tag=a%00b", "/questions?category=%00", "/questions/similar?q=%00router",
                                  "/questions?sort=top&sort=%00", "/users/a%00b", "/reset-password/a%00b"])
def test_nul_in_a_get_url_is_400(client, thread_ids, path):
    """PostgreSQL would fail on these in SQL; they are refused at the door on every backend."""
    response = client.get(path)
    assert response.status_code == 400 and "NUL" in _text(response)


def test_nul_in_a_repeated_form_field_is_400(client, thread_ids):
    login_as(client, thread_ids["asker"])
    response = client.post(f"/questions/{thread_ids['thread']}/answers", data={"body": ["fine text", "bad\x00"]})
    assert response.status_code in (400, 422) and "NUL" in _text(response)


@pytest.mark.parametrize("method, path", [
    ("get", "/questions/99999999999999999999"), ("get", "/questions/2147483648/slug"),
    ("get", "/posts/99999999999999999999/edit"), ("get", "/posts/99999999999999999999/revisions"),
    ("post", "/posts/99999999999999999999/vote"), ("post", "/posts/99999999999999999999/accept"),
    ("post", "/questions/99999999999999999999/answers"), ("post", "/settings/tokens/99999999999999999999/delete"),
])
def test_ids_beyond_the_integer_range_are_404_not_500(client, thread_ids, method, path):
    login_as(client, thread_ids["asker"])
    assert getattr(client, method)(path, data={"value": "1", "body": "hello"}).status_code == 404


def test_too_large_request_is_413_with_a_clear_message(client, thread_ids):
    login_as(client, thread_ids["asker"])
    response = client.post(f"/questions/{thread_ids['thread']}/answers", data={"body": "x" * (1024 * 1024 + 10)})
    assert response.status_code == 413 and "too large" in _text(response)
    response = client.post(f"/questions/{thread_ids['thread']}/answers", data={"body": "x" * (1024 * 1024 + 10)},
                           headers={"Accept": "application/json"})
    assert response.status_code == 413 and response.get_json()["error"]["code"] == "too_large"


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404 and "does not exist" in _text(response)


def test_wrong_method_is_405_not_500(client, thread_ids):
    assert client.get(f"/posts/{thread_ids['answer']}/vote").status_code == 405


def test_hidden_question_text_is_not_shown_to_visitors(app, client, thread_ids):
    from forum.moderation import services as moderation
    with app.app_context():
        moderator = make_user("mod", role=Role.MODERATOR)
        moderation.hide_post(actor=moderator, post=db.session.get(Post, thread_ids["question"]), note="personal data")
    text = _text(client.get(f"/questions/{thread_ids['thread']}/{thread_ids['slug']}"))
    assert "Monday" not in text



# -- no 500 anywhere ---------------------------------------------------------------------------

JUNK_FORMS = [{}, {"title": "x" * 200, "body": "\u202e\ufeff" * 10, "category": ["a", "b"], "tags": "#" * 100},
              {"value": "1e3", "body": "<script>alert(1)</script>", "login": "a" * 5000, "password": "é" * 3000,
               "email": "@@", "username": "../../etc", "current_password": "", "new_password": "x" * 2000}]


@pytest.mark.parametrize("who", ["visitor", "other", "asker", "staff"])
def test_no_500_on_any_foundation_page_or_form(app, client, thread_ids, who):
    if who != "visitor":
        login_as(client, thread_ids[who])
    t, q, a = thread_ids["thread"], thread_ids["question"], thread_ids["answer"]
    gets = ["/", "/questions", f"/questions/{t}", f"/questions/{t}/{thread_ids['slug']}", "/questions/ask",
            f"/posts/{q}/edit", f"/posts/{a}/edit", f"/posts/{q}/revisions", f"/posts/{a}/revisions", "/login",
            "/register", "/reset-password", "/reset-password/x.y.z", "/settings", "/users/asker", "/questions/similar",
            "/questions/similar?q=" + "%25_" * 100, "/api/v1/questions", f"/api/v1/questions/{t}", "/api/v1/me",
            "/api/v1/categories", "/api/v1/openapi.json", "/questions?page=1&page=2&sort=top&sort=x"]
    for path in gets:
        assert client.get(path).status_code < 500, path
    posts = [f"/questions/{t}/answers", f"/posts/{a}/vote", f"/posts/{q}/vote", f"/posts/{a}/accept",
             f"/posts/{a}/unaccept", f"/posts/{q}/edit", f"/posts/{a}/edit", "/questions/ask", "/preview",
             "/settings/password", "/settings/tokens", "/login", "/register", "/reset-password", "/logout",
             f"/posts/{a}/delete", f"/posts/{q}/delete"]
    for path in posts:
        for form in JUNK_FORMS:
            assert client.post(path, data=form).status_code < 500, (path, form)
    for method, path in [("post", "/api/v1/questions"), ("post", f"/api/v1/questions/{t}/answers"),
                         ("patch", f"/api/v1/posts/{q}"), ("post", f"/api/v1/posts/{a}/vote"),
                         ("post", f"/api/v1/posts/{a}/accept"), ("delete", f"/api/v1/posts/{a}/accept")]:
        for payload in ({}, {"title": None, "body": None, "value": None, "tags": [None]},
                        {"title": {"x": 1}, "body": 1e308, "category": [], "value": 10**40}):
            assert getattr(client, method)(path, json=payload).status_code < 500, (method, path, payload)


def test_personal_data_edited_out_leaves_the_public_history(app, client):
    """The earlier version with a phone number is withheld from others, readable by its author."""
    with app.app_context():
        author, reader = make_user("phoner"), make_user("reader")
        answer = services.post_answer(actor=author, thread=make_thread(), body="Call me on +44 20 7946 0958 about it.",
                                      confirm_public=True)
        services.edit_post(actor=author, post=answer, body="Ask me here in the thread instead.")
        ids = {"author": author.id, "reader": reader.id, "post": answer.id}
    login_as(client, ids["reader"])
    text = client.get(f"/posts/{ids['post']}/revisions").get_data(as_text=True)
    assert "7946" not in text and "only its author and moderators can read it" in text
    assert "Ask me here in the thread instead." in text
    login_as(client, ids["author"])
    assert "7946 0958" in client.get(f"/posts/{ids['post']}/revisions").get_data(as_text=True)

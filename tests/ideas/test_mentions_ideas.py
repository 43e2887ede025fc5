"""@mentions in idea descriptions and idea comments (issue 16, item 4): linked and told as in answers, never for
hidden or held content, never to the author, once per mention."""
from __future__ import annotations

import sqlalchemy as sa

from forum.extensions import db
from forum.ideas import services as ideas
from forum.models import Notification, Role, User
from tests.conftest import login_as
from tests.factories import make_idea, make_user


def _mentions(user_id: int) -> list[Notification]:
    return list(db.session.scalars(sa.select(Notification).where(Notification.user_id == user_id,
                                                                 Notification.kind == "mention")))


def test_a_mention_in_an_idea_links_and_tells_the_member(ctx):
    author, kelly = make_user("author"), make_user("kellyb")
    idea = make_idea(author, title="Dark mode for the app", body="Like @KellyB said, the app is too bright at night.")
    assert 'href="/users/kellyb"' in idea.body_html
    told = _mentions(kelly.id)
    assert len(told) == 1 and told[0].url == f"/ideas/{idea.id}" and "the idea “Dark mode for the app”" in told[0].text
    assert not _mentions(author.id)


def test_a_mention_in_an_idea_comment_links_and_tells_once(ctx):
    author, kelly, dave = make_user("author"), make_user("kellyb"), make_user("sparky_dave")
    idea = make_idea(author, title="Export thermostat history to CSV")
    comment = ideas.comment_on_idea(actor=dave, idea=idea, body="@kellyb @kellyb you asked for this too, and @nobody")
    assert 'href="/users/kellyb"' in comment.body_html and "/users/nobody" not in comment.body_html
    told = _mentions(kelly.id)
    assert len(told) == 1 and told[0].url == f"/ideas/{idea.id}#comment-{comment.id}"
    assert "a comment on the idea" in told[0].text and told[0].actor_id == dave.id


def test_mentioning_yourself_tells_nobody(ctx):
    kelly = make_user("kellyb")
    idea = make_idea(kelly, title="Vacation mode for the lights")
    ideas.comment_on_idea(actor=kelly, idea=idea, body="Bumping this, @kellyb here.")
    assert not _mentions(kelly.id)


def test_a_held_comment_tells_nobody_until_approved(ctx, monkeypatch):
    from forum import trust
    author, kelly = make_user("author"), make_user("kellyb")
    moderator = make_user("mod1", role=Role.MODERATOR)
    idea = make_idea(author, title="Matter support for the bulbs")
    monkeypatch.setattr(trust, "check_post", lambda **kwargs: True)  # a new account's comment is held
    comment = ideas.comment_on_idea(actor=author, idea=idea, body="@kellyb what do you think?")
    assert comment.is_hidden and not _mentions(kelly.id)
    from forum.moderation import pending
    pending.approve_held(actor=moderator, item=comment)
    assert len(_mentions(kelly.id)) == 1


def test_a_held_idea_tells_nobody_until_approved(ctx, monkeypatch):
    from forum import trust
    author, kelly = make_user("author"), make_user("kellyb")
    moderator = make_user("mod1", role=Role.MODERATOR)
    monkeypatch.setattr(trust, "check_post", lambda **kwargs: True)
    idea = ideas.submit_idea(actor=author, title="Remote room sensors please", body="As @kellyb asked last year.",
                             category=make_idea(title="Something else entirely here").category.slug)
    assert idea.is_hidden and not _mentions(kelly.id)
    from forum.moderation import pending
    pending.approve_held(actor=moderator, item=idea)
    assert len(_mentions(kelly.id)) == 1


def test_a_mention_in_a_hidden_idea_tells_nobody(ctx):
    author, kelly = make_user("author"), make_user("kellyb")
    idea = make_idea(author, title="Keep clips for a day")
    db.session.get(type(idea), idea.id).is_hidden = True
    db.session.commit()
    from forum.markup import render_markdown
    from forum.notifications.mentions import MentionResolver, notify_idea_mentions
    resolver = MentionResolver()
    render_markdown("@kellyb see this", mention_resolver=resolver)
    assert resolver.users  # the name resolves; the idea being hidden is what keeps it quiet
    notify_idea_mentions(actor=author, resolver=resolver, idea=db.session.get(type(idea), idea.id))
    db.session.commit()
    assert not _mentions(kelly.id)


def test_a_mention_of_a_member_who_may_not_see_it_or_is_deleted_tells_nobody(ctx):
    author, gone = make_user("author"), make_user("gone_member")
    db.session.get(User, gone.id).is_deleted = True
    db.session.commit()
    make_idea(author, title="Apple Watch app for the doorbell", body="@gone_member wanted this.")
    assert not _mentions(gone.id)


def test_comment_form_with_a_mention_in_the_browser(client, app):
    with app.app_context():
        author, kelly, dave = make_user("author"), make_user("kellyb"), make_user("sparky_dave")
        idea_id, kelly_id, dave_id = make_idea(author, title="Show Zigbee signal strength").id, kelly.id, dave.id
    login_as(client, dave_id)
    response = client.post(f"/ideas/{idea_id}/comments", data={"body": "Agreed with @kellyb on this one."})
    assert response.status_code == 302
    page = client.get(f"/ideas/{idea_id}").get_data(as_text=True)
    assert 'href="/users/kellyb"' in page
    login_as(client, kelly_id)
    assert "mentioned you in a comment on the idea" in client.get("/notifications").get_data(as_text=True)
    bad = client.post(f"/ideas/{idea_id}/comments", data={"body": "@"})
    assert bad.status_code == 422


def test_a_member_who_blocked_mentions_is_linked_but_never_told(ctx):
    """The rule is the same in answers, ideas and idea comments: the @name still links, nobody is told."""
    from forum.notifications.services import update_email_preferences
    from tests.factories import make_answer, make_thread
    author, kelly, dave = make_user("author"), make_user("kellyb"), make_user("sparky_dave")
    update_email_preferences(actor=kelly, choices={"mentions": "blocked"})
    idea = make_idea(author, title="Dark mode for the app", body="Like @kellyb and @sparky_dave said.")
    comment = ideas.comment_on_idea(actor=author, idea=idea, body="@kellyb, is this what you meant?")
    answer = make_answer(make_thread(author, title="Why is the app so bright at night?"), dave,
                         body="@kellyb asked the same last week.")
    assert all('href="/users/kellyb"' in html for html in (idea.body_html, comment.body_html, answer.body_html))
    assert not _mentions(kelly.id)
    assert len(_mentions(dave.id)) == 1  # the others are told as before
    update_email_preferences(actor=kelly, choices={"mentions": "immediately"})  # unblocked: told again
    ideas.comment_on_idea(actor=author, idea=idea, body="Thanks @kellyb!")
    assert len(_mentions(kelly.id)) == 1


def test_only_mentions_can_be_blocked_and_the_settings_form_offers_it(client, app):
    with app.app_context():
        kelly_id = make_user("kellyb").id
    login_as(client, kelly_id)
    page = client.get("/settings").get_data(as_text=True)
    assert 'name="mentions" value="blocked"' in page and 'name="answers" value="blocked"' not in page
    assert client.post("/settings/notifications", data={"mentions": "blocked"}).status_code == 302
    assert 'name="mentions" value="blocked" checked' in client.get("/settings").get_data(as_text=True)
    assert client.post("/settings/notifications", data={"answers": "blocked"}).status_code == 422


def test_an_old_unsubscribe_link_keeps_mentions_blocked(ctx):
    from forum.notifications import tokens
    from forum.notifications.queries import preferences_of
    from forum.notifications.services import unsubscribe, update_email_preferences
    kelly = make_user("kellyb")
    update_email_preferences(actor=kelly, choices={"mentions": "blocked"})
    unsubscribe(token=tokens.make_unsubscribe_token(kelly.id, "mentions"))
    assert preferences_of(kelly.id)["mentions"] == "blocked"

"""The mail outbox: rows queued in the use case's transaction, sent after commit, retried by `send-mail`.

A request never waits for SMTP and never fails because of it: the ids of the rows a request
committed are handed to its worker's sender thread once the response is ready; a failure is logged,
backed off and left for `flask forum send-mail` (cron), which also queues the daily digests.
A row is claimed with one conditional UPDATE, so two senders never send the same mail.
Without MAIL_SERVER a mail is written to the log and its row stays pending, so nothing is lost: the first
`send-mail` after a server is configured delivers it.
"""
from __future__ import annotations

import logging
import os
import threading
from collections import Counter
from collections.abc import Iterable
from datetime import datetime, time, timedelta
from queue import Empty, Queue
from time import sleep
from typing import Any, cast

import sqlalchemy as sa
from flask import Flask, Response, current_app, g, has_request_context
from flask.sansio.app import App
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from forum.clock import utcnow
from forum.database import end_reading
from forum.extensions import db
from forum.models import Delivery, Idea, Notification, OutboxMail, OutboxStatus, Post, Thread, User
from forum.notifications import emails, kinds
from forum.notifications.mail import mail_configured, send_mail
from forum.notifications.queries import preferences_of
from forum.site import Site

log = logging.getLogger("forum.mail")

MAX_ATTEMPTS = 8
STALE_CLAIM = timedelta(minutes=15)  # a sender that died mid-send: the row is tried again after this
_NEW_IDS = "forum.outbox.new_ids"
GATHER = 0.05  # seconds the sender waits for more mails before sending what it took
IDLE_EXIT = 10.0  # seconds without a mail after which the sender ends
_senders: list[Sender] = []


def install(app: App) -> None:
    """Session listeners once per process (they attach to the shared Session class), the hand-off per app."""
    if not sa.event.contains(Session, "after_flush", _collect):
        sa.event.listen(Session, "after_flush", _collect)
        sa.event.listen(Session, "after_commit", _committed)
        sa.event.listen(Session, "after_soft_rollback", _rolled_back)
    app.after_request(_deliver_after_response)


def _collect(session: Session, _context: object) -> None:
    ids = [obj.id for obj in session.new if isinstance(obj, OutboxMail)]
    if ids:
        session.info.setdefault(_NEW_IDS, []).extend(ids)


def queue(session: Session, rows: list[dict[str, Any]]) -> None:
    """Outbox rows in one INSERT, without ORM objects (notifying a thread's watchers): sent after the commit as
    the ORM's are, their ids joining those `_collect` finds."""
    if rows:
        remember(session, session.execute(sa.insert(OutboxMail).returning(OutboxMail.id), rows).scalars().all())


def remember(session: Session, ids: Iterable[int]) -> None:
    """Outbox rows written without the ORM (forum/notifications/services.py): sent after the commit."""
    session.info.setdefault(_NEW_IDS, []).extend(ids)


def _committed(session: Session) -> None:
    """No SQL here: just remember the ids for after the response (outside requests, cron sends them). A
    savepoint's release is not the commit: its mail may still be rolled back with the transaction."""
    if session.in_nested_transaction():
        return
    ids = session.info.pop(_NEW_IDS, None)
    if ids and has_request_context():
        g.setdefault("outbox_ids", []).extend(ids)


def _rolled_back(session: Session, previous_transaction: object) -> None:
    if not getattr(previous_transaction, "nested", False):
        session.info.pop(_NEW_IDS, None)


def _deliver_after_response(response: Response) -> Response:
    ids = g.pop("outbox_ids", None)
    if ids and current_app.config.get("MAIL_DELIVERY", "after_commit") == "after_commit":
        app = current_app._get_current_object()  # type: ignore[attr-defined]  # a LocalProxy, typed as Flask
        with _start_lock:  # never into the queue of a sender that has just decided to end
            _sender(app).jobs.put((ids, g.get("site_settings")))
    return response


class Sender(threading.Thread):
    """The worker's one mail sender: it takes the ids its requests committed and sends them in batches, the
    mails of requests a moment apart together (GATHER). A thread a request composed each mail with reads of its
    own beside the next requests of its worker; a batch reads the settings once and, without a mail server, every
    row in one statement."""

    def __init__(self, app: Flask) -> None:
        super().__init__(name="outbox-sender", daemon=True)
        self.app, self.pid = app, os.getpid()
        self.jobs: Queue[tuple[list[int], Site | None]] = Queue()

    def run(self) -> None:
        while True:
            try:
                ids, site = self.jobs.get(timeout=IDLE_EXIT)
            except Empty:
                if self._ended():
                    return
                continue
            taken = 1
            sleep(GATHER)
            while True:
                try:
                    more, _site = self.jobs.get_nowait()
                except Empty:
                    break
                ids, taken = ids + more, taken + 1
            try:
                deliver(self.app, ids, site)
            finally:
                for _ in range(taken):
                    self.jobs.task_done()

    def _ended(self) -> bool:
        """Idle for IDLE_EXIT: the thread ends (the next mail starts another), so an app that is gone, as in the
        tests, leaves no thread behind holding it."""
        with _start_lock:
            if not self.jobs.empty():
                return False
            if self.app.extensions.get("outbox_sender") is self:
                del self.app.extensions["outbox_sender"]
            if self in _senders:
                _senders.remove(self)
            return True


_start_lock = threading.Lock()


def _sender(app: Flask) -> Sender:
    """This process's sender for this app, started on first use (a thread started before gunicorn forks would not
    run in the workers). The caller holds _start_lock."""
    sender = app.extensions.get("outbox_sender")
    if sender is None or sender.pid != os.getpid() or not sender.is_alive():
        app.extensions["outbox_sender"] = sender = Sender(app)
        _senders.append(sender)
        sender.start()
    return sender


def wait_for_senders() -> None:
    """Until every mail handed to a sender so far has been dealt with (tests, and a clean shutdown)."""
    with _start_lock:
        senders = [sender for sender in _senders if sender.pid == os.getpid() and sender.is_alive()]
    for sender in senders:
        sender.jobs.join()


def deliver(app: Flask, ids: list[int], site: Site | None = None) -> None:
    """Send these rows now, in a context of their own; never raises (a failure stays for the retry). `site` is
    the settings its request read (forum/site.py): the mail shows the same name without reading them again."""
    with app.app_context():
        if site is not None:
            g.site_settings = site
        try:
            if mail_configured():
                for outbox_id in ids:
                    _send_one(outbox_id, utcnow())
            else:
                _log_all(ids)
        except Exception:  # the rows stay pending or failed; send-mail retries them
            log.exception("Delivering outbox mails %s failed", ids)
        finally:
            db.session.remove()


def _due(now: datetime) -> sa.ColumnElement[bool]:
    return sa.or_(
        sa.and_(OutboxMail.status.in_((OutboxStatus.PENDING, OutboxStatus.FAILED)),
                OutboxMail.next_attempt_at <= now, OutboxMail.attempts < MAX_ATTEMPTS),
        sa.and_(OutboxMail.status == OutboxStatus.SENDING, OutboxMail.claimed_at < now - STALE_CLAIM,
                OutboxMail.attempts < MAX_ATTEMPTS))


def _backoff(attempts: int) -> timedelta:
    delay: timedelta = timedelta(minutes=5) * 2 ** max(attempts - 1, 0)
    return min(delay, timedelta(hours=6))


def _send_one(outbox_id: int, now: datetime) -> str | None:
    """Claim, compose, send, record: no transaction is open while SMTP talks (on SQLite a write
    transaction holds the database lock, and a slow mail server must not stall every request).
    Without MAIL_SERVER the mail is only written to the log and its row is not touched: it stays pending for
    the first `send-mail` after a server is configured, and no write queues behind (or ahead of) a request's."""
    if not mail_configured():
        _log_all([outbox_id])
        return OutboxStatus.PENDING
    claim = sa.update(OutboxMail).where(OutboxMail.id == outbox_id, _due(now)).values(
        status=OutboxStatus.SENDING, claimed_at=now, attempts=OutboxMail.attempts + 1)
    claimed = cast(CursorResult[Any], db.session.execute(claim)).rowcount  # an UPDATE's result has a rowcount
    db.session.commit()
    if claimed != 1:
        return None  # sent already, or another sender has it
    message, reason, broken = _compose(outbox_id)
    sent = message is not None and send_mail(to=message.to, subject=message.subject, text=message.text,
                                             html=message.html, headers=message.headers)
    row = db.session.get_one(OutboxMail, outbox_id)  # claimed above, and rows are never deleted
    if sent:
        row.status, row.sent_at, row.last_error = OutboxStatus.SENT, utcnow(), None
    elif message is None and not broken:
        row.status, row.last_error = OutboxStatus.SKIPPED, reason[:300]
    else:
        row.status = OutboxStatus.FAILED
        row.last_error = reason[:300] if broken else "the mail server refused or was unreachable (see the log)"
        row.next_attempt_at = now + _backoff(row.attempts)
        log.warning("Mail %s to user %s failed (attempt %s of %s); send-mail retries it", outbox_id,
                    row.user_id, row.attempts, MAX_ATTEMPTS)
    status = row.status  # read after the commit, it would be read again, in a transaction left to roll back
    db.session.commit()
    return status


def count_unsent() -> int:
    """Rows waiting to be sent (pending, or failed with tries left): what `send-mail` would try eventually."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMail).where(
        OutboxMail.status.in_((OutboxStatus.PENDING, OutboxStatus.FAILED)), OutboxMail.attempts < MAX_ATTEMPTS)) or 0


def _log_all(ids: list[int]) -> None:
    """Without a mail server each mail is written to the log (development reads its links there), composed from
    one read of all the rows, text only; the rows stay pending for the first send-mail after a server is set."""
    db.session.connection(execution_options={"deferred_begin": True})
    try:
        loaded = _load_many(ids)  # held while composing: the session keeps only weak references
    except Exception:  # the rows stay pending: send-mail tries them again
        db.session.rollback()
        log.exception("Reading outbox mails %s failed", ids)
        return
    for row in loaded:
        try:
            message, _reason = emails.compose(row[0], html=False)
        except Exception:  # one broken mail must not stop the others
            log.exception("Composing outbox mail %s failed", row[0].id)
            continue
        if message is not None:
            send_mail(to=message.to, subject=message.subject, text=message.text)
    end_reading(db.session())


def _compose(outbox_id: int) -> tuple[emails.Message | None, str, bool]:
    """(message or None, reason when None, whether composing itself broke). It only reads, in a transaction of
    its own that does not take SQLite's write lock (rendering a mail must not hold up the requests' writes)."""
    db.session.connection(execution_options={"deferred_begin": True})
    try:
        loaded = _load(outbox_id)  # held while composing: the session keeps only weak references
        message, reason = emails.compose(loaded[0])
    except Exception:  # a template or data problem must not stop the other mails
        db.session.rollback()
        log.exception("Composing outbox mail %s failed", outbox_id)
        return None, "could not be composed (see the log)", True
    end_reading(db.session())
    return message, reason or "", False


def _load(outbox_id: int) -> sa.Row[tuple[OutboxMail, User, Notification, Post, Thread, Idea]]:
    loaded = _load_many([outbox_id])
    if not loaded:
        raise LookupError(f"outbox row {outbox_id} does not exist")
    return loaded[0]


def _load_many(ids: list[int]) -> list[sa.Row[tuple[OutboxMail, User, Notification, Post, Thread, Idea]]]:
    """The rows with everything composing them reads (the member, the notification, its post, thread or idea) in
    one statement: the session then finds each by its key without another. The sender runs beside the requests
    of its worker, and each statement it saves is CPU they get back."""
    return list(db.session.execute(
        sa.select(OutboxMail, User, Notification, Post, Thread, Idea)
        .outerjoin(User, User.id == OutboxMail.user_id)
        .outerjoin(Notification, Notification.id == OutboxMail.notification_id)
        .outerjoin(Post, Post.id == Notification.post_id)
        .outerjoin(Thread, Thread.id == Notification.thread_id)
        .outerjoin(Idea, Idea.id == Notification.idea_id)
        .where(OutboxMail.id.in_(ids)).order_by(OutboxMail.id)).all())


def send_due(now: datetime | None = None, limit: int = 1000) -> Counter:
    """Send every pending, failed-and-due or abandoned row; returns counts by outcome."""
    now = now or utcnow()
    ids = list(db.session.scalars(sa.select(OutboxMail.id).where(_due(now)).order_by(OutboxMail.id).limit(limit)))
    db.session.rollback()
    outcomes = Counter({OutboxStatus.SENT: 0, OutboxStatus.FAILED: 0, OutboxStatus.SKIPPED: 0})
    for outbox_id in ids:
        status = _send_one(outbox_id, now)
        if status is not None:
            outcomes[status] += 1
    return outcomes


def build_digests(now: datetime | None = None) -> int:
    """Queue one digest per member of the notifications waiting from before today (UTC).

    Run as often as you like: the (member, day) key makes the second run of a day a no-op, and
    each notification is marked as settled in the same transaction as its digest row.
    """
    now = now or utcnow()
    day_start = datetime.combine(now.date(), time.min)
    user_ids = list(db.session.scalars(sa.select(Notification.user_id).distinct().where(
        Notification.mailed_at.is_(None), Notification.created_at < day_start)))
    return sum(_queue_digest(user_id, now.date().isoformat(), day_start, now) for user_id in user_ids)


def _queue_digest(user_id: int, key: str, day_start: datetime, now: datetime) -> bool:
    if db.session.scalar(sa.select(OutboxMail.id).where(OutboxMail.user_id == user_id,
                                                        OutboxMail.digest_key == key)) is not None:
        db.session.rollback()
        return False
    waiting = list(db.session.scalars(sa.select(Notification).where(
        Notification.user_id == user_id, Notification.mailed_at.is_(None), Notification.created_at < day_start)
        .order_by(Notification.created_at, Notification.id)))
    choices = preferences_of(user_id)
    wanted = [n.id for n in waiting if n.read_at is None
              and choices[kinds.group_of(n.kind).key] not in (Delivery.NEVER, kinds.BLOCKED)]
    user = db.session.get(User, user_id)
    for notification in waiting:
        notification.mailed_at = now
    if wanted and user is not None and user.email and not user.is_deleted:
        db.session.add(OutboxMail(user_id=user_id, kind="digest", digest_key=key, payload={"ids": wanted},
                                  next_attempt_at=now))
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # another send-mail queued this member's digest first
        db.session.rollback()
        return False
    return bool(wanted and user is not None and user.email and not user.is_deleted)

"""Outgoing mail: SMTP when MAIL_SERVER is set, otherwise the message is written to the log (and not sent)."""
from __future__ import annotations

import logging

from flask import current_app
from flask_mailman import EmailMultiAlternatives

log = logging.getLogger("forum.mail")


def mail_configured() -> bool:
    """Whether a mail can really leave: a server is set, or the tests' in-memory backend stands in for one."""
    config = current_app.config
    return bool(config.get("MAIL_SERVER")) or config.get("MAIL_BACKEND") == "locmem"


def send_mail(*, to: str, subject: str, text: str, html: str | None = None,
              headers: dict[str, str] | None = None) -> bool:
    """Send one message after the caller's commit; a failure is logged, never raised into a request.

    True only when a server took it. Without MAIL_SERVER the message is written to the log (development
    reads its links there) and False comes back: logged is not delivered, so the outbox keeps its row
    for `flask forum send-mail` once a server is configured."""
    config = current_app.config
    if not mail_configured():
        # WARNING, not INFO: visible without any logging set-up, and a real warning if production forgot MAIL_SERVER.
        log.warning("MAIL_SERVER is not set, so this mail went to the log instead: to=%s subject=%s\n%s",
                    to, subject, text)
        return False
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to], headers=headers or {},
                                     from_email=config.get("MAIL_DEFAULT_SENDER"))
    if html:
        message.attach_alternative(html, "text/html")
    try:
        message.send()
    except Exception:  # any transport failure is logged and left for a retry
        log.exception("Sending mail to %s failed", to)
        return False
    return True

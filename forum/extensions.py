"""Unbound extension singletons; create_app binds them."""
from __future__ import annotations

from typing import TYPE_CHECKING

from flask import request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mailman import Mail
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from forum.database import ForumSession

# Named constraints, because SQLite can only ALTER them in batch mode when they have names.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base, session_options={"class_": ForumSession})  # page views: forum/database.py

# Models subclass `Model`. At run time it is db.Model, a subclass of Base that Flask-SQLAlchemy builds (adding its
# bind and table-name mixins); the type checker cannot see through that attribute, so it is told Base.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model

login_manager = LoginManager()
csrf = CSRFProtect()
mail = Mail()


def _client_address() -> str:
    """The peer address. Behind TRUSTED_PROXY_COUNT proxies the factory's ProxyFix has already made it the
    client's (from X-Forwarded-For); with 0 the header is ignored, so a forged one cannot pick a budget."""
    return get_remote_address() or request.remote_addr or "unknown"


limiter = Limiter(key_func=_client_address, default_limits=[])

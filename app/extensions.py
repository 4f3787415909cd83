"""Bare extension objects, bound to an application by the factory."""

from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from app.openapi import Api
from app.rate_limits import Limiter
from app.sessions import LoginManager

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base whose constraints get predictable names in migrations."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    # What a model's repr shows after its class name; each model names the attributes that
    # tell its rows apart in a log or a debugger.
    __repr_attrs__: tuple[str, ...] = ("id",)

    def __repr__(self) -> str:
        shown = " ".join(f"{name}={getattr(self, name)!r}" for name in self.__repr_attrs__)
        return f"<{type(self).__name__} {shown}>"


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
api = Api()

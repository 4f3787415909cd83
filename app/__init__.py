"""Application factory for the Material Passport Exchange."""

import os
from inspect import CO_COROUTINE
from pathlib import Path
from types import FunctionType

from flask import Flask
from werkzeug.routing import IntegerConverter

from config import CONFIGS
from config import ProductionConfig


class App(Flask):
    """Flask, answering the question it asks of every hook and view on every request (is
    this a coroutine function?) from the function's code flags when it is a plain function:
    a scanned label runs a dozen hooks. Anything else goes the general way."""

    def ensure_sync(self, func):
        if type(func) is FunctionType and not func.__code__.co_flags & CO_COROUTINE:
            return func
        return super().ensure_sync(func)


def create_app(
    config_name: str | None = None, *, instance_path: str | None = None, **overrides
) -> Flask:
    """Build the application from named steps (`instance_path` moves the instance folder)."""
    app = App(__name__, instance_path=instance_path, instance_relative_config=True)
    configure_app(app, config_name, overrides)
    register_request_limits(app)
    register_logging(app)
    register_converters(app)
    register_extensions(app)
    register_hooks(app)
    register_packages(app)
    register_security(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    register_context(app)
    register_jobs(app)
    return app


def register_jobs(app: Flask) -> None:
    """With a job queue, load its client now (not in a user's first request); without one,
    production says loudly that long jobs run inside the web workers."""
    if app.config.get("JOB_QUEUE_URL"):
        import rq  # noqa: F401

        return
    if app.config.get("ENV_NAME") == "production":
        import logging

        logging.getLogger("app.jobs").warning(
            "JOB_QUEUE_URL is not set: imports, label sheets and reports run inside the web "
            "workers and die with them; set it to a redis:// URL and run `flask jobs worker` "
            "(docs/deployment.md)"
        )


def configure_app(app: Flask, config_name: str | None, overrides: dict) -> None:
    """Load the config class for the environment, then resolve the database location."""
    name = config_name or os.environ.get("APP_ENV", "development")
    config_class = CONFIGS[name]
    if config_class is ProductionConfig:
        ProductionConfig.validate()
    app.config.from_object(config_class)
    app.config.update(overrides)
    app.config.setdefault("ENV_NAME", name)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        from app.security import instance_secret_key

        app.config["SECRET_KEY"] = instance_secret_key(Path(app.instance_path))
    if not app.config.get("CREDENTIAL_SIGNING_KEY"):
        if config_class is ProductionConfig:
            # Checked by validate(); read now, as the class read it at import.
            app.config["CREDENTIAL_SIGNING_KEY"] = os.environ["CREDENTIAL_SIGNING_KEY"]
        elif not app.testing:
            from passports.untp.signing import instance_signing_key

            key_path = instance_signing_key(Path(app.instance_path))
            app.config["CREDENTIAL_SIGNING_KEY"] = str(key_path)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = (
            f"sqlite:///{Path(app.instance_path) / 'passports.sqlite'}"
        )
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgres://"):
        uri = "postgresql://" + uri.removeprefix("postgres://")
    if uri.startswith("postgresql://"):
        uri = "postgresql+psycopg://" + uri.removeprefix("postgresql://")
    app.config["SQLALCHEMY_DATABASE_URI"] = uri


def register_request_limits(app: Flask) -> None:
    """Body size limits per endpoint, and the proxies whose X-Forwarded-For is trusted."""
    from app.request_limits import register

    register(app)


def register_logging(app: Flask) -> None:
    """Structured (JSON) or plain log lines, and one line per request with its id."""
    from app.logs import configure

    configure(app)


class DatabaseId(IntegerConverter):
    """`<int:…>` in URLs, bounded to what an integer column holds: larger ids are a 404."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def register_converters(app: Flask) -> None:
    """Bound integer URL parts so an absurd id is a 404, never a database error."""
    app.url_map.converters["int"] = DatabaseId


def register_extensions(app: Flask) -> None:
    """Bind the bare extension objects to this app."""
    from app import i18n
    from app.auth import session as login_session
    from app.database import configure_engine
    from app.database import engine_options
    from app.database import include_in_autogenerate
    from app.extensions import api
    from app.extensions import csrf
    from app.extensions import db
    from app.extensions import limiter
    from app.extensions import login_manager
    from app.extensions import migrate
    from app.sessions import CookieSessionInterface

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(
        app.config["SQLALCHEMY_DATABASE_URI"], app.config.get("SQLALCHEMY_ENGINE_OPTIONS")
    )
    db.init_app(app)
    migrate.init_app(
        app, db, render_as_batch=True, compare_type=True, include_name=include_in_autogenerate
    )
    app.session_interface = CookieSessionInterface()
    login_manager.init_app(app)
    login_session.register(login_manager)
    csrf.init_app(app)
    limiter.init_app(app)
    i18n.init_app(app)
    api.init_app(app)
    with app.app_context():
        configure_engine(db.engine, app.config.get("PG_RANDOM_PAGE_COST"))


def register_hooks(app: Flask) -> None:
    """Session hooks that keep derived data current on every write: each component's stored
    metrics (passports) and the per-building aggregates of the dashboards; and the audit log
    of every write."""
    from app.audit import services as audit_services
    from dashboard import services as dashboard_services
    from passports.metrics import stored as stored_metrics

    stored_metrics.install()
    dashboard_services.install()
    audit_services.install()


def register_packages(app: Flask) -> None:
    """Let each feature package plug into the shared parts of the app (`app.hooks`): its
    template filters, what it rebuilds after a restore."""
    import marketplace
    import mine
    import passports
    from app import hooks

    passports.init_app(app)
    mine.init_app(app)
    marketplace.init_app(app)
    app.add_template_global(hooks.page_sections)


def register_security(app: Flask) -> None:
    """Security headers (CSP, framing, sniffing, HSTS in production) on every response."""
    from app.security import register

    register(app)


def register_blueprints(app: Flask) -> None:
    """Attach HTML blueprints and the REST API blueprints."""
    from app.audit import api as audit_api
    from app.audit import views as audit_views
    from app.auth import api as auth_api
    from app.auth import views as auth_views
    from app.extensions import api
    from app.health import bp as health_bp
    from app.views import bp as core_bp
    from dashboard import api as dashboard_api
    from dashboard import views as dashboard_views
    from dashboard.map import api as map_api
    from dashboard.map import views as map_views
    from marketplace import api as marketplace_api
    from marketplace import api_alerts as marketplace_api_alerts
    from marketplace import api_bundles as marketplace_api_bundles
    from marketplace import api_wanted as marketplace_api_wanted
    from marketplace import views as marketplace_views
    from mine import api as mine_api
    from mine import views as mine_views
    from passports import api as passports_api
    from passports import api_imports as passports_api_imports
    from passports import views as passports_views

    app.register_blueprint(core_bp)
    app.register_blueprint(health_bp)
    app.register_blueprint(auth_views.bp)
    app.register_blueprint(passports_views.bp)
    app.register_blueprint(marketplace_views.bp)
    app.register_blueprint(dashboard_views.bp)
    app.register_blueprint(audit_views.bp)
    app.register_blueprint(mine_views.bp)
    app.register_blueprint(map_views.bp)
    api.register_blueprint(auth_api.blp, url_prefix="/api/v1")
    api.register_blueprint(passports_api.blp, url_prefix="/api/v1")
    api.register_blueprint(passports_api_imports.blp, url_prefix="/api/v1")
    api.register_blueprint(marketplace_api.blp, url_prefix="/api/v1")
    api.register_blueprint(dashboard_api.blp, url_prefix="/api/v1")
    api.register_blueprint(marketplace_api_alerts.blp, url_prefix="/api/v1")
    api.register_blueprint(marketplace_api_bundles.blp, url_prefix="/api/v1")
    api.register_blueprint(marketplace_api_wanted.blp, url_prefix="/api/v1")
    api.register_blueprint(audit_api.blp, url_prefix="/api/v1")
    api.register_blueprint(mine_api.blp, url_prefix="/api/v1")
    api.register_blueprint(map_api.blp, url_prefix="/api/v1")


def register_errorhandlers(app: Flask) -> None:
    """One JSON error shape under /api, error pages elsewhere."""
    from app.errors import register

    register(app)


def register_commands(app: Flask) -> None:
    """Add the CLI groups of every package."""
    from app.backup.cli import backup
    from app.commands import orgs
    from app.commands import users
    from dashboard.cli import dashboard
    from marketplace.cli import exchange
    from mine.cli import mine
    from passports.cli import demo
    from passports.cli import passports

    for group in (orgs, users, passports, demo, exchange, dashboard, backup, mine):
        app.cli.add_command(group)

    from app.worker import jobs_cli

    app.cli.add_command(jobs_cli)


def register_context(app: Flask) -> None:
    """Template helpers and the shell context."""
    from app.templating import register

    register(app)

"""Fixtures: an app per test on SQLite (default) or PostgreSQL (MPX_TEST_DB=postgresql).

The schema always comes from the migrations, so every run also proves `flask db upgrade`.
SQLite tests copy a migrated template file; PostgreSQL tests share one migrated database in a
throwaway cluster and truncate it after each test.
"""

import os
import re
import shutil
from itertools import count
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask.testing import FlaskClient
from sqlalchemy import text
from werkzeug.routing import Rule

import app as app_package
from app import create_app
from app.auth import passwords
from app.auth import services as accounts
from app.database import dispose_public_reads
from app.extensions import db as _db
from passports import services as passport_services

BACKEND = os.environ.get("MPX_TEST_DB", "sqlite")
PASSWORD = "correct horse battery"
# On SQLite: the migrated template with the material library loaded (beside the empty one).
LIBRARY_TEMPLATE = "template-with-library.sqlite"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def pytest_report_header(config):
    return f"database backend: {BACKEND}"


def _uses_database(item) -> bool:
    """Whether a test reaches a database: through the `app` fixture's template, or by
    choosing a backend itself (a module that reads MPX_TEST_DB or BACKEND)."""
    if "database_template" in getattr(item, "fixturenames", ()):
        return True
    module = getattr(item, "module", None)
    return module is not None and (
        getattr(module, "BACKEND", None) is not None or "MPX_TEST_DB" in (module.__doc__ or "")
    )


def pytest_collection_modifyitems(config, items):
    """On the PostgreSQL pass, the tests that reach no database (pure functions, files, the
    catalogues) are left out: they ran, identical, on the SQLite pass."""
    if BACKEND != "postgresql":
        return
    kept = [item for item in items if _uses_database(item)]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if not _uses_database(i)])
        items[:] = kept


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing():
    """Real argon2id, with the cost lowered so hundreds of test users hash quickly."""
    original = passwords._hasher
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    passwords._hasher = original


@pytest.fixture(scope="session", autouse=True)
def _url_builders_compiled_once():
    """Each test builds its own app, and Werkzeug compiles Python code for every URL rule of
    each (two builders per rule, a few ms each): a quarter of a test's set-up. A builder depends
    only on the rule's parsed parts and defaults, so the code compiled for the first app serves
    the same rule in the next ones; the rule itself is still parsed, bound and matched as ever."""
    original = Rule._compile_builder
    compiled: dict = {}

    def compile_builder(self, append_unknown: bool = True):
        key = (self.rule, tuple(self._trace), repr(sorted((self.defaults or {}).items())))
        key += (append_unknown,)
        if key not in compiled:
            compiled[key] = original(self, append_unknown)
        return compiled[key]

    Rule._compile_builder = compile_builder
    yield
    Rule._compile_builder = original


@pytest.fixture(scope="session", autouse=True)
def _compiled_catalogues():
    """The catalogues compiled as `make install` compiles them, so pytest alone sees them too
    (each worker writes a file of its own and moves it in place)."""
    for po_path in Path(app_package.__file__).parent.glob("translations/*/LC_MESSAGES/*.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as source:
            catalogue = read_po(source)
        partial = mo_path.with_name(f"{mo_path.name}.{os.getpid()}")
        with partial.open("wb") as target:
            write_mo(target, catalogue)
        partial.replace(mo_path)


def _migrate(uri: str) -> None:
    from flask_migrate import upgrade

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=uri)
    with app.app_context():
        upgrade(directory=os.path.join(os.path.dirname(__file__), "..", "migrations"))
        _db.engine.dispose()


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    """A migrated database: a template file for SQLite, a live database for PostgreSQL."""
    if BACKEND == "postgresql":
        from tests.pg import throwaway_cluster

        url = os.environ.get("MPX_TEST_POSTGRES_URL")
        if url:
            _migrate(url)
            yield url
            return
        with throwaway_cluster() as url:
            _migrate(url)
            yield url
        return
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    _migrate(f"sqlite:///{path}")
    # The `app` fixture copies a second template that holds the material library, loaded once
    # here; this one stays empty for tests that need a migrated, empty database.
    shutil.copy(path, path.with_name(LIBRARY_TEMPLATE))
    library = create_app(
        "testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{path.with_name(LIBRARY_TEMPLATE)}"
    )
    with library.app_context():
        passport_services.load_material_library()
        _db.session.commit()
        _db.engine.dispose()
    yield path


class BrowserClient(FlaskClient):
    """A test client that submits forms the way a browser does, CSRF token included.

    Every request runs in its own application context, as in production, so `g`, the
    logged-in user and the database session never leak between requests or into the test.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)

    def submit(self, url: str, data: dict | None = None, page: str | None = None, **kwargs):
        """GET the page holding the form, then POST the form with its CSRF token."""
        html = self.get(page or url).get_data(as_text=True)
        match = _CSRF.search(html)
        assert match, f"no CSRF token on {page or url}"
        return self.post(url, data={**(data or {}), "csrf_token": match.group(1)}, **kwargs)


@pytest.fixture
def app(database_template, tmp_path):
    """A fresh application with an empty schema and the material library loaded (on SQLite,
    it comes with the copy of the template)."""
    if BACKEND == "postgresql":
        uri = database_template
    else:
        target = tmp_path / "test.sqlite"
        shutil.copy(database_template.with_name(LIBRARY_TEMPLATE), target)
        uri = f"sqlite:///{target}"
    application = create_app(
        "testing", SQLALCHEMY_DATABASE_URI=uri, UPLOAD_DIR=str(tmp_path / "uploads")
    )
    application.test_client_class = BrowserClient
    with application.app_context():
        if BACKEND == "postgresql":  # one database for the session, emptied after each test
            passport_services.load_material_library()
            _db.session.commit()
        yield application
        _db.session.rollback()
        _db.session.remove()
        dispose_public_reads(application)
        if BACKEND == "postgresql":
            tables = ", ".join(t.name for t in _db.metadata.sorted_tables)
            with _db.engine.begin() as conn:
                conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        _db.engine.dispose()


@pytest.fixture
def db(app):
    """The database handle, inside the app context."""
    return _db


@pytest.fixture
def client(app):
    """A browser-like test client."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """The CLI runner."""
    return app.test_cli_runner()


_seq = count(1)


@pytest.fixture
def make_org(db):
    """Build an organisation: make_org(kind="contractor", name=...)."""

    def build(kind: str = "municipality", name: str | None = None):
        org = accounts.create_organisation(name or f"{kind.title()} {next(_seq)}", kind)
        db.session.commit()
        return org

    return build


@pytest.fixture
def make_user(db, make_org):
    """Build a user: make_user("owner", org=...). Password is tests.conftest.PASSWORD."""

    def build(role: str = "owner", org=None, email: str | None = None):
        kind = {"contractor": "contractor", "buyer": "company", "admin": "company"}.get(
            role, "municipality"
        )
        org = org or make_org(kind)
        user = accounts.create_user(email or f"{role}{next(_seq)}@example.org", PASSWORD, role, org)
        db.session.commit()
        return user

    return build


@pytest.fixture
def make_building(db):
    """Build a building for an owner: make_building(owner, **overrides)."""

    def build(owner, **overrides):
        data = {
            "name": f"Building {next(_seq)}",
            "address": "Markt 1",
            "city": "Brummen",
            "country": "NL",
            "latitude": 52.09,
            "longitude": 6.15,
            "year_built": 1970,
            "use_type": "civic",
            "status": "in_use",
        }
        data.update(overrides)
        building = passport_services.register_building(owner, data)
        db.session.commit()
        return building

    return build


@pytest.fixture
def material_id(db):
    """Look up a library material's id by slug."""
    from sqlalchemy import select

    from passports.models import Material

    def find(slug: str) -> int:
        return db.session.scalar(select(Material.id).where(Material.slug == slug))

    return find


@pytest.fixture
def make_component(db, material_id):
    """Build a component in a building: make_component(building, **overrides)."""

    def build(building, **overrides):
        data = {
            "name": f"Brick wall {next(_seq)}",
            "category": "external_wall",
            "storey": "00 Ground floor",
            "quantity": 10.0,
            "unit": "m3",
            "materials": [{"material_id": material_id("common-clay-brick"), "fraction": 1.0}],
            "condition": 4,
            "connection_type": "lime_mortar",
        }
        data.update(overrides)
        component = passport_services.create_component(building, data)
        db.session.commit()
        return component

    return build


@pytest.fixture
def token_for(db):
    """Issue an API token for a user and return the Authorization header."""

    def issue(user) -> dict:
        _token, clear = accounts.issue_token(user, "test")
        db.session.commit()
        return {"Authorization": f"Bearer {clear}"}

    return issue


@pytest.fixture
def login(client):
    """Log the client in as a user through the login form."""

    def do(user):
        response = client.submit("/login", {"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return do

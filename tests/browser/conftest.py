"""Fixtures for browser tests: the app served on a free local port, and Debian's Chromium.

The app is the one the `app` fixture of tests/conftest.py builds (a migrated copy of the SQLite
template, or the shared PostgreSQL database), served by werkzeug in a background thread on
127.0.0.1, with PUBLIC_BASE_URL set to that address so labels point at it. The app sends its own
strict Content-Security-Policy (app/security.py: script-src 'self', no inline styles): a stray
inline script, handler or style attribute shows up as a violation and fails the test, as it
would in production. Playwright launches /usr/bin/chromium and never downloads a browser.

The whole package is skipped, with the reason, where Chromium or the playwright package is
missing. Screenshots of key steps go to test-artifacts/ at the repository root (git-ignored).
"""

import importlib.util
import io
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest
from PIL import Image
from PIL import ImageDraw
from PIL import ImageFilter
from sqlalchemy import func
from sqlalchemy import select
from werkzeug.serving import make_server

from passports import services
from tests.conftest import BACKEND
from tests.conftest import PASSWORD

# The page sweeps (axe over every page, the keyboard journeys, no English left in another
# language) check what people read and how they reach it, the same on either database; they
# run with the SQLite suite, and the PostgreSQL run (which repeats every test that touches the
# database, the offline scan's exactly-once sync and the journeys among them) skips them.
PAGES_ONLY = pytest.mark.skipif(
    BACKEND == "postgresql",
    reason="a sweep of what pages show: run once, with the SQLite suite",
)
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 10_000


def _missing() -> str | None:
    if not CHROMIUM.exists():
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is not installed (pip install -e '.[test]')"
    return None


SKIP_REASON = _missing()


@pytest.fixture(autouse=True)
def _needs_a_browser():
    """Skip every browser test, with the reason, when Chromium or Playwright is missing."""
    if SKIP_REASON:
        pytest.skip(f"browser tests skipped: {SKIP_REASON}")


@pytest.fixture
def live_server(app):
    """The app served on 127.0.0.1 at a free port; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    app.config["PUBLIC_BASE_URL"] = base
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield base
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session."""
    if SKIP_REASON:
        pytest.skip(f"browser tests skipped: {SKIP_REASON}")
    from playwright.sync_api import expect
    from playwright.sync_api import sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture
def context(browser, live_server):
    """A fresh phone-sized browser profile (cookies, IndexedDB) talking to the live server."""
    ctx = browser.new_context(
        base_url=live_server,
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="en-GB",
        timezone_id="Europe/Amsterdam",
    )
    ctx.set_default_timeout(TIMEOUT_MS)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    """A page that fails the test on uncaught script errors and CSP violations."""
    problems: list[str] = []
    tab = context.new_page()

    def on_console(message) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            problems.append(f"CSP: {message.text}")

    tab.on("pageerror", lambda exc: problems.append(f"uncaught: {exc}"))
    tab.on("console", on_console)
    yield tab
    assert problems == [], problems


@pytest.fixture
def shot():
    """Save a full-page screenshot into test-artifacts/: shot(page, "name")."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(tab, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        tab.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def log_in():
    """Log a page in through the login form."""

    def do(tab, user) -> None:
        tab.goto("/login")
        tab.fill("#email", user.email)
        tab.fill("#password", PASSWORD)
        tab.click("main form button[type=submit]")
        tab.wait_for_url(lambda url: not url.endswith("/login"))

    return do


@pytest.fixture
def site(db, make_user, make_building, make_component):
    """An owner's building, a contractor organisation granted access, and a component maker.

    Plain values only (ids, emails, tags), read before this thread's transaction ends, so the
    test thread holds no transaction while the server writes.
    """
    owner = make_user("owner")
    contractor = make_user("contractor")
    building = make_building(owner, name="Raadhuis Brummen")
    services.grant_access(building, contractor.organisation_id, owner)
    db.session.commit()

    def component(**overrides) -> SimpleNamespace:
        made = make_component(building, **overrides)
        values = SimpleNamespace(id=made.id, tag=made.tag, name=made.name, status=made.status)
        db.session.commit()
        return values

    values = SimpleNamespace(
        owner=SimpleNamespace(id=owner.id, email=owner.email),
        contractor=SimpleNamespace(id=contractor.id, email=contractor.email),
        building_id=building.id,
        component=component,
    )
    db.session.commit()
    return values


@pytest.fixture
def events_of(db):
    """Read a component's events from the database as the server committed them."""
    from passports.models import ComponentEvent
    from passports.models import EventPhoto

    def read(component_id: int) -> list[dict]:
        db.session.rollback()  # end this thread's transaction: see what the server wrote
        rows = db.session.scalars(
            select(ComponentEvent)
            .where(ComponentEvent.component_id == component_id, ComponentEvent.user_id.is_not(None))
            .order_by(ComponentEvent.id)
        ).all()
        result = [
            {
                "kind": e.kind,
                "key": e.idempotency_key,
                "occurred_at": e.occurred_at,
                "notes": e.notes,
                "photos": db.session.scalar(
                    select(func.count(EventPhoto.id)).where(EventPhoto.event_id == e.id)
                ),
            }
            for e in rows
        ]
        db.session.rollback()
        return result

    return read


def site_photo(size: tuple[int, int] = (1200, 900)) -> bytes:
    """A JPEG that looks enough like a photo of bricks for the upload checks."""
    image = Image.effect_noise(size, 30).convert("RGB")
    draw = ImageDraw.Draw(image)
    for row, y in enumerate(range(0, size[1], 60)):
        for x in range(-60 * (row % 2), size[0], 120):
            draw.rectangle((x + 4, y + 4, x + 116, y + 56), fill=(150, 70, 50))
    out = io.BytesIO()
    image.filter(ImageFilter.GaussianBlur(0.8)).save(out, "JPEG", quality=85)
    return out.getvalue()


def label_photo(text: str, size: tuple[int, int] = (1600, 1200)) -> bytes:
    """A phone photo of a QR label: grey, noisy, slightly tilted, stored sideways (EXIF 6)."""
    from passports.qr import qr_png

    scene = Image.effect_noise(size, 28).point(lambda v: 85 + v // 3)
    label = Image.open(io.BytesIO(qr_png(text, box_size=8))).convert("L")
    label = label.resize((520, 520)).rotate(6, expand=True, fillcolor=235)
    scene.paste(label.point(lambda v: 40 + v * 0.75), (size[0] // 3, size[1] // 4))
    stored = scene.filter(ImageFilter.GaussianBlur(1)).transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    stored.convert("RGB").save(out, "JPEG", quality=88, exif=exif)
    return out.getvalue()

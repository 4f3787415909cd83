"""Configuration classes, read from the environment when the app is created."""

import os


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _flag(name: str) -> bool:
    return (_env(name) or "").strip().lower() in ("1", "true", "yes", "on")


# A key once published in the code; ProductionConfig refuses it.
DEV_SECRET_KEY = "dev-only-not-secret"


class Config:
    """Settings shared by every environment."""

    # Unset outside production and tests: the factory keeps a random key in instance/secret_key.
    SECRET_KEY = _env("SECRET_KEY")
    # Debug mode (Flask's debugger with `flask run`) only when asked for.
    DEBUG = _flag("FLASK_DEBUG") or _flag("APP_DEBUG")
    # Proxies in front of the app whose X-Forwarded-For to trust: 0 trusts nothing (the address
    # is the connecting peer's); 1 behind one proxy (docs/deployment.md), and so on.
    PROXY_FIX_X_FOR = int(_env("PROXY_FIX_X_FOR", "0"))
    # None means "a SQLite file in the instance folder", resolved by the app factory.
    SQLALCHEMY_DATABASE_URI = _env("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    PUBLIC_BASE_URL = _env("PUBLIC_BASE_URL", "http://127.0.0.1:5000")
    # GS1 company prefix used to build GIAI asset identifiers (GS1 Digital Link /8004/<giai>).
    GS1_COMPANY_PREFIX = _env("GS1_COMPANY_PREFIX", "0871234")
    # What a printed label's QR code encodes: "tag" (<PUBLIC_BASE_URL>/t/<TAG>, the default) or
    # "gs1" (the GS1 Digital Link URI, passports.gs1.digital_link_uri). Both resolve for the life
    # of the building, whichever is printed.
    LABEL_LINK = _env("LABEL_LINK", "tag")

    # The language of a visitor whose browser asks for none that the app ships, and the time
    # zone of times shown to a user who has not chosen one (app/i18n.py).
    DEFAULT_LOCALE = _env("DEFAULT_LOCALE", "en")
    BABEL_DEFAULT_TIMEZONE = _env("DEFAULT_TIMEZONE", "UTC")

    API_TITLE = "Material Passport Exchange API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api"
    OPENAPI_JSON_PATH = "v1/openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "docs"
    # Served from our own static folder: the app must work on a closed network.
    OPENAPI_SWAGGER_UI_URL = "/static/vendor/swagger-ui/"
    API_SPEC_OPTIONS = {
        "info": {
            "description": "Buildings, components, materials and tags of the Material Passport "
            "Exchange. Authenticate with `Authorization: Bearer <token>`; tokens come from "
            "`POST /api/v1/auth/tokens`.",
        },
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearerAuth": []}],
    }

    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"

    RATELIMIT_STORAGE_URI = _env("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    # When the storage (Redis) is down, limits fall back to each process's memory.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    LOGIN_RATE_LIMIT = _env("LOGIN_RATE_LIMIT", "10 per minute")
    # Failed logins for one account from one address before that address is locked out of it;
    # and from all addresses together before the account is locked (see app/auth/lockout.py).
    LOGIN_LOCKOUT = _env("LOGIN_LOCKOUT", "5 per 15 minutes")
    LOGIN_LOCKOUT_ACCOUNT = _env("LOGIN_LOCKOUT_ACCOUNT", "50 per 15 minutes")
    SCAN_RATE_LIMIT = _env("SCAN_RATE_LIMIT", "60 per minute")
    # The live camera's frames decoded on the server: one about every 700 ms while scanning.
    SCAN_FRAME_RATE_LIMIT = _env("SCAN_FRAME_RATE_LIMIT", "150 per minute")

    # Request bodies: MAX_BODY_BYTES for every endpoint; the upload endpoints alone take more,
    # their file limits plus MAX_BODY_BYTES for the rest of the form (app/request_limits.py).
    MAX_BODY_BYTES = int(_env("MAX_BODY_BYTES", str(1024 * 1024)))
    # Bulk imports: per-kind upload limits (413 beyond).
    MAX_IFC_BYTES = int(_env("MAX_IFC_BYTES", str(200 * 1024 * 1024)))
    MAX_SHEET_BYTES = int(_env("MAX_SHEET_BYTES", str(20 * 1024 * 1024)))
    # A passport document posted to POST /api/v1/passports/import.
    MAX_PASSPORT_DOCUMENT_BYTES = int(_env("MAX_PASSPORT_DOCUMENT_BYTES", str(50 * 1024 * 1024)))
    # Uploads kept between an import's preview and its confirmation, in <UPLOAD_DIR>/imports.
    IMPORT_STAGING_HOURS = float(_env("IMPORT_STAGING_HOURS", "24"))
    # Event photos; None means <instance>/uploads.
    UPLOAD_DIR = _env("UPLOAD_DIR")
    MAX_PHOTO_BYTES = 10 * 1024 * 1024
    # Pixels an uploaded image may declare (scan photos, camera frames, event photos), checked
    # from its header before decoding. 50 MP fits 48-50 MP phone photos; 200 MP modes are refused.
    MAX_IMAGE_PIXELS = int(_env("MAX_IMAGE_PIXELS", str(50_000_000)))
    MAX_PHOTOS_PER_EVENT = 8
    DEFAULT_PER_PAGE = 50
    # A city's dashboard shows its aggregates only where this many buildings with passports,
    # of this many organisations, make them up; otherwise each user sees their own part.
    CITY_MIN_BUILDINGS = int(_env("CITY_MIN_BUILDINGS", "3"))
    CITY_MIN_ORGANISATIONS = int(_env("CITY_MIN_ORGANISATIONS", "2"))
    # A lot is components of one kind: their measures (width, height, depth, length) may
    # differ by at most this many millimetres (marketplace.services.rules.one_kind).
    LOT_TOLERANCE_MM = float(_env("LOT_TOLERANCE_MM", "10"))
    # Freight factor for CO2 avoided (kgCO2e per tonne-km); see passports/metrics.py.
    TRANSPORT_KGCO2E_PER_TKM = float(_env("TRANSPORT_KGCO2E_PER_TKM", "0.107"))
    # A bundle (a lot gathered across sellers for one request) takes at most this many sellers.
    BUNDLE_MAX_SELLERS = int(_env("BUNDLE_MAX_SELLERS", "5"))
    # Who runs this instance and how people reach them: named on the accessibility statement
    # (/accessibility) and the privacy notice (/privacy). Each contact is an email address or
    # a web address; the accessibility and privacy contacts default to SUPPORT_EMAIL.
    OPERATOR_NAME = _env("OPERATOR_NAME")
    SUPPORT_EMAIL = _env("SUPPORT_EMAIL", "support@mpx.example")
    ACCESSIBILITY_CONTACT = _env("ACCESSIBILITY_CONTACT")
    PRIVACY_CONTACT = _env("PRIVACY_CONTACT")
    # The page of the body that enforces the accessibility law where the instance runs
    # (Directive (EU) 2016/2102, article 9), linked from the statement when set.
    ACCESSIBILITY_ENFORCEMENT_URL = _env("ACCESSIBILITY_ENFORCEMENT_URL")
    # Outgoing mail for saved-search alerts; without MAIL_SERVER only the in-app inbox is used.
    MAIL_SERVER = _env("MAIL_SERVER")
    MAIL_PORT = int(_env("MAIL_PORT", "25"))
    MAIL_SENDER = _env("MAIL_SENDER", "exchange@mpx.example")
    # Logs: "text" lines for a terminal, "json" (one object per line) for log collectors.
    LOG_FORMAT = _env("LOG_FORMAT", "text")
    LOG_LEVEL = _env("LOG_LEVEL", "INFO")
    # The Ed25519 private key (a PEM file) this instance signs its UNTP credentials with;
    # make one with `flask passports keygen PATH`. Required in production; elsewhere, unset,
    # the app keeps a generated key in instance/credential_signing_key.pem (passports.untp).
    CREDENTIAL_SIGNING_KEY = _env("CREDENTIAL_SIGNING_KEY")
    # Long work (imports, label sheets, reports; app/jobs.py): a redis:// URL of the RQ queue
    # that `flask jobs worker` runs; empty runs jobs in a thread of the web process (make run).
    # Production warns at start-up without it (docs/deployment.md).
    JOB_QUEUE_URL = _env("JOB_QUEUE_URL")
    # A job's time limit (seconds), unless its function sets its own; and the wait before a
    # retry of a job that is safe to retry.
    JOB_TIMEOUT = int(_env("JOB_TIMEOUT", "3600"))
    JOB_RETRY_DELAY = int(_env("JOB_RETRY_DELAY", "10"))
    # The map draws the app's own country outlines (Natural Earth); a city that runs or trusts
    # a tile server sets its URL (https://tiles.example/{z}/{x}/{y}.png) and the credit its
    # terms ask for. The Content-Security-Policy then allows images from that origin only.
    MAP_TILE_URL = _env("MAP_TILE_URL", "")
    MAP_TILE_ATTRIBUTION = _env("MAP_TILE_ATTRIBUTION", "")


class DevelopmentConfig(Config):
    """Local development on SQLite; debug mode with FLASK_DEBUG=1 (or APP_DEBUG=1)."""


class TestingConfig(Config):
    """The test suite: CSRF stays on (tests fetch tokens like a browser would)."""

    TESTING = True
    SECRET_KEY = "testing-secret"
    PUBLIC_BASE_URL = "https://mpx.test"
    SQLALCHEMY_DATABASE_URI = _env("TEST_DATABASE_URL") or _env("DATABASE_URL")
    RATELIMIT_STORAGE_URI = "memory://"


class ProductionConfig(Config):
    """Production: refuses to start on development defaults."""

    DEBUG = False
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    LOG_FORMAT = _env("LOG_FORMAT", "json")

    @classmethod
    def validate(cls) -> None:
        """Raise if the secret key or the database were left at their defaults."""
        secret = _env("SECRET_KEY")
        if not secret or secret == DEV_SECRET_KEY or len(secret) < 32:
            raise RuntimeError("ProductionConfig needs SECRET_KEY (at least 32 characters).")
        if not _env("DATABASE_URL"):
            raise RuntimeError("ProductionConfig needs DATABASE_URL.")
        key = _env("CREDENTIAL_SIGNING_KEY")
        if not key or not os.path.isfile(key):
            raise RuntimeError(
                "ProductionConfig needs CREDENTIAL_SIGNING_KEY, the path of an Ed25519 private "
                "key (PEM): make one with `flask passports keygen PATH`."
            )


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}

"""Security headers on every response, and the secret key of an instance run without one.

The Content-Security-Policy allows scripts, styles and fonts from this origin only: no inline
script, event handler or style attribute runs, and no page can be framed (`frame-ancestors`).
Images may also be `data:`/`blob:` URLs (QR previews, photos chosen on a phone before upload) and
media `blob:` (the live camera of the scanner), and from the map's tile server when
MAP_TILE_URL names one. A view that needs a stricter policy (label PDFs,
downloads) sets its own header, which is kept. Strict-Transport-Security is sent where sessions
are HTTPS-only, that is in production.

Outside production (which refuses to start without its own SECRET_KEY) and the tests, an app
started without SECRET_KEY keeps a random key in its instance folder (`instance/secret_key`,
readable by its owner only), made on the first start and read on every later one: sessions
survive a restart, and no key printed in the code can sign anyone's cookie.
"""

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask
from flask import Response

from app.storage import atomic_write

SECRET_KEY_FILE = "secret_key"

CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(self), geolocation=(self), microphone=(), payment=()",
}
HSTS = "max-age=31536000; includeSubDomains"


def instance_secret_key(instance: Path) -> str:
    """The key kept in `instance/secret_key`, made (random, mode 0600, atomically) if missing."""
    path = instance / SECRET_KEY_FILE
    if not path.exists():
        with atomic_write(path, "the secret key") as handle:
            os.fchmod(handle.fileno(), 0o600)
            handle.write(secrets.token_urlsafe(48).encode())
    key = path.read_text().strip()
    if len(key) < 32:
        raise RuntimeError(f"{path} holds no usable secret key; delete it to make a new one.")
    return key


def tile_origin(url: str) -> str:
    """The origin (scheme://host[:port]) of a map tile URL template, or "" when none."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc}"


def csp_for(app: Flask) -> str:
    """The policy: CSP, with the map's tile server (MAP_TILE_URL) allowed for images."""
    origin = tile_origin(app.config.get("MAP_TILE_URL", ""))
    if not origin:
        return CSP
    return CSP.replace("img-src 'self' data: blob:", f"img-src 'self' data: blob: {origin}")


def register(app: Flask) -> None:
    """Add the security headers to every response of the app."""
    hsts = app.config.get("SESSION_COOKIE_SECURE", False)
    headers = {**HEADERS, "Content-Security-Policy": csp_for(app)}
    if hsts:
        headers["Strict-Transport-Security"] = HSTS
    names = [(name.lower(), name, value) for name, value in headers.items()]

    @app.after_request
    def security_headers(response: Response) -> Response:
        # One look at the headers a view set, then the others added together: this runs on
        # every response, the scanned labels' included.
        present = {key.lower() for key, _value in response.headers}
        response.headers.extend([(name, value) for key, name, value in names if key not in present])
        return response

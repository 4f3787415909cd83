"""Security headers on every response.

The Content-Security-Policy allows scripts, styles and fonts from this origin only: no inline
script, event handler or style attribute runs, and no page can be framed (`frame-ancestors`).
Images may also be `data:`/`blob:` URLs (QR previews, photos chosen on a phone before upload) and
media `blob:` (the live camera of the scanner). A view that needs a stricter policy (label PDFs,
downloads) sets its own header, which is kept. Strict-Transport-Security is sent where sessions
are HTTPS-only, that is in production.
"""

from flask import Flask, Response

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


def register(app: Flask) -> None:
    """Add the security headers to every response of the app."""
    hsts = app.config.get("SESSION_COOKIE_SECURE", False)

    @app.after_request
    def security_headers(response: Response) -> Response:
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if hsts:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response

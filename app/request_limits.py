"""What the app accepts of a request before any view runs: how large its body may be, and which
proxies' X-Forwarded-For it believes.

Body size. Every endpoint takes at most MAX_BODY_BYTES (1 MB by default): a login, a form, a
JSON object. Only the endpoints that receive files take more, each its file limit plus
MAX_BODY_BYTES for the rest of the form; they are listed in BODY_LIMITS, the one place that
says so. A larger body is refused with 413 before it is read (the JSON error shape under /api,
an error page elsewhere). The limit is a property of the request (`Request.max_content_length`,
per request since Flask 3.1), so it holds whichever hook or view first reads the body: the CSRF
check of a form runs before any view.

Client address. Behind a proxy every request comes from the proxy's address, so the login
limiter and lockout would count all clients together. With PROXY_FIX_X_FOR = n (the number of
proxies in front, each of which appends to X-Forwarded-For), werkzeug's ProxyFix takes the
client's address from the header; with 0 (the default) the header is ignored, since without a
proxy of our own anyone can write it.
"""

from collections.abc import Callable
from collections.abc import Mapping

from flask import Flask
from flask import Request as FlaskRequest
from flask import current_app
from flask import request
from flask_babel import format_decimal
from flask_babel import gettext as _
from werkzeug.middleware.proxy_fix import ProxyFix


def _import_file(config: Mapping) -> int:
    return max(config["MAX_IFC_BYTES"], config["MAX_SHEET_BYTES"]) + config["MAX_BODY_BYTES"]


def _one_photo(config: Mapping) -> int:
    return config["MAX_PHOTO_BYTES"] + config["MAX_BODY_BYTES"]


def _event_photos(config: Mapping) -> int:
    photos = config["MAX_PHOTOS_PER_EVENT"] * config["MAX_PHOTO_BYTES"]
    return photos + config["MAX_BODY_BYTES"]


def _passport_document(config: Mapping) -> int:
    return config["MAX_PASSPORT_DOCUMENT_BYTES"]


# Endpoint -> its body limit from the config; every other endpoint takes MAX_BODY_BYTES.
BODY_LIMITS: dict[str, Callable[[Mapping], int]] = {
    "passports.import_start": _import_file,  # IFC or spreadsheet import, page
    "imports_api.create_import": _import_file,  # the same, API
    "passports.scanner_photo": _one_photo,  # POST /scan
    "passports.scanner_frame": _one_photo,  # POST /scan/frame
    "passports.scan_record": _event_photos,  # an event with photos, page and offline queue
    "passports_api.create_event": _event_photos,  # the same, API
    "passports_api.import_passport_document": _passport_document,  # POST /passports/import
}


def body_limit(endpoint: str | None, config: Mapping) -> int:
    """The largest body, in bytes, that a request to `endpoint` may send."""
    limit = BODY_LIMITS.get(endpoint or "")
    return limit(config) if limit else config["MAX_BODY_BYTES"]


def too_large_message() -> str:
    """What a person reads when a request is refused for its size: the largest it may be."""
    megabytes = body_limit(request.endpoint, current_app.config) / (1024 * 1024)
    return _(
        "What you sent is larger than this address accepts: at most %(size)s MB.",
        size=format_decimal(megabytes, format="#,##0.#"),
    )


class Request(FlaskRequest):
    """Flask's request, whose body limit depends on the endpoint it is routed to."""

    @property
    def max_content_length(self) -> int | None:
        """A limit set on this request, else the endpoint's limit from BODY_LIMITS."""
        if self._max_content_length is not None:
            return self._max_content_length
        if not current_app:
            return None
        return body_limit(self.endpoint, current_app.config)

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value


def register(app: Flask) -> None:
    """Install the per-endpoint body limits and, when configured, the trusted proxies."""
    app.request_class = Request
    hops = int(app.config.get("PROXY_FIX_X_FOR") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=0, x_host=0)

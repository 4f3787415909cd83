"""Absolute URLs that leave the app: emails, exports, documents, QR codes and labels.

Every one is built on the configured ``PUBLIC_BASE_URL``, never on the request: the Host
header (and any forwarded prefix) is whatever the client sent, and a link mailed to someone
else must not point wherever the sender's request said. A path in ``PUBLIC_BASE_URL``
(``https://example.org/mpx``) is the prefix the app is mounted under.
"""

from urllib.parse import quote
from urllib.parse import urlsplit

from flask import current_app
from flask import has_request_context
from flask import request

_ADAPTER = "mpx.public_url_adapter"


def public_base_url() -> str:
    """PUBLIC_BASE_URL without its trailing slash: the one origin of every absolute URL."""
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/")


def external_url(endpoint: str, **values) -> str:
    """The absolute URL of `endpoint` on PUBLIC_BASE_URL, with `values` as in `url_for`.

    Built on an adapter bound to PUBLIC_BASE_URL rather than on the request's, so it works
    the same inside a request, in a CLI command or a background job.
    """
    if endpoint.startswith(".") and has_request_context() and request.blueprint:
        endpoint = request.blueprint + endpoint
    anchor = values.pop("_anchor", None)
    method = values.pop("_method", None)
    current_app.inject_url_defaults(endpoint, values)
    url = _public_adapter().build(endpoint, values, method=method, force_external=True)
    if anchor is not None:
        url += "#" + quote(anchor, safe="%!#$&'()*+,/:;=?@")
    return url


def _public_adapter():
    """The app's URL map bound to PUBLIC_BASE_URL, made once per app and base URL (building
    a URL only reads it)."""
    base_url = public_base_url()
    made = current_app.extensions.get(_ADAPTER)
    if made is None or made[0] != base_url:
        base = urlsplit(base_url)
        adapter = current_app.url_map.bind(
            base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
        )
        made = current_app.extensions[_ADAPTER] = (base_url, adapter)
    return made[1]


def public_path_url(path: str) -> str:
    """An absolute URL for a path of the app (``/t/ABC``) on PUBLIC_BASE_URL."""
    return public_base_url() + "/" + path.lstrip("/")

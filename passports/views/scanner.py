"""`/scan`: the page a contractor opens on site to read a component's QR label.

Three ways in, best first: the live camera, a photo of the label decoded here with zxing-cpp
(works without JavaScript and on any phone), and the tag typed by hand. The live camera reads
codes with the browser's BarcodeDetector where there is one (Chrome on Android, Safari on
macOS); elsewhere (Firefox, iOS Safari, Chrome on the desktop) scanner.js sends a small JPEG
of the camera picture about every 700 ms to `POST /scan/frame`, decoded here the same way as a
photo. The page needs no login: the `/t/<tag>` page it leads to decides what the visitor may
see.
"""

from flask import current_app
from flask import jsonify
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import get_translations
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.http import HTTP_STATUS_CODES

from app.errors import error_payload
from app.extensions import db
from app.extensions import limiter
from passports import queries
from passports import scanning
from passports.images import configure_pillow
from passports.images import pixel_budget
from passports.models import Component
from passports.scanning import ImageTooLarge
from passports.scanning import ScanError
from passports.scanning import TagLink
from passports.scanning import TooManyPixelsToScan
from passports.tags import format_tag
from passports.views import bp
from passports.views.scan import event_form_texts

DEFAULT_RATE_LIMIT = "60 per minute"
# The live camera sends a frame about every 700 ms, one at a time: some 85 a minute.
DEFAULT_FRAME_RATE_LIMIT = "150 per minute"
# A frame is a downscaled JPEG of about 50 kB; anything near this is not one.
MAX_FRAME_BYTES = 2 * 1024 * 1024


@bp.record_once
def _pillow_budget(state) -> None:
    # Pillow's bomb check is process-wide: set it once, to the app's pixel budget.
    configure_pillow(state.app)


def _rate_limit() -> str:
    return current_app.config.get("SCAN_RATE_LIMIT", DEFAULT_RATE_LIMIT)


def _frame_rate_limit() -> str:
    return current_app.config.get("SCAN_FRAME_RATE_LIMIT", DEFAULT_FRAME_RATE_LIMIT)


def _no_code() -> str:
    return _(
        "No QR code found in the photo. Hold the phone closer, make sure the label is sharp and "
        "well lit, or type the tag."
    )


def _not_ours() -> str:
    return _("This QR code is not a Material Passport tag.")


def _unknown_tag(link: TagLink) -> str:
    return _(
        "This is a Material Passport tag, but no component has the tag %(tag)s.", tag=_shown(link)
    )


def _too_many_pixels(megapixels: int) -> str:
    return _(
        "This photo has more than %(mp)d megapixels. Take it again at a lower resolution, "
        "or type the tag.",
        mp=megapixels,
    )


def scanner_texts() -> dict:
    """What scanner.js says (camera, photo, status lines), in the page's language: raw
    catalogue texts, the script fills in `%(text)s`."""
    t = get_translations()
    return {
        "reading_photo": t.gettext("Reading the photo…"),
        "expired": t.gettext("This page has expired. Reload it to scan again."),
        "not_ours": t.gettext("This QR code is not a Material Passport tag (it reads “%(text)s”)."),
        "point": t.gettext("Point the camera at a Material Passport label."),
        "found": t.gettext("Tag found, opening its passport…"),
        "offline": t.gettext("No connection: the camera picture cannot be read. Trying again…"),
        "starting": t.gettext("Starting the camera…"),
        "denied": t.gettext(
            "The camera is not allowed for this site. Take a photo of the label instead."
        ),
        "failed": t.gettext("The camera could not be started. Take a photo of the label instead."),
        "running": t.gettext(
            "Point the camera at the label. The page opens as soon as it reads a tag."
        ),
    }


def _page(message: str | None = None, status: int = 200, detail: str | None = None):
    texts = {"scanner": scanner_texts()}
    if current_user.is_authenticated:
        texts["events"] = event_form_texts()  # the outbox of events waiting to be sent
    return render_template(
        "passports/scanner.html", message=message, detail=detail, texts=texts
    ), status


def _resolve(link: TagLink) -> str | None:
    """The tag of the component the link points at, if there is one."""
    if link.tag is not None:
        return db.session.scalar(select(Component.tag).where(Component.tag == link.tag))
    return queries.tag_for_gtin_serial(link.gtin or "", link.serial or "")


def _lookup(texts: list[str]) -> tuple[str | None, TagLink | None]:
    """The first tag among the decoded texts that a component has, else the first of our
    links (a tag no component has), else (None, None): the codes are not ours."""
    prefix = current_app.config.get("GS1_COMPANY_PREFIX")
    links = [link for text in texts if (link := scanning.tag_link(text, prefix))]
    for link in links:
        tag = _resolve(link)
        if tag is not None:
            return tag, link
    return None, links[0] if links else None


def _shown(link: TagLink) -> str:
    return format_tag(link.tag) if link.tag else f"{link.gtin}/{link.serial}"


@bp.route("/scan")
def scanner():
    """Scan a label: camera, photo or typed tag."""
    return _page()


@bp.route("/scan", methods=["POST"])
@limiter.limit(_rate_limit)
def scanner_photo():
    """Decode a photo of a label and go to the tag's page (303), or say what went wrong."""
    upload = request.files.get("photo")
    if upload is None or not upload.filename:
        return _page(_("Choose or take a photo of the label first."), 422)
    limit = current_app.config["MAX_PHOTO_BYTES"]
    # Read one byte past the limit: enough to know, without holding a huge upload in memory.
    raw = upload.stream.read(limit + 1)
    try:
        texts = scanning.read_codes(raw, max_bytes=limit, max_pixels=pixel_budget())
    except ImageTooLarge:
        message = _(
            "The photo is larger than %(mb)d MB. Take it again at a lower resolution.",
            mb=limit // (1024 * 1024),
        )
        return _page(message, 413)
    except TooManyPixelsToScan as exc:
        return _page(_too_many_pixels(exc.megapixels), 422)
    except ScanError:
        message = _(
            "This file is not a photo we can read. Take a photo of the label (JPEG or PNG)."
        )
        return _page(message, 422)
    if not texts:
        return _page(_no_code(), 422)
    tag, link = _lookup(texts)
    if tag is not None:
        return redirect(url_for("passports.scan", raw=tag), 303)
    if link is not None:
        return _page(_unknown_tag(link), 422)
    return _page(_not_ours(), 422, detail=texts[0])


def _frame_refused(status: int, reason: str, message: str, **extra):
    """The API's error shape, with a `reason` scanner.js acts on."""
    body = error_payload(status, HTTP_STATUS_CODES[status], message, extra.pop("errors", None))
    body.update(reason=reason, **extra)
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/scan/frame", methods=["POST"])
@limiter.limit(_frame_rate_limit)
def scanner_frame():
    """Decode one picture of the live camera (the fallback where the browser cannot).

    200 ``{"tag", "tag_display", "url"}`` for a component's label; 204 when the picture holds
    no QR code (the next one may); 422 with a ``reason`` (``unreadable``, ``not_ours``,
    ``unknown_tag``, ``no_frame``, ``too_many_pixels``) and a message for people; 413 for an
    oversized picture.
    """
    upload = request.files.get("frame")
    if upload is None:
        message = _("Send the camera picture as the `frame` field (JPEG or PNG).")
        return _frame_refused(422, "no_frame", message, errors={"frame": [message]})
    raw = upload.stream.read(MAX_FRAME_BYTES + 1)
    try:
        texts = scanning.read_codes(raw, max_bytes=MAX_FRAME_BYTES, max_pixels=pixel_budget())
    except ImageTooLarge:
        message = _(
            "A camera picture may be at most %(mb)d MB: send it smaller.",
            mb=MAX_FRAME_BYTES // (1024 * 1024),
        )
        return _frame_refused(413, "too_large", message)
    except TooManyPixelsToScan as exc:
        return _frame_refused(422, "too_many_pixels", _too_many_pixels(exc.megapixels))
    except ScanError:
        message = _("This camera picture is not an image we can read.")
        return _frame_refused(422, "unreadable", message)
    if not texts:
        response = current_app.response_class(status=204)
        response.headers["Cache-Control"] = "no-store"
        return response
    tag, link = _lookup(texts)
    if tag is not None:
        response = jsonify(
            tag=tag, tag_display=format_tag(tag), url=url_for("passports.scan", raw=tag)
        )
        response.headers["Cache-Control"] = "no-store"
        return response
    if link is not None:
        return _frame_refused(422, "unknown_tag", _unknown_tag(link))
    return _frame_refused(422, "not_ours", _not_ours(), text=texts[0][:200])

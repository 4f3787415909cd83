"""`/scan`: the page a contractor opens on site to read a component's QR label.

Three ways in, best first: the live camera (the browser's BarcodeDetector, in scanner.js), a
photo of the label decoded here with zxing-cpp (works without JavaScript and on any phone), and
the tag typed by hand. The page needs no login: the `/t/<tag>` page it leads to decides what
the visitor may see.
"""

from flask import current_app, redirect, render_template, request, url_for
from sqlalchemy import select

from app.extensions import db, limiter
from passports import queries, scanning
from passports.models import Component
from passports.scanning import ImageTooLarge, ScanError, TagLink
from passports.tags import format_tag
from passports.views import bp

NO_PHOTO = "Choose or take a photo of the label first."
NO_CODE = (
    "No QR code found in the photo. Hold the phone closer, make sure the label is sharp and "
    "well lit, or type the tag."
)
NOT_OURS = "This QR code is not a Material Passport tag."
UNKNOWN_TAG = "This is a Material Passport tag, but no component has the tag {tag}."
UNREADABLE = "This file is not a photo we can read. Take a photo of the label (JPEG or PNG)."
TOO_LARGE = "The photo is larger than {mb} MB. Take it again at a lower resolution."
DEFAULT_RATE_LIMIT = "60 per minute"


def _rate_limit() -> str:
    return current_app.config.get("SCAN_RATE_LIMIT", DEFAULT_RATE_LIMIT)


def _page(message: str | None = None, status: int = 200, detail: str | None = None):
    return render_template("passports/scanner.html", message=message, detail=detail), status


def _resolve(link: TagLink) -> str | None:
    """The tag of the component the link points at, if there is one."""
    if link.tag is not None:
        return db.session.scalar(select(Component.tag).where(Component.tag == link.tag))
    return queries.tag_for_gtin_serial(link.gtin or "", link.serial or "")


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
        return _page(NO_PHOTO, 422)
    limit = current_app.config["MAX_PHOTO_BYTES"]
    # Read one byte past the limit: enough to know, without holding a huge upload in memory.
    raw = upload.stream.read(limit + 1)
    try:
        texts = scanning.read_codes(raw, max_bytes=limit)
    except ImageTooLarge:
        return _page(TOO_LARGE.format(mb=limit // (1024 * 1024)), 413)
    except ScanError:
        return _page(UNREADABLE, 422)
    if not texts:
        return _page(NO_CODE, 422)
    prefix = current_app.config.get("GS1_COMPANY_PREFIX")
    links = [link for text in texts if (link := scanning.tag_link(text, prefix))]
    for link in links:
        tag = _resolve(link)
        if tag is not None:
            return redirect(url_for("passports.scan", raw=tag), 303)
    if links:
        shown = format_tag(links[0].tag) if links[0].tag else f"{links[0].gtin}/{links[0].serial}"
        return _page(UNKNOWN_TAG.format(tag=shown), 422)
    return _page(NOT_OURS, 422, detail=texts[0])

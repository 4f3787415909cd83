"""Reading component tags from photos of their QR labels (the no-camera fallback of `/scan`).

A phone photo is typically 4000 px wide, stored sideways with an EXIF Orientation tag, and the
label fills a small part of it. The photo is turned upright (`ImageOps.exif_transpose`), made
grey and scaled so its longest side is 1600 px, which is plenty for a label held at arm's length
and keeps decoding fast; zxing-cpp then looks for QR codes in any direction. Only when nothing is
found there is a second look at a larger size (up to 3200 px), for a small label in a wide shot.
JPEGs are decoded at reduced scale straight away (`Image.draft`), so a 12 MP photo never has to be
decoded in full for the first look.

Everything here is pure: bytes in, texts or tags out. Bad input never raises anything but
`UnreadableImage`, `ImageTooLarge` or `TooManyPixelsToScan` (the header declares more pixels
than the budget: checked before anything is decoded), all `ScanError`s with a message for
people, in the language of the request (English outside one).
"""

import re
import warnings
from dataclasses import dataclass
from urllib.parse import unquote
from urllib.parse import urlsplit

import zxingcpp
from flask_babel import gettext as _
from PIL import Image
from PIL import ImageOps

from passports.images import DEFAULT_MAX_IMAGE_PIXELS
from passports.images import TooManyPixels
from passports.images import open_image
from passports.tags import normalize_tag

FIRST_SIDE = 1600
SECOND_SIDE = 3200
# Formats Pillow may try: what phones and scanners save. Nothing exotic reaches a parser.
# ("JPEG" also opens the multi-picture JPEGs (MPO) some phones save.)
FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF")
QR_FORMATS = zxingcpp.BarcodeFormat.QRCode | zxingcpp.BarcodeFormat.MicroQRCode

_TAG_PATH = re.compile(r"(?:^|/)t/([^/]+)/?$")
_GS1_SERIAL_PATH = re.compile(r"(?:^|/)01/(\d{1,14})/21/([^/]+)/?$")
_GS1_GIAI_PATH = re.compile(r"(?:^|/)8004/([^/]+)/?$")


class ScanError(Exception):
    """A photo that cannot be scanned, with a message for the person who took it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class UnreadableImage(ScanError):
    """The bytes are not an image we can read (not an image, corrupt, or absurdly large)."""


class ImageTooLarge(ScanError):
    """The file is larger than the upload limit."""


class TooManyPixelsToScan(ScanError):
    """The image declares more pixels than the budget: refused before it is decoded."""

    def __init__(self, budget: int):
        self.megapixels = budget // 1_000_000
        super().__init__(_("The photo has more than %(mp)d megapixels.", mp=self.megapixels))


@dataclass(frozen=True)
class TagLink:
    """What a QR code points at: a tag, or a GS1 GTIN with a serial number."""

    tag: str | None = None
    gtin: str | None = None
    serial: str | None = None


def load_photo(
    raw: bytes, max_side: int = FIRST_SIDE, max_pixels: int = DEFAULT_MAX_IMAGE_PIXELS
) -> Image.Image:
    """The photo upright, in greyscale, its longest side at most `max_side` pixels."""
    if not raw:
        raise UnreadableImage(_("The file is empty."))
    try:
        with warnings.catch_warnings():
            # A small file that unpacks to hundreds of megapixels is refused, not decoded.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with open_image(raw, max_pixels, FORMATS) as image:
                if image.format in ("JPEG", "MPO"):
                    scale = max_side / max(image.size)
                    if scale < 1:
                        image.draft("L", (round(image.width * scale), round(image.height * scale)))
                image.load()
                upright = ImageOps.exif_transpose(image)
                grey = upright.convert("L")
    except TooManyPixels as exc:
        raise TooManyPixelsToScan(exc.budget) from exc
    except Exception as exc:
        # Image parsers meet hostile bytes here; whatever they raise (UnidentifiedImageError,
        # OSError, SyntaxError, struct.error, DecompressionBomb*...) means "not readable".
        raise UnreadableImage(_("This file is not a photo we can read.")) from exc
    if max(grey.size) > max_side:
        grey.thumbnail((max_side, max_side), Image.Resampling.BILINEAR, reducing_gap=2.0)
    return grey


def _decode(image: Image.Image) -> list[str]:
    texts = []
    for barcode in zxingcpp.read_barcodes(image, formats=QR_FORMATS):
        text = barcode.text.strip()
        if text and text not in texts:
            texts.append(text)
    return texts


def read_codes(
    raw: bytes, *, max_bytes: int | None = None, max_pixels: int = DEFAULT_MAX_IMAGE_PIXELS
) -> list[str]:
    """The texts of all QR codes in the photo, in the order found (empty if there are none)."""
    if max_bytes is not None and len(raw) > max_bytes:
        raise ImageTooLarge(_("The photo is larger than %(mb)d MB.", mb=max_bytes // (1024 * 1024)))
    image = load_photo(raw, SECOND_SIDE, max_pixels)
    first = image.copy()
    first.thumbnail((FIRST_SIDE, FIRST_SIDE), Image.Resampling.BILINEAR, reducing_gap=2.0)
    texts = _decode(first)
    if not texts and max(image.size) > FIRST_SIDE:
        texts = _decode(image)
    return texts


def tag_link(text: str, gs1_prefix: str | None = None) -> TagLink | None:
    """What a scanned text points at, if it is one of our tag URLs, on any host.

    Accepted: ``…/t/<TAG>`` (the label URL), the GS1 Digital Link forms ``…/01/<GTIN>/21/<serial>``
    and, given our GS1 company prefix, ``…/8004/<prefix><TAG>``. Anything else is None.
    """
    try:
        parts = urlsplit((text or "").strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    path = parts.path
    if match := _TAG_PATH.search(path):
        tag = normalize_tag(unquote(match.group(1)))
        return TagLink(tag=tag) if tag else None
    if match := _GS1_SERIAL_PATH.search(path):
        return TagLink(gtin=match.group(1), serial=unquote(match.group(2)))
    if gs1_prefix and (match := _GS1_GIAI_PATH.search(path)):
        giai = unquote(match.group(1))
        if giai.startswith(gs1_prefix):
            tag = normalize_tag(giai[len(gs1_prefix) :])
            return TagLink(tag=tag) if tag else None
    return None


def decode_tag_from_image(
    raw: bytes,
    *,
    gs1_prefix: str | None = None,
    max_bytes: int | None = None,
    max_pixels: int = DEFAULT_MAX_IMAGE_PIXELS,
) -> str | None:
    """The tag of the first QR code in the photo that carries one (GTIN + serial forms aside).

    Raises only `UnreadableImage`, `ImageTooLarge` or `TooManyPixelsToScan`; a photo without
    a tag gives None.
    """
    for text in read_codes(raw, max_bytes=max_bytes, max_pixels=max_pixels):
        link = tag_link(text, gs1_prefix)
        if link is not None and link.tag is not None:
            return link.tag
    return None

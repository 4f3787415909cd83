"""Event photos: checked with Pillow, re-encoded (which drops EXIF, GPS included), stored
under generated names in the upload folder, never under the client's filename."""

import hashlib
import io
import secrets
import warnings
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from marshmallow import ValidationError
from PIL import Image
from PIL import ImageOps
from PIL import UnidentifiedImageError

from app.errors import ServiceError
from app.storage import ensure_folder
from app.storage import upload_root
from app.storage import write_bytes
from passports.images import TooManyPixels
from passports.images import open_image
from passports.images import pixel_budget

FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}
MAX_SIDE = 2560


def too_many_pixels(megapixels: int) -> str:
    """Why a photo is refused for its size in pixels, in the reader's language."""
    return _(
        "This photo has more than %(megapixels)s megapixels. Take it again at a lower resolution.",
        megapixels=megapixels,
    )


@dataclass(frozen=True)
class PreparedPhoto:
    """A validated, re-encoded photo, ready to be written."""

    data: bytes
    content_type: str
    extension: str
    width: int
    height: int
    sha256: str


def upload_dir() -> Path:
    """The configured folder for uploads, created on first use."""
    return ensure_folder(upload_root())


def prepare_photo(raw: bytes, index: int = 0) -> PreparedPhoto:
    """Check that the bytes are a JPEG, PNG or WebP image and re-encode them."""
    limit = current_app.config["MAX_PHOTO_BYTES"]
    if len(raw) > limit:
        raise ServiceError(
            _(
                "Photo %(number)d is larger than %(size)d MB.",
                number=index + 1,
                size=limit // (1024 * 1024),
            ),
            code=413,
        )
    if not raw:
        raise ValidationError({"photos": {index: [_("The file is empty.")]}})
    budget = pixel_budget()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            # The pixel count comes from the header: an oversized image is never decoded.
            with open_image(raw, budget) as probe:
                kind = probe.format
                probe.verify()
            with open_image(raw, budget) as image:
                image.load()
                image = ImageOps.exif_transpose(image)
    except TooManyPixels as exc:
        raise ValidationError({"photos": {index: [too_many_pixels(exc.megapixels)]}}) from exc
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as exc:
        raise ValidationError({"photos": {index: [_("Not a readable image.")]}}) from exc
    if kind not in FORMATS:
        raise ValidationError({"photos": {index: [_("Use a JPEG, PNG or WebP image.")]}})
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    if kind == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    out = io.BytesIO()
    options = {
        "JPEG": {"quality": 85, "optimize": True},
        "WEBP": {"quality": 85},
        "PNG": {"optimize": True},
    }[kind]
    image.save(out, format=kind, **options)
    data = out.getvalue()
    content_type, extension = FORMATS[kind]
    return PreparedPhoto(
        data, content_type, extension, image.width, image.height, hashlib.sha256(data).hexdigest()
    )


def new_name(photo: PreparedPhoto) -> str:
    """A random file name: nothing of the client's name reaches the disk."""
    return f"{secrets.token_hex(16)}.{photo.extension}"


def write_photo(name: str, photo: PreparedPhoto) -> Path:
    """Write atomically (app.storage): no partial file remains; a full disk is a 507."""
    return write_bytes(upload_dir() / name, photo.data, "the photo")


def remove_photos(names: list[str]) -> None:
    """Delete stored files, for a request that failed after writing them."""
    folder = upload_dir()
    for name in names:
        (folder / name).unlink(missing_ok=True)

"""Opening untrusted images: the pixel count is read from the header and checked against a
budget before a single pixel is decoded.

A PNG of a few hundred kB can declare 89 megapixels (Pillow's own limit), which decodes to
hundreds of MB per request. `MAX_IMAGE_PIXELS` (config, 50 MP by default) fits every phone
photo in its usual modes (48-50 MP sensors give 8160 x 6120 = 49.9 MP); the rare 200 MP mode is
refused with a message asking for a lower resolution. Pillow's own bomb check is set to the
same figure when the app starts, so its warning or error can only mean "too many pixels"
and is answered as such, never as a server error.
"""

import io
import warnings

from flask import Flask
from flask import current_app
from PIL import Image

DEFAULT_MAX_IMAGE_PIXELS = 50_000_000


class TooManyPixels(Exception):
    """The image declares more pixels than the budget allows."""

    def __init__(self, budget: int, size: tuple[int, int] | None = None):
        super().__init__(f"more than {budget} pixels")
        self.budget = budget
        self.size = size

    @property
    def megapixels(self) -> int:
        """The budget in whole megapixels, for messages."""
        return self.budget // 1_000_000


def pixel_budget() -> int:
    """The most pixels an uploaded image may have (config `MAX_IMAGE_PIXELS`)."""
    return int(current_app.config.get("MAX_IMAGE_PIXELS") or DEFAULT_MAX_IMAGE_PIXELS)


def configure_pillow(app: Flask) -> None:
    """Make Pillow's decompression-bomb limit the app's pixel budget."""
    Image.MAX_IMAGE_PIXELS = int(app.config.get("MAX_IMAGE_PIXELS") or DEFAULT_MAX_IMAGE_PIXELS)


def open_image(raw: bytes, budget: int, formats=None) -> Image.Image:
    """Open an image (its header only) and refuse it when it has more than `budget` pixels.

    Raises TooManyPixels, or whatever Pillow raises for bytes that are not an image.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(raw), formats=formats)
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise TooManyPixels(budget) from exc
    width, height = image.size
    if width * height > budget:
        image.close()
        raise TooManyPixels(budget, (width, height))
    return image

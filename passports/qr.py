"""QR codes of component tags: the URL they encode, the module matrix, PNG and SVG images.

A tag's QR code encodes exactly ``<PUBLIC_BASE_URL>/t/<TAG>`` (canonical tag: upper case,
no hyphens), with error correction level M (about 15% of the symbol can be lost, enough for
a scuffed label on a building site) and the quiet zone of 4 modules that ISO/IEC 18004
requires around the symbol.

The `qrcode` library builds the symbol (version, mask and Reed-Solomon codes); every output
is drawn here from its module matrix, so PNG, SVG and the vector codes on PDF labels are the
same symbol. PNGs are scaled up from one pixel per module with nearest-neighbour sampling
(sharp edges, one Pillow call); SVGs get pixel sizes and a white background, so they scan on
a dark page too, which the SVG images of `qrcode` (in mm, transparent) do not.
"""

import io
from functools import lru_cache
from xml.sax.saxutils import escape

import qrcode
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M

from app.urls import public_path_url

ERROR_CORRECTION = ERROR_CORRECT_M
QUIET_ZONE = 4
# Bumped whenever the drawing changes, so cached images (ETags) are invalidated.
RENDER_VERSION = "1"
_DARK, _LIGHT = 0, 255


def tag_url(tag: str) -> str:
    """The URL a tag's QR code encodes: PUBLIC_BASE_URL (no trailing slash) + /t/<TAG>."""
    return public_path_url(f"/t/{tag.upper()}")


@lru_cache(maxsize=2048)
def _symbol(data: str) -> tuple[int, bytes]:
    """Width in modules (quiet zone included) and the modules row by row, 0 dark, 255 light.

    Cached: building the symbol is the expensive part (eight masks are tried and scored), and
    the same tag is often drawn at several sizes. Bytes keep the cache small (~1.4 kB each).
    """
    code = qrcode.QRCode(error_correction=ERROR_CORRECTION, border=QUIET_ZONE)
    code.add_data(data)
    code.make(fit=True)
    rows = code.get_matrix()  # the border is included
    return len(rows), bytes(_DARK if dark else _LIGHT for row in rows for dark in row)


def qr_width(data: str) -> int:
    """Width of the symbol in modules, quiet zone included."""
    return _symbol(data)[0]


def dark_runs(data: str) -> list[tuple[int, int, int]]:
    """Horizontal runs of dark modules as (row, first column, length), quiet zone included.

    Drawing runs instead of single modules keeps vector output (SVG paths, PDF labels) small.
    """
    width, cells = _symbol(data)
    runs = []
    for y in range(width):
        row = cells[y * width : (y + 1) * width]
        x = row.find(_DARK)
        while x != -1:
            end = row.find(_LIGHT, x)
            end = width if end == -1 else end
            runs.append((y, x, end - x))
            x = row.find(_DARK, end)
    return runs


def box_size_for(data: str, width_px: int) -> int:
    """Pixels per module that make the image (quiet zone included) closest to `width_px`."""
    return max(1, round(width_px / qr_width(data)))


def qr_png(data: str, box_size: int = 10) -> bytes:
    """A 1-bit PNG of the QR code, `box_size` pixels per module, quiet zone included."""
    width, cells = _symbol(data)
    side = width * box_size
    image = (
        Image.frombytes("L", (width, width), cells)
        .convert("1", dither=Image.Dither.NONE)
        .resize((side, side), Image.Resampling.NEAREST)
    )
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def qr_svg(data: str, size_px: int | None = None) -> bytes:
    """An SVG of the QR code on a white square; `size_px` sets its width and height."""
    width = qr_width(data)
    path = "".join(f"M{x},{y}h{n}v1h-{n}z" for y, x, n in dark_runs(data))
    size = f' width="{size_px}" height="{size_px}"' if size_px else ""
    svg = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1"{size}'
        f' viewBox="0 0 {width} {width}" shape-rendering="crispEdges">'
        f"<title>{escape(data)}</title>"
        f'<rect width="{width}" height="{width}" fill="#fff"/>'
        f'<path fill="#000" d="{path}"/></svg>\n'
    )
    return svg.encode()

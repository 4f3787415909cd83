"""Helpers for the user journeys in Chromium (test_journeys.py).

- `Journey`: numbered full-page screenshots of each step, and the files a step downloaded, in
  test-artifacts/<journey>/ (NN-step.png), emptied when the journey starts again;
- `Watch`: the page errors and Content-Security-Policy violations of every page a person opens;
- `sheet_csv`: a component spreadsheet with the import template's columns;
- `pdf_pages` and `qr_texts`: a PDF rasterised with pdfium and its QR codes read with zxing-cpp;
- `label_picture`, `camera_scene` and `write_y4m`: a real printed label (the app's own label
  sheet code) as a phone camera would film it, written as a YUV4MPEG2 clip for Chromium's fake
  camera (`--use-file-for-fake-video-capture`).
"""

import csv
import io
import shutil
import time
from pathlib import Path

import pypdfium2 as pdfium
import zxingcpp
from PIL import Image
from PIL import ImageDraw
from PIL import ImageFilter

from passports.imports.columns import COLUMNS
from passports.labels import LabelData
from passports.labels import label_positions
from passports.labels import render_labels
from tests.browser.conftest import ARTIFACTS

DESKTOP = {"width": 1280, "height": 900}
CAMERA = (640, 480)


class Journey:
    """Screenshots and downloads of one user journey, numbered in the order they happen."""

    def __init__(self, name: str):
        self.name = name
        self.folder = ARTIFACTS / name
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        self.steps: list[Path] = []
        self.started = time.monotonic()

    def shot(self, page, step: str) -> Path:
        """A full-page screenshot: test-artifacts/<journey>/NN-<step>.png."""
        path = self.folder / f"{len(self.steps) + 1:02d}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        self.steps.append(path)
        return path

    def picture(self, image: Image.Image, step: str) -> Path:
        """An image made outside the browser (a rendered PDF page, the camera's view)."""
        path = self.folder / f"{len(self.steps) + 1:02d}-{step}.png"
        image.save(path)
        self.steps.append(path)
        return path

    def keep(self, download) -> bytes:
        """Keep a Playwright download next to the screenshots; return its bytes."""
        path = self.folder / download.suggested_filename
        download.save_as(str(path))
        return path.read_bytes()

    @property
    def seconds(self) -> float:
        """How long the journey has taken so far."""
        return time.monotonic() - self.started


class Watch:
    """Collect uncaught script errors and CSP violations of a page."""

    def __init__(self, page, who: str):
        self.problems: list[str] = []
        page.on("pageerror", lambda exc: self.problems.append(f"{who}: uncaught {exc}"))
        page.on("console", self._console(who))

    def _console(self, who: str):
        def on_console(message) -> None:
            if message.type == "error" and "Content Security Policy" in message.text:
                self.problems.append(f"{who}: CSP {message.text}")

        return on_console


def sheet_csv(rows: list[dict]) -> bytes:
    """A CSV with the import template's header (every column, in order) and these rows."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.field for c in COLUMNS])
    known = {c.field for c in COLUMNS}
    for row in rows:
        assert set(row) <= known, set(row) - known
        writer.writerow([row.get(c.field, "") for c in COLUMNS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def pdf_pages(data: bytes, dpi: int = 200) -> list[Image.Image]:
    """Every page of a PDF as a greyscale image."""
    pages = []
    pdf = pdfium.PdfDocument(data)
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            bitmap = page.render(scale=dpi / 72, grayscale=True)
            pages.append(bitmap.to_pil().convert("L"))  # a copy: the bitmap is freed next
            bitmap.close()
            page.close()
    finally:
        pdf.close()
    return pages


def qr_texts(image: Image.Image) -> list[str]:
    """The texts of the QR codes in an image."""
    return [r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]


def label_picture(label: LabelData, dpi: int = 300) -> Image.Image:
    """One label as printed: the first label of an Avery L7160 sheet, cut out of the page."""
    page = pdf_pages(render_labels([label], "l7160"), dpi)[0].convert("RGB")
    x, y, w, h = label_positions("l7160")[0]
    px = dpi / 25.4
    return page.crop((round(x * px), round(y * px), round((x + w) * px), round((y + h) * px)))


def camera_scene(label: Image.Image, size: tuple[int, int] = CAMERA) -> Image.Image:
    """The label stuck on a brick wall, filling most of the picture, a little tilted and soft."""
    wall = Image.new("RGB", size, (120, 62, 44))
    draw = ImageDraw.Draw(wall)
    for row, y in enumerate(range(0, size[1], 36)):
        for x in range(-40 * (row % 2), size[0], 80):
            draw.rectangle((x + 3, y + 3, x + 77, y + 33), fill=(150, 78, 56))
    noise = Image.effect_noise(size, 18).convert("RGB")
    wall = Image.blend(wall, noise, 0.12)
    # Within the square the phone shows of a 4:3 picture (object-fit: cover), QR code included.
    width = round(size[0] * 0.68)
    sticker = label.resize(
        (width, round(label.height * width / label.width)), Image.Resampling.LANCZOS
    )
    sticker = sticker.rotate(3, expand=True, fillcolor=(0, 0, 0), resample=Image.Resampling.BICUBIC)
    mask = Image.new("L", label.size, 255).resize(
        (width, round(label.height * width / label.width))
    )
    mask = mask.rotate(3, expand=True, fillcolor=0)
    where = ((size[0] - sticker.width) // 2, (size[1] - sticker.height) // 2)
    # Site light: the white of the label is a light grey.
    wall.paste(sticker.point(lambda v: 30 + v * 0.8), where, mask)
    return wall.filter(ImageFilter.GaussianBlur(0.7))


def write_y4m(path: Path, picture: Image.Image, frames: int = 10, fps: int = 10) -> Path:
    """A YUV4MPEG2 clip (4:2:0, JPEG chroma siting) of `frames` copies of the picture."""
    width, height = picture.size
    assert width % 2 == 0 and height % 2 == 0, "4:2:0 needs even sides"
    y, cb, cr = picture.convert("RGB").convert("YCbCr").split()
    half = (width // 2, height // 2)
    planes = (
        y.tobytes()
        + cb.resize(half, Image.Resampling.BOX).tobytes()
        + cr.resize(half, Image.Resampling.BOX).tobytes()
    )
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F{fps}:1 Ip A1:1 C420jpeg\n".encode("ascii"))
        for _ in range(frames):
            out.write(b"FRAME\n")
            out.write(planes)
    return path

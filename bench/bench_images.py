"""Benchmark `images`: the peak memory of a worker handling an oversized image on `/scan`.

A PNG of a single colour compresses to almost nothing: 9,000 x 9,000 RGB pixels (81 MP, under
Pillow's own limit of 89.5 MP) is about 240 kB on disk and 243 MB decoded, and the scan path
used to decode it whole, turn it upright and make it grey. The pixel budget
(`MAX_IMAGE_PIXELS`, 50 MP by default) refuses it from the header.

Each case runs in a process of its own, as a worker would: the app is created and warmed up
with a small request, then one `POST /scan` with the photo is made, and the figures are the
process's peak RSS (ru_maxrss) after the request and its growth over the request. Cases:

- the 81 MP PNG with the default budget: refused from its header (422, too many pixels);
- the same PNG with the budget at Pillow's own limit, which is what the app did before;
- a 12 MP phone photo (4032 x 3024 JPEG), which must still be read.

Run it alone with `python -m bench.bench_images [--quick]`; `run(quick)` returns the rows.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

from bench.report import print_rows

ROOT = Path(__file__).resolve().parent.parent
HUGE = (9_000, 9_000)
PHONE = (4032, 3024)
PILLOW_DEFAULT = 89_478_485
# The refused case must not cost a worker more than this over its baseline.
TARGET_GROWTH_MB = 20


def _log(message: str) -> None:
    print(f"[bench images {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def flat_png(width: int, height: int) -> bytes:
    """A real single-colour RGB PNG, every row present: tiny on disk, huge decoded."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    packer = zlib.compressobj(9)
    row = b"\0" + b"\xc8\xc8\xc8" * width
    idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def phone_jpeg(size: tuple[int, int]) -> bytes:
    """A noisy photo of the size a phone saves."""
    from PIL import Image

    out = io.BytesIO()
    Image.effect_noise(size, 40).convert("RGB").save(out, "JPEG", quality=88)
    return out.getvalue()


# ---------------------------------------------------------------- the worker process
def _child(photo: Path, budget: int | None, content_type: str) -> dict:
    """One worker: create the app, warm it up, POST the photo to /scan once."""
    import re

    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart

    from app import create_app

    overrides = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{photo.parent / 'bench.sqlite'}"}
    if budget is not None:
        overrides["MAX_IMAGE_PIXELS"] = budget
    app = create_app("testing", **overrides)
    client = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/scan").get_data(True))

    def post(raw: bytes, name: str, kind: str):
        fields = {
            "photo": FileStorage(io.BytesIO(raw), filename=name, content_type=kind),
            "csrf_token": token.group(1) if token else "",
        }
        boundary, body = encode_multipart(fields)
        return client.post(
            "/scan", data=body, content_type=f"multipart/form-data; boundary={boundary}"
        )

    post(phone_jpeg((320, 240)), "warm.jpg", "image/jpeg")  # imports, templates, zxing
    raw = photo.read_bytes()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    response = post(raw, photo.name, content_type)
    wall_s = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    text = response.get_data(as_text=True)
    return {
        "status": response.status_code,
        "refused_for_pixels": "megapixels" in text,
        "file_bytes": len(raw),
        "wall_s": wall_s,
        "ru_maxrss_before_bytes": before * 1024,
        "ru_maxrss_after_bytes": after * 1024,
        "growth_bytes": (after - before) * 1024,
    }


def _measure(photo: Path, budget: int | None, content_type: str) -> dict:
    """Run `_child` in a fresh interpreter, so the peak is that worker's alone."""
    args = [sys.executable, "-m", "bench.bench_images", "--child", str(photo), content_type]
    if budget is not None:
        args += ["--budget", str(budget)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"worker failed: {done.stderr.strip().splitlines()[-1:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _row(name: str, figures: dict, target: str = "-", ok=None) -> dict:
    mb = 2**20
    return {
        "benchmark": f"images: {name}",
        "db": "-",
        "figure": (
            f"{figures['status']}, peak RSS {figures['ru_maxrss_after_bytes'] / mb:.0f} MB "
            f"(+{figures['growth_bytes'] / mb:.0f} MB), {figures['wall_s'] * 1000:.0f} ms"
        ),
        "target": target,
        "ok": ok,
        "metrics": figures,
        "notes": [],
    }


def run(quick: bool = False) -> list[dict]:
    """The three cases, each in a worker process of its own."""
    huge = HUGE if not quick else (7_500, 7_500)
    rows = []
    with tempfile.TemporaryDirectory(prefix="mpx-bench-images-") as folder:
        png = Path(folder) / "label.png"
        png.write_bytes(flat_png(*huge))
        jpeg = Path(folder) / "IMG_0001.jpg"
        jpeg.write_bytes(phone_jpeg(PHONE))
        mp = huge[0] * huge[1] / 1e6
        kb = png.stat().st_size / 1024
        _log(f"{mp:.0f} MP PNG of {kb:.0f} kB, refused from its header")
        refused = _measure(png, None, "image/png")
        ok = (
            refused["status"] == 422
            and refused["refused_for_pixels"]
            and refused["growth_bytes"] <= TARGET_GROWTH_MB * 2**20
        )
        rows.append(
            _row(
                f"{mp:.0f} MP PNG ({kb:.0f} kB), refused", refused, f"+<= {TARGET_GROWTH_MB} MB", ok
            )
        )
        _log("the same PNG decoded, as before the budget (Pillow's 89.5 MP limit)")
        rows.append(
            _row(f"{mp:.0f} MP PNG decoded (old)", _measure(png, PILLOW_DEFAULT, "image/png"))
        )
        _log("a 12 MP phone photo")
        phone = _measure(jpeg, None, "image/jpeg")
        rows.append(_row("12 MP phone photo", phone, "read", not phone["refused_for_pixels"]))
    return rows


def main(argv: list[str] | None = None) -> int:
    """Standalone run, or (--child) one worker's measurement printed as JSON."""
    parser = argparse.ArgumentParser(prog="python -m bench.bench_images")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--child", nargs=2, metavar=("PHOTO", "CONTENT_TYPE"))
    parser.add_argument("--budget", type=int, default=None)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_child(Path(args.child[0]), args.budget, args.child[1])))
        return 0
    print_rows(run(args.quick))
    return 0


if __name__ == "__main__":
    sys.exit(main())

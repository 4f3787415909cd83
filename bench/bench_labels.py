"""Benchmark `labels`: QR PNG generation rate and a 1,000-label L7160 sheet PDF.

- QR PNGs per second, for the bare function (`passports.qr.qr_png`) and through the public
  route `GET /t/<tag>/qr.png?size=300` with the Flask test client (tag lookup in the database
  included). Every figure is "cold": each image is of a different tag and the symbol cache is
  emptied first, so the QR encoding itself is timed; the warm rate (cached symbol) is kept in
  the metrics. Target: at least 100 images per second.
- `GET /buildings/<id>/labels.pdf?layout=l7160` for a building of 1,000 components (owner
  logged in through the login form): wall time (target at most 3.7 s, the figure of this sheet
  before its codes were built with numpy), then the same request again under tracemalloc for
  the peak of Python allocations, and the growth of the process's peak RSS (ru_maxrss) over the
  first request.
- The same sheet once the components have Japanese names (and the building and storeys too),
  asked for in Japanese: the sheet is then set in WenQuanYi Micro Hei, embedded as a subset.
  Target at most 3 s for the first such sheet of the process, the font's loading included.

Runs on a temporary SQLite database, migrated in-process, with synthetic components. Run it
alone with `python -m bench.bench_labels [--quick]`; `run(quick)` returns the result rows.
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from bench.common import PASSWORD
from bench.common import login
from bench.common import row
from bench.report import print_rows

ROOT = Path(__file__).resolve().parent.parent
QR_TARGET_PER_S = 100.0
PDF_TARGET_S = 3.7
PDF_JA_TARGET_S = 3.0
PDF_LABELS = 1000
JAPANESE_NAMES = (
    "レンガ壁 北側",
    "木製ドア",
    "鉄骨梁 HEA 200",
    "外壁タイル 南面",
    "アルミサッシ窓",
    "石膏ボード間仕切り",
    "コンクリート床版 3階",
    "屋根断熱材（グラスウール）",
)


def _log(message: str) -> None:
    print(f"[bench labels {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _prepare(url: str, components: int):
    """A migrated database with the material library, an owner and one building."""
    from flask_migrate import upgrade

    from app import create_app
    from app.auth import services as accounts
    from app.extensions import db
    from passports import services
    from passports import synthetic

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        services.load_material_library()
        org = accounts.create_organisation("Bench labels owner", "municipality")
        user = accounts.create_user("bench-labels@example.org", PASSWORD, "owner", org)
        ids = synthetic.generate(1, components, organisation=org, seed=11)
        db.session.commit()
        email = user.email
        db.session.remove()
    return app, ids["buildings"][0], email


def bench_qr_function(count: int) -> dict:
    """Cold and warm PNG rate of the bare function, each image a different tag."""
    from passports.qr import _symbol
    from passports.qr import box_size_for
    from passports.qr import qr_png
    from passports.tags import new_tag

    urls = [f"https://mpx.example.org/t/{new_tag()}" for _ in range(count)]
    _symbol.cache_clear()
    gc.collect()
    start = time.perf_counter()
    sizes = [len(qr_png(u, box_size_for(u, 300))) for u in urls]
    cold_s = time.perf_counter() - start
    start = time.perf_counter()
    for u in urls:
        qr_png(u, box_size_for(u, 300))
    warm_s = time.perf_counter() - start
    rate = count / cold_s
    return row(
        "labels: QR PNG, function",
        "-",
        f"{rate:,.0f} images/s",
        f">= {QR_TARGET_PER_S:.0f}/s",
        rate >= QR_TARGET_PER_S,
        {
            "images": count,
            "cold_per_s": rate,
            "warm_per_s": count / warm_s,
            "mean_png_bytes": sum(sizes) / count,
        },
    )


def bench_qr_route(app, count: int) -> dict:
    """Cold PNG rate through GET /t/<tag>/qr.png?size=300, anonymous, distinct tags."""
    from sqlalchemy import select

    from app.extensions import db
    from passports.models import Component
    from passports.qr import _symbol

    with app.app_context():
        tags = db.session.scalars(select(Component.tag).limit(count)).all()
        db.session.remove()
    client = app.test_client()
    client.get(f"/t/{tags[0]}/qr.png?size=300")  # first request: imports, template cache
    _symbol.cache_clear()
    gc.collect()
    start = time.perf_counter()
    for tag in tags:
        response = client.get(f"/t/{tag}/qr.png?size=300")
        if response.status_code != 200 or response.mimetype != "image/png":
            raise RuntimeError(f"GET /t/{tag}/qr.png answered {response.status_code}")
    cold_s = time.perf_counter() - start
    start = time.perf_counter()
    for tag in tags:
        client.get(f"/t/{tag}/qr.png?size=300")
    warm_s = time.perf_counter() - start
    rate = len(tags) / cold_s
    return row(
        "labels: QR PNG, route",
        "sqlite",
        f"{rate:,.0f} images/s",
        f">= {QR_TARGET_PER_S:.0f}/s",
        rate >= QR_TARGET_PER_S,
        {"images": len(tags), "cold_per_s": rate, "warm_per_s": len(tags) / warm_s},
    )


def _to_japanese(app, building_id: int) -> None:
    """Give the building, its storeys and its components Japanese names."""
    from sqlalchemy import select

    from app.extensions import db
    from passports.models import Building
    from passports.models import Component

    with app.app_context():
        db.session.get(Building, building_id).name = "横浜市庁舎（旧庁舎）"
        components = db.session.scalars(
            select(Component).where(Component.building_id == building_id).order_by(Component.id)
        )
        for i, component in enumerate(components):
            component.name = f"{JAPANESE_NAMES[i % len(JAPANESE_NAMES)]} {i + 1}"
            component.storey = f"{i % 7 + 1}階"
        db.session.commit()
        db.session.remove()


def bench_pdf(app, building_id: int, email: str, language: str = "en") -> dict:
    """Wall time and peak memory of the L7160 PDF of every component of the building."""
    from passports.qr import _symbol

    client = app.test_client()
    login(client, email)
    path = f"/buildings/{building_id}/labels.pdf?layout=l7160"
    headers = {"Accept-Language": language}
    _symbol.cache_clear()
    gc.collect()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    response = client.get(path, headers=headers)
    wall_s = time.perf_counter() - start
    rss_growth_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
    if response.status_code != 200 or not response.data.startswith(b"%PDF"):
        raise RuntimeError(f"GET {path} answered {response.status_code}")
    if language == "ja" and b"WenQuanYi" not in response.data:
        raise RuntimeError("the Japanese sheet is not set in the CJK font")
    size = len(response.data)

    start = time.perf_counter()
    client.get(path, headers=headers)
    warm_s = time.perf_counter() - start

    _symbol.cache_clear()
    gc.collect()
    tracemalloc.start()
    try:
        client.get(path, headers=headers)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    japanese = language == "ja"
    target = PDF_JA_TARGET_S if japanese else PDF_TARGET_S
    result = row(
        f"labels: {PDF_LABELS:,}-label L7160 PDF" + (", Japanese names" if japanese else ""),
        "sqlite",
        f"{wall_s:.2f} s (warm {warm_s:.2f} s), peak {peak / 2**20:.0f} MB",
        f"<= {target:g} s",
        wall_s <= target,
        {
            "language": language,
            "labels": PDF_LABELS,
            "pages": -(-PDF_LABELS // 21),
            "wall_s": wall_s,
            "warm_wall_s": warm_s,
            "pdf_bytes": size,
            "tracemalloc_peak_bytes": peak,
            "ru_maxrss_growth_bytes": rss_growth_kb * 1024,
            "ru_maxrss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        },
    )
    if not rss_growth_kb:
        result["notes"].append("the PDF request stayed below the process's earlier peak RSS")
    return result


def run(quick: bool) -> list[dict]:
    """All four figures; --quick times fewer QR images (the PDFs stay at 1,000 labels)."""
    qr_count = 60 if quick else 300
    rows = []
    with tempfile.TemporaryDirectory(prefix="mpx-bench-labels-") as workdir:
        _log(f"QR PNG function, {qr_count} images")
        rows.append(bench_qr_function(qr_count))
        _log(f"preparing a SQLite database with {PDF_LABELS} components")
        app, building_id, email = _prepare(
            f"sqlite:///{Path(workdir) / 'labels.sqlite'}", PDF_LABELS
        )
        try:
            _log(f"QR PNG route, {qr_count} requests")
            rows.append(bench_qr_route(app, qr_count))
            _log(f"{PDF_LABELS}-label L7160 PDF")
            rows.append(bench_pdf(app, building_id, email))
            _log(f"{PDF_LABELS}-label L7160 PDF, Japanese names")
            _to_japanese(app, building_id)
            rows.append(bench_pdf(app, building_id, email, language="ja"))
        finally:
            from app.extensions import db

            with app.app_context():
                db.engine.dispose()
    return rows


def main(argv: list[str] | None = None) -> int:
    """Run the label benchmarks and print their table."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.bench_labels", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--quick", action="store_true", help="fewer QR images")
    args = parser.parse_args(argv)
    print_rows(run(args.quick))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark `languages`: the same pages rendered in Japanese and in English.

A translated page costs what its catalogue lookups, its locale-aware number and date formatting
and its longer strings cost. Two pages people open most are timed through the Flask test client,
logged in: the building page (a building of 500 components) and an exchange search with results
(the demo's listings plus one per synthetic component lot). Requests alternate between the two
languages (English, Japanese, English, ...) so that drift on a shared machine falls on both
alike; the figure is the ratio of the medians, Japanese over English. Target: at most 1.10.

Runs on a temporary SQLite database. Run it alone with `python -m bench.bench_languages
[--quick]`; `run(quick)` returns the result rows.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.common import PASSWORD
from bench.common import login
from bench.common import row
from bench.report import print_rows

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO = 1.10
COMPONENTS = 500
LANGUAGES = ("en", "ja")


def _log(message: str) -> None:
    print(f"[bench languages {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _prepare(url: str):
    """A migrated database with the demo world, and an owner with a building of 500 components."""
    from flask_migrate import upgrade

    from app import create_app
    from app.auth import services as accounts
    from app.extensions import db
    from marketplace.demo import load_exchange_demo
    from passports import synthetic
    from passports.demo import load_demo

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        load_demo()
        load_exchange_demo()
        org = accounts.create_organisation("Bench languages owner", "municipality")
        user = accounts.create_user("bench-languages@example.org", PASSWORD, "owner", org)
        ids = synthetic.generate(1, COMPONENTS, organisation=org, seed=5)
        db.session.commit()
        email = user.email
        db.session.remove()
    return app, ids["buildings"][0], email


def _time(client, path: str, language: str) -> float:
    start = time.perf_counter()
    response = client.get(path, headers={"Accept-Language": language})
    elapsed = time.perf_counter() - start
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} in {language} answered {response.status_code}")
    return elapsed


def bench_page(client, name: str, path: str, rounds: int) -> dict:
    """Median render time per language, alternating; the ratio of the medians."""
    for language in LANGUAGES * 3:  # warm the catalogues, templates and caches
        _time(client, path, language)
    times: dict[str, list[float]] = {language: [] for language in LANGUAGES}
    for _ in range(rounds):
        for language in LANGUAGES:
            times[language].append(_time(client, path, language))
    median = {language: statistics.median(values) for language, values in times.items()}
    ratio = median["ja"] / median["en"]
    html = client.get(path, headers={"Accept-Language": "ja"}).get_data(as_text=True)
    return row(
        f"languages: {name}, Japanese / English",
        "sqlite",
        f"{ratio:.3f} ({median['ja'] * 1000:.1f} ms / {median['en'] * 1000:.1f} ms)",
        f"<= {TARGET_RATIO:.2f}",
        ratio <= TARGET_RATIO,
        {
            "path": path,
            "rounds": rounds,
            "median_s": median,
            "p90_s": {
                language: statistics.quantiles(values, n=10)[-1]
                for language, values in times.items()
            },
            "ratio": ratio,
            "japanese_page_is_japanese": 'lang="ja"' in html,
        },
    )


def run(quick: bool) -> list[dict]:
    rounds = 10 if quick else 40
    with tempfile.TemporaryDirectory(prefix="mpx-bench-languages-") as workdir:
        _log(f"preparing a SQLite database: demo world and {COMPONENTS} components")
        app, building_id, email = _prepare(f"sqlite:///{Path(workdir) / 'languages.sqlite'}")
        try:
            client = app.test_client()
            login(client, email)
            rows = []
            for name, path in (
                (f"building page ({COMPONENTS} components)", f"/buildings/{building_id}"),
                ("exchange search", "/exchange?q=brick"),
                ("exchange, every listing", "/exchange"),
            ):
                _log(f"{name}: {rounds} rounds")
                rows.append(bench_page(client, name, path, rounds))
            return rows
        finally:
            from app.extensions import db

            with app.app_context():
                db.engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.bench_languages", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--quick", action="store_true", help="fewer rounds")
    args = parser.parse_args(argv)
    print_rows(run(args.quick))
    return 0


if __name__ == "__main__":
    sys.exit(main())

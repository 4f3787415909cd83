"""What the `metrics` benchmark measures against: an app on a fresh database with an owner (a
logged-in client and bearer tokens) and its synthetic buildings, timed requests through the
test client, timing statistics and the process's peak RSS."""

from __future__ import annotations

import gc
import math
import resource
import sys
import time
import uuid
from pathlib import Path

from bench.common import PASSWORD
from bench.common import login

ROOT = Path(__file__).resolve().parent.parent


def log_progress(message: str) -> None:
    """Progress line on stderr, so stdout keeps the results."""
    print(f"[bench metrics {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def timing_stats(samples: list[float]) -> dict:
    """Median, p95 (nearest rank), min and max of timings given in seconds, in ms."""
    ordered = sorted(samples)
    n = len(ordered)
    median = ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2
    return {
        "n": n,
        "median_ms": median * 1000,
        "p95_ms": ordered[max(0, math.ceil(0.95 * n) - 1)] * 1000,
        "min_ms": ordered[0] * 1000,
        "max_ms": ordered[-1] * 1000,
    }


def peak_rss_bytes() -> int:
    """Peak RSS of this process: VmHWM from /proc (reset by exec, unlike ru_maxrss, which a
    child started by fork keeps from its parent), else ru_maxrss."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


class World:
    """An app on a fresh database with an owner (logged-in client and bearer token)."""

    def __init__(self, url: str, db_name: str) -> None:
        from flask_migrate import upgrade

        from app import create_app
        from app.auth import services as accounts
        from app.extensions import db
        from passports import services

        self.db_name, self.url = db_name, url
        self.app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
        suffix = uuid.uuid4().hex[:8]
        with self.app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
            services.load_material_library()
            self.org = accounts.create_organisation(f"Bench city {suffix}", "municipality")
            user = accounts.create_user(f"bench-{suffix}@example.org", PASSWORD, "owner", self.org)
            other_org = accounts.create_organisation(f"Bench importer {suffix}", "municipality")
            other = accounts.create_user(f"imp-{suffix}@example.org", PASSWORD, "owner", other_org)
            _t, self.token = accounts.issue_token(user, "bench")
            _t, self.other_token = accounts.issue_token(other, "bench")
            db.session.commit()
            self.org_id, self.email = self.org.id, user.email
            db.session.remove()
        self.client = self.app.test_client()
        login(self.client, self.email)

    def headers(self, other: bool = False) -> dict:
        """Bearer header of the owner (or of the owner of another organisation)."""
        return {"Authorization": f"Bearer {self.other_token if other else self.token}"}

    def generate(self, buildings: int, components: int, seed: int) -> tuple[int, int]:
        """Bulk-insert synthetic buildings for the owner; returns the first and last id."""
        from app.auth.models import Organisation
        from app.extensions import db
        from passports import synthetic

        with self.app.app_context():
            org = db.session.get(Organisation, self.org_id)
            result = synthetic.generate(buildings, components, organisation=org, seed=seed)
            db.session.commit()
            self.analyse()
            db.session.remove()
        return result["buildings"]

    def refresh(self, only_buildings: tuple[int, int] | None = None) -> dict:
        """Score the unscored components and rebuild the building aggregates; timed."""
        from app.extensions import db
        from dashboard import services as dashboard_services
        from passports.metrics.stored import recompute_components

        with self.app.app_context():
            start = time.perf_counter()
            scored = recompute_components(only_missing=True)
            db.session.commit()
            scored_s = time.perf_counter() - start
            start = time.perf_counter()
            if only_buildings:
                first, last = only_buildings
                count = dashboard_services.refresh_buildings(range(first, last + 1))
            else:
                count = dashboard_services.refresh_all(score_components=False)[
                    "buildings_refreshed"
                ]
            db.session.commit()
            refresh_s = time.perf_counter() - start
            self.analyse()
            db.session.remove()
        return {
            "components_scored": scored,
            "scoring_s": scored_s,
            "buildings_refreshed": count,
            "aggregate_refresh_s": refresh_s,
        }

    def analyse(self) -> None:
        """Fresh planner statistics, as autovacuum would soon have on PostgreSQL."""
        from sqlalchemy import text

        from app.extensions import db

        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
        else:
            with db.engine.begin() as conn:
                conn.execute(text("ANALYZE"))

    def get(self, path: str, *, api: bool = False, other: bool = False):
        """GET through the test client, raising on anything but 200."""
        response = self.client.get(path, headers=self.headers(other) if api else {})
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} answered {response.status_code}")
        return response

    def close(self) -> None:
        """Release the database connections."""
        from app.extensions import db

        with self.app.app_context():
            db.engine.dispose()


def timed_requests(
    world: World, path: str, *, api: bool, warmup: int, iterations: int
) -> list[float]:
    """The times of `iterations` GETs of `path` (after `warmup` untimed ones), in seconds."""
    for _ in range(warmup):
        world.get(path, api=api)
    gc.collect()
    samples = []
    for _ in range(iterations):
        start = time.perf_counter()
        world.get(path, api=api)
        samples.append(time.perf_counter() - start)
    return samples

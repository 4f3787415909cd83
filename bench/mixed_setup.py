"""What the `mixed` and `faults` benchmarks run against: the generated PostgreSQL database (its
sizes, the search benchmark's listings, generated buildings granted to a contractor, the tag,
search and component files the load reads) and the production server (gunicorn as `make serve`
runs it, rate limits raised and kept in a throwaway redis-server)."""

from __future__ import annotations

import secrets
import time
from contextlib import ExitStack
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import select

from bench import servers
from bench.common import PASSWORD
from bench.common import PostgresServer
from bench.common import log
from bench.common import migrate
from bench.common import normalise_url
from bench.common import scalar
from bench.common import subprocess_env
from bench.scan import sample_tags
from bench.scan import settle

# Rate limits for the run: all the load comes from 127.0.0.1.
GENEROUS_LIMIT = "1000000 per minute"


@dataclass
class Sizes:
    """How big the generated database is and how long the load runs.

    The database of mixed and faults alone; common.Settings sizes the one that generate,
    overview-scale and scan share (a million components), and the repetitions of those.
    """

    components: int = 300_000
    buildings: int = 300
    listings: int = 20_000
    tags: int = 5000
    searches: int = 400
    event_components: int = 3000
    duration_s: int = 60
    warmup_s: int = 5
    workers: int = 4
    connections: int = 8

    @classmethod
    def for_run(cls, quick: bool) -> Sizes:
        """The full run (the defaults), or a small smoke run."""
        if not quick:
            return cls()
        return cls(
            components=20_000,
            buildings=20,
            listings=2_000,
            tags=1000,
            searches=100,
            event_components=500,
            duration_s=10,
            warmup_s=2,
        )


@dataclass
class Workload:
    """A generated database and what the load needs from it: tags, searches, tokens."""

    url: str
    components_in_db: int
    published_listings: int
    buyer_token: str
    contractor_token: str
    files: dict[str, Path] = field(default_factory=dict)
    setup_s: float = 0.0

    def lines(self, name: str) -> list[str]:
        """The lines of one of the workload files (tags, searches, components)."""
        return self.files[name].read_text().splitlines()


def _contractor(app, count: int) -> tuple[str, list[int]]:
    """A contractor granted every generated building; its token and `count` component ids
    it may record events on."""
    from app.auth import services as accounts
    from app.auth.models import Organisation
    from app.extensions import db
    from passports import services
    from passports.models import Building
    from passports.models import Component

    with app.app_context():
        portfolio = db.session.scalar(
            select(Organisation).where(Organisation.name == "Synthetic Portfolio")
        )
        owner = accounts.create_user("owner@mixed.example", PASSWORD, "owner", portfolio)
        crew = accounts.create_organisation("Bench Demontage B.V.", "contractor")
        contractor = accounts.create_user("contractor@mixed.example", PASSWORD, "contractor", crew)
        _token, clear = accounts.issue_token(contractor, "mixed benchmark")
        buildings = db.session.scalars(
            select(Building).where(Building.organisation_id == portfolio.id)
        ).all()
        for building in buildings:
            services.grant_access(building, crew.id, owner)
        db.session.commit()
        ids = db.session.scalars(
            select(Component.id)
            .where(
                Component.building_id.in_([b.id for b in buildings]),
                Component.status != "disposed",
                Component.archived_at.is_(None),
            )
            .order_by(Component.id)
        ).all()
        db.session.remove()
        db.engine.dispose()
    step = max(1, len(ids) // count)
    return clear, list(ids[::step][:count])


def prepare(server: PostgresServer, workdir: Path, sizes: Sizes) -> Workload:
    """A migrated database filled with listings and generated components, plus the files
    the load reads (tags, search paths, component ids)."""
    from app import create_app
    from app.extensions import db
    from bench import bench_search
    from bench import generate

    start = time.perf_counter()
    url = server.new_database("mpx_mixed")
    migrate(url, workdir)
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=normalise_url(url))
    log(f"mixed: {sizes.listings:,} listings (bench_search.populate)")
    setup = bench_search.populate(app, sizes.listings)
    with app.app_context():
        db.engine.dispose()
    generate.run_generate(url, sizes.buildings, sizes.components, workdir, "mixed")
    contractor_token, component_ids = _contractor(app, sizes.event_components)
    log("mixed: VACUUM ANALYZE, sampling tags")
    settle(url)
    tags = sample_tags(url, sizes.tags)
    searches = [
        f"/api/v1/listings?{urlencode(params)}"
        for params in bench_search.queries(sizes.searches, seed=11)
    ]
    files = {}
    for name, lines in (("tags", tags), ("searches", searches), ("components", component_ids)):
        files[name] = workdir / f"mixed-{name}.txt"
        files[name].write_text("".join(f"{line}\n" for line in lines))
    return Workload(
        url=url,
        components_in_db=scalar(url, "SELECT count(*) FROM components"),
        published_listings=setup["published"],
        buyer_token=setup["token"],
        contractor_token=contractor_token,
        files=files,
        setup_s=time.perf_counter() - start,
    )


@dataclass
class ProductionServer(servers.Server):
    """A gunicorn started by production_server, and where its rate limits live."""

    redis: str = "memory://"


@contextmanager
def production_server(
    url: str, workdir: Path, label: str, workers: int, upload_dir: Path | None = None
):
    """gunicorn as `make serve` runs it (gunicorn.conf.py, wsgi:app, APP_ENV=production),
    on a free loopback port, with a throwaway redis-server for the rate limits; stopped on
    exit."""
    with ExitStack() as stack:
        try:
            from tests.redis_server import throwaway_redis

            redis_url = stack.enter_context(throwaway_redis())
        except (ImportError, RuntimeError) as exc:
            log(f"{label}: no redis-server ({exc}); rate limits in each worker's memory")
            redis_url = "memory://"
        port = servers.free_port()
        uploads = upload_dir or workdir / f"uploads-{label}"
        env = subprocess_env(
            url,
            APP_ENV="production",
            SECRET_KEY=secrets.token_hex(32),
            BIND=f"127.0.0.1:{port}",
            WEB_CONCURRENCY=str(workers),
            PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
            RATELIMIT_STORAGE_URI=redis_url,
            SCAN_RATE_LIMIT=GENEROUS_LIMIT,
            LOGIN_RATE_LIMIT=GENEROUS_LIMIT,
            LOGIN_LOCKOUT=GENEROUS_LIMIT,
            UPLOAD_DIR=str(uploads),
        )
        # Stopping may take gunicorn.conf.py's graceful_timeout (30 s).
        server = stack.enter_context(
            servers.gunicorn(
                ["-c", "gunicorn.conf.py", "wsgi:app"],
                env,
                port,
                workdir / f"gunicorn-{label}.log",
                "/readyz",
                ready_s=90,
                stop_s=40,
            )
        )
        yield ProductionServer(server.base_url, server.pid, server.log_path, redis_url)

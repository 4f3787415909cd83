"""Results of the benchmarks and what they share to produce them: the result rows, the settings
of a run, timing statistics, number formats, progress lines and logging in."""

from __future__ import annotations

import math
import re
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "bench password 1234"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Result:
    """One line of the results table, with the raw numbers behind it."""

    benchmark: str
    db: str
    figure: str
    target: str = "-"
    ok: bool | None = None
    metrics: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        """The result as plain JSON-ready data."""
        return {
            "benchmark": self.benchmark,
            "db": self.db,
            "figure": self.figure,
            "target": self.target,
            "ok": self.ok,
            "metrics": self.metrics,
            "notes": self.notes,
        }


def row(
    benchmark: str,
    db: str,
    figure: str,
    target: str = "-",
    ok: bool | None = None,
    metrics: dict | None = None,
    notes: Iterable[str] | None = None,
) -> dict:
    """One line of the results table as plain data, for the benchmarks that report dicts."""
    return Result(benchmark, db, figure, target, ok, metrics or {}, list(notes or ())).as_dict()


@dataclass
class Settings:
    """Sizes and repetitions of one run; --quick shrinks them for smoke runs."""

    quick: bool = False
    buildings: int = 1_000
    components: int = 1_000_000
    overview_components: int = 10_000
    warmup: int = 5
    iterations: int = 50
    pg_limit_s: float = 180.0
    scan_tags: int = 4000
    scan_rounds: int = 6
    scan_round_s: int = 4
    scan_warmup_s: int = 2
    scan_workers: int = 2

    @classmethod
    def for_run(cls, quick: bool) -> Settings:
        """Full-size targets from the issue (the defaults), or small sizes for a smoke run."""
        if not quick:
            return cls()
        return cls(
            quick=True,
            buildings=20,
            components=20_000,
            warmup=2,
            iterations=10,
            scan_tags=500,
            scan_rounds=2,
            scan_round_s=1,
            scan_warmup_s=1,
        )


def stats_ms(samples: list[float]) -> dict:
    """Median, p95 (nearest rank), mean, min and max of timings given in seconds, in ms."""
    ordered = sorted(samples)
    n = len(ordered)
    mid = n // 2
    median = ordered[mid] if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2
    p95 = ordered[max(0, math.ceil(0.95 * n) - 1)]
    return {
        "n": n,
        "median_ms": median * 1000,
        "p95_ms": p95 * 1000,
        "mean_ms": sum(ordered) / n * 1000,
        "min_ms": ordered[0] * 1000,
        "max_ms": ordered[-1] * 1000,
    }


def human_count(n: float) -> str:
    """1234567 -> '1.23M', 24100 -> '24.1k'."""
    if n >= 1_000_000:
        return f"{n / 1_000_000:.3g}M"
    if n >= 1_000:
        return f"{n / 1_000:.3g}k"
    return f"{n:.3g}"


def human_bytes(n: float) -> str:
    """Bytes as MB or GB."""
    if n >= 1024**3:
        return f"{n / 1024**3:.2f} GB"
    return f"{n / 1024**2:.0f} MB"


def log(message: str) -> None:
    """Progress line on stderr, so stdout keeps the results."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def login(client, email: str) -> None:
    """Log a test client in through the login form, CSRF token included."""
    page = client.get("/login").get_data(as_text=True)
    match = _CSRF.search(page)
    if not match:
        raise RuntimeError("no CSRF token on /login")
    response = client.post(
        "/login", data={"email": email, "password": PASSWORD, "csrf_token": match.group(1)}
    )
    if response.status_code != 302:
        raise RuntimeError(f"login failed: {response.status_code}")

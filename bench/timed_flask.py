"""The real `flask` command line, with timing hooks around the steps of `demo generate`.

Run as `python -m bench.timed_flask --app app demo generate ...`: the same entry point as
`.venv/bin/flask` (flask.cli.main), so the figure is what a user sees. The hooks only take
timestamps: around the material library load, around `synthetic.generate` (and each batch it
reports through its progress callback) and around every session commit. They are written as
JSON to the file named by BENCH_TIMINGS when the process exits.
"""

import atexit
import json
import os
import sys
import time

START = time.perf_counter()
_marks: dict = {"batches": [], "commits": []}


def _now() -> float:
    return time.perf_counter() - START


def _install_hooks() -> None:
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from passports import services
    from passports import synthetic

    original_load = services.load_material_library
    original_generate = synthetic.generate

    def load_material_library(*args, **kwargs):
        _marks["load_start"] = _now()
        try:
            return original_load(*args, **kwargs)
        finally:
            _marks["load_end"] = _now()

    def generate(*args, progress=None, **kwargs):
        done = [0]

        def tick(count: int) -> None:
            done[0] += count
            _marks["batches"].append((_now(), done[0]))
            if progress:
                progress(count)

        _marks["generate_start"] = _now()
        try:
            return original_generate(*args, progress=tick, **kwargs)
        finally:
            _marks["generate_end"] = _now()

    services.load_material_library = load_material_library
    synthetic.generate = generate

    @event.listens_for(Session, "before_commit")
    def _before_commit(_session):
        _marks["commits"].append([_now(), None])

    @event.listens_for(Session, "after_commit")
    def _after_commit(_session):
        if _marks["commits"]:
            _marks["commits"][-1][1] = _now()


def _write() -> None:
    import resource

    _marks["exit"] = _now()
    _marks["maxrss_bytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    target = os.environ.get("BENCH_TIMINGS")
    if target:
        with open(target, "w", encoding="utf-8") as fh:
            json.dump(_marks, fh)


def main() -> None:
    """Install the hooks, then hand over to flask.cli.main with our arguments."""
    _install_hooks()
    _marks["hooks_ready"] = _now()
    atexit.register(_write)
    from flask.cli import main as flask_main

    sys.argv = ["flask", *sys.argv[1:]]
    flask_main()


if __name__ == "__main__":
    main()

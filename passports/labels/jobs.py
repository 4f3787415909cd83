"""A large label sheet drawn by a job (app.jobs) instead of in the request.

The job reads the selection again from the database (the arguments are the building, the user
and the selection, never rows), draws the PDF and keeps it in the job folder beside the job's
state (`<UPLOAD_DIR>/jobs/<job id>.pdf`), where passports.views.labels serves it to the user who
asked. Drawing again from the database is harmless, so the job is retried if its process dies.

On a job worker (an RQ work horse, a process of its own) the QR symbols, most of the work, are
computed by a few forked processes while this one draws the pages; elsewhere (the in-process
runner of `make run`, which must not fork a web server) everything is drawn in one thread.
"""

import contextlib
import multiprocessing
import os
import time

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import jobs
from app.audit.actors import set_actor
from app.auth.models import User
from app.extensions import db
from app.storage import atomic_write
from passports.models import Building

# What a sheet job is doing, as its page says it.
SHEET_PHASES = {
    "queued": _l("Waiting to start"),
    "reading": _l("Reading the components"),
    "drawing": _l("Drawing the labels"),
    "saving": _l("Saving the PDF"),
}


@jobs.job_policy(retries=2, timeout=900)
def render_sheet(building_id: int, user_id: int, selection: dict) -> dict:
    """Draw the sheet of the selected components; the file's name and the label count."""
    from passports.gs1 import label_url
    from passports.labels import LabelData
    from passports.labels import render_labels
    from passports.permissions import can_read_building
    from passports.views.labels import label_rows
    from passports.views.labels import selected_components
    from passports.views.labels import sheet_filename

    user = db.session.get(User, user_id)
    building = db.session.get(Building, building_id)
    if user is None or building is None or not can_read_building(user, building):
        # Access was withdrawn (or the building removed) since the job was asked for.
        raise PermissionError(f"user {user_id} may no longer read building {building_id}")
    set_actor(user, "job:labels")
    started, cpu = time.perf_counter(), _cpu()
    jobs.progress("reading")
    with db.session.execute(label_rows(selected_components(building.id, selection))) as result:
        labels = [
            LabelData(t, label_url(t, g, sn), n, s, building.name) for t, g, sn, n, s in result
        ]
    total = len(labels)
    read_s = time.perf_counter() - started
    jobs.progress("drawing", 0, total)
    with _symbols([label.url for label in labels]) as symbol_of:
        pdf = render_labels(
            labels,
            selection["layout"],
            start=selection["start"],
            outline=selection["outline"],
            title=_("QR labels · %(building)s", building=building.name),
            progress=lambda done, of: jobs.progress("drawing", done, of),
            symbol_of=symbol_of,
        )
    drawn_s = time.perf_counter() - started
    jobs.progress("saving", total, total)
    with atomic_write(jobs.jobs_root() / f"{jobs.current_job_id()}.pdf", "the file") as out:
        out.write(pdf)
    return {
        "building_id": building.id,
        "labels": total,
        "bytes": len(pdf),
        "filename": sheet_filename(building, selection["layout"]),
        # Where the time went (the benchmark reports it): wall seconds, and CPU seconds of
        # this process and of the symbol processes together.
        "timing": {
            "read_s": round(read_s, 2),
            "drawn_s": round(drawn_s, 2),
            "total_s": round(time.perf_counter() - started, 2),
            "cpu_s": round(_cpu() - cpu, 2),
        },
    }


@contextlib.contextmanager
def _symbols(urls: list[str]):
    """`symbol_of(url)` for the labels, in order: computed ahead by other processes on a job
    worker with more than one core and a large sheet; None (compute while drawing) otherwise."""
    from passports.labels.symbols import symbol

    cores = min(os.cpu_count() or 1, 4)
    if cores < 2 or len(urls) < 500 or not os.environ.get("RQ_JOB_ID"):
        yield None
        return
    with multiprocessing.get_context("fork").Pool(cores) as pool:
        ahead = zip(urls, pool.imap(symbol, urls, chunksize=64), strict=True)
        found: dict = {}

        def symbol_of(url: str):
            while url not in found:
                key, modules = next(ahead)
                found[key] = modules
            return found.pop(url)

        yield symbol_of


def _cpu() -> float:
    """CPU seconds of this process and of its ended children (the symbol processes)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system

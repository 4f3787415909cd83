"""An import's commit as a job (app.jobs): an attempt that died while committing is never run
again, since it may have committed (the queue itself: tests/app/test_jobs_queue.py)."""

import io

from sqlalchemy import func
from sqlalchemy import select

from app import jobs
from passports.imports import jobs as import_jobs
from passports.imports.staging import create_stage
from passports.models import Component

CSV = b"name;category;quantity;unit;materials\nWall;external_wall;1;m3;Common clay brick\n"


def test_a_commit_whose_last_attempt_died_while_committing_is_not_run_again(
    app, db, owner, building
):
    building_id, owner_id = building.id, owner.id
    stage = create_stage(io.BytesIO(CSV), "walls.csv", owner_id, building_id)
    stage.save_state(status="running", mode="commit", phase="queued", generation=1)
    # The first attempt wrote this before committing, then its process was killed.
    jobs.save_state("second-attempt", status="queued", committing=True, target=import_jobs.COMMIT)

    jobs.run("second-attempt", import_jobs.COMMIT, [stage.id, owner_id, 1, {}], {}, "en")

    state = stage.state()
    assert state["status"] == "failed"
    assert "stopped while saving" in state["message"]
    assert jobs.state("second-attempt")["status"] == "done"
    count = db.session.scalar(
        select(func.count(Component.id)).where(Component.building_id == building_id)
    )
    assert count == 0


def test_an_attempt_superseded_by_a_newer_one_does_not_run(app, db, owner, building):
    stage = create_stage(io.BytesIO(CSV), "walls.csv", owner.id, building.id)
    stage.save_state(status="running", mode="commit", phase="queued", generation=2)
    assert import_jobs.commit_stage(stage.id, owner.id, 1, {}) is None
    assert stage.state()["generation"] == 2 and stage.state()["status"] == "running"

"""app.jobs without a queue (the in-process runner of `make run`): what submit accepts, and a
job's state from queued to done or failed. The RQ backend: tests/app/test_jobs_queue.py."""

import time

import pytest

from app import jobs


def counted(n: int) -> dict:
    """A job: counts to n, saying so."""
    for i in range(1, n + 1):
        jobs.progress("counting", i, n)
    return {"n": n}


def broken() -> None:
    """A job that fails with an internal detail nobody should read."""
    raise RuntimeError("internal detail: password=hunter2")


def wait_for(job_id: str, statuses=("done", "failed"), seconds: float = 20) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        current = jobs.state(job_id) or {}
        if current.get("status") in statuses:
            return current
        time.sleep(0.02)
    raise AssertionError(f"job {job_id} is still {jobs.state(job_id)}")


def test_a_job_runs_in_a_thread_without_a_queue_and_reports_its_result(app):
    assert not jobs.queue_url(app)
    with app.test_request_context():
        job_id = jobs.submit(
            "tests.app.test_jobs:counted", 3, owner_id=7, job_meta={"building_id": 1}
        )
    state = wait_for(job_id)
    assert state["status"] == "done" and state["result"] == {"n": 3}
    assert (state["phase"], state["done"], state["total"]) == ("counting", 3, 3)
    assert state["owner_id"] == 7 and state["meta"] == {"building_id": 1}
    assert state["attempts"] == 1


def test_a_failed_job_says_so_in_words_never_with_its_traceback(app):
    with app.test_request_context():
        job_id = jobs.submit("tests.app.test_jobs:broken")
    state = wait_for(job_id)
    assert state["status"] == "failed"
    assert "went wrong on our side" in state["message"]
    assert "hunter2" not in str(state) and "Traceback" not in str(state)


def test_submit_refuses_what_a_worker_could_not_run(app):
    with app.test_request_context():
        with pytest.raises(TypeError, match="JSON"):
            jobs.submit("tests.app.test_jobs:counted", object())
        with pytest.raises(AttributeError):
            jobs.submit("tests.app.test_jobs:no_such_function")
        with pytest.raises(ValueError):
            jobs.submit("tests.app.test_jobs.counted")
    assert jobs.state("../../etc/passwd") is None

"""Fixtures for import tests: an owner with a building, file posting, counting rows, samples."""

import io
import os
import time
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from passports.imports.models import ImportRun
from passports.imports.models import MaterialMapping
from passports.models import Component
from passports.models import ComponentHazard
from passports.models import ComponentMaterial

SHARED = Path(os.environ.get("MPX_SHARED_DIR") or Path(__file__).resolve().parents[4] / "shared")
SAMPLES = SHARED / "samples" / "ifc"


def sample(name: str) -> Path:
    """A real IFC file from the shared samples, or a clean skip where they are absent."""
    path = SAMPLES / name
    if not path.exists():
        pytest.skip(f"sample {name} not available (set MPX_SHARED_DIR)")
    return path


@pytest.fixture
def owner(make_user):
    """An owner of a municipality."""
    return make_user("owner")


@pytest.fixture
def building(owner, make_building):
    """A building of the owner's organisation."""
    return make_building(owner)


@pytest.fixture
def auth(owner, token_for):
    """The owner's bearer header."""
    return token_for(owner)


@pytest.fixture
def post_import(client, auth, building):
    """POST a file to the import API: post_import(b"...", "x.csv", dry_run=False)."""

    def post(
        content: bytes,
        filename: str = "components.csv",
        *,
        dry_run: bool = False,
        building_id: int | None = None,
        headers: dict | None = None,
    ):
        return client.post(
            f"/api/v1/buildings/{building_id or building.id}/imports",
            headers=headers or auth,
            **multipart(
                {"file": (io.BytesIO(content), filename), "dry_run": "true" if dry_run else "false"}
            ),
        )

    return post


@pytest.fixture
def row_counts(db):
    """Rows in every table an import writes: compare before and after."""

    def counts() -> dict:
        db.session.rollback()
        return {
            model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Component, ComponentMaterial, ComponentHazard, ImportRun, MaterialMapping)
        }

    return counts


@pytest.fixture
def components(db):
    """The building's components by external id or GUID, fresh from the database."""

    def load(building_id: int) -> list[Component]:
        db.session.rollback()
        return list(
            db.session.scalars(
                select(Component).where(Component.building_id == building_id).order_by(Component.id)
            )
        )

    return load


def wait_until_done(client, url: str, timeout: float = 60.0) -> dict:
    """Poll a stage's JSON status, as the progress page does, until its job is over."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = client.get(url).get_json()
        if status["status"] not in ("new", "running"):
            return status
        time.sleep(0.05)
    raise AssertionError(f"import job still running after {timeout}s")


def multipart(fields: dict) -> dict:
    """A multipart body encoded in memory: the test client would spool large ones to a temp
    file it never closes (a ResourceWarning, an error under -W error)."""
    fields = {
        key: FileStorage(stream=value[0], filename=value[1]) if isinstance(value, tuple) else value
        for key, value in fields.items()
    }
    boundary, body = encode_multipart(fields)
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


CSV_HEADER = "external_id,name,category,storey,quantity,unit,materials,condition\n"

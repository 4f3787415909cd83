"""A full disk during an upload, for real: UPLOAD_DIR on a tiny tmpfs that is nearly full.

Photos and import files that do not fit answer 507 Insufficient Storage with a clear
message (the JSON error shape under /api, the form with its error elsewhere), leave no
partial or temporary file and no database row, and the same request succeeds once there is
room again. Mounting needs root; elsewhere the tests skip and say why.
"""

import io
import os
import subprocess

import pytest
from PIL import Image
from sqlalchemy import func
from sqlalchemy import select

from passports.imports.models import ImportRun
from passports.models import Component
from passports.models import ComponentEvent
from passports.models import EventPhoto

DISK_BYTES = 256 * 1024
ROOM_LEFT = 24 * 1024


@pytest.fixture
def tiny_disk(tmp_path, app):
    """A 256 KiB tmpfs mounted as the app's UPLOAD_DIR, unmounted afterwards."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mountpoint = tmp_path / "tiny-uploads"
    mountpoint.mkdir()
    done = subprocess.run(
        [
            "mount",
            "-t",
            "tmpfs",
            "-o",
            f"size={DISK_BYTES // 1024}k,mode=0755",
            "tmpfs",
            mountpoint,
        ],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip() or done.returncode}")
    app.config["UPLOAD_DIR"] = str(mountpoint)
    try:
        yield mountpoint
    finally:
        if subprocess.run(["umount", mountpoint], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", mountpoint], capture_output=True)


def fill(disk, leave: int = ROOM_LEFT):
    """Fill the disk until only about `leave` bytes are free; return the filler file."""
    stats = os.statvfs(disk)
    free = stats.f_bavail * stats.f_frsize
    filler = disk / "filler.bin"
    filler.write_bytes(b"\0" * max(0, free - leave))
    stats = os.statvfs(disk)
    assert stats.f_bavail * stats.f_frsize <= leave
    return filler


def files_in(folder) -> list[str]:
    """Every file under `folder`, hidden ones included, relative to it."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def noisy_jpeg(side: int = 320) -> bytes:
    """A photo that stays large after re-encoding: random noise does not compress."""
    image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=90)
    return buf.getvalue()


@pytest.fixture
def site(make_user, make_building, make_component, db):
    """An owner with a building and one installed component."""
    owner = make_user("owner")
    building = make_building(owner)
    component = make_component(building)
    return owner, building, component


def count(db, model) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


def test_event_photo_on_a_full_disk_is_507_and_leaves_nothing(
    client, db, site, token_for, tiny_disk
):
    owner, _building, component = site
    headers = {**token_for(owner), "Idempotency-Key": "full-disk-1"}
    photo = noisy_jpeg()
    assert len(photo) > 3 * ROOM_LEFT
    filler = fill(tiny_disk)

    def send():
        return client.post(
            f"/api/v1/components/{component.id}/events",
            headers=headers,
            data={"kind": "inspected", "condition": "3", "photos": [(io.BytesIO(photo), "a.jpg")]},
            content_type="multipart/form-data",
        )

    full = send()
    assert full.status_code == 507, full.get_data(as_text=True)
    assert full.json["status"] == "Insufficient Storage"
    assert full.json["message"].startswith("The server has no room to store the photo")
    assert "nothing was kept" in full.json["message"]
    assert set(full.json) == {"code", "status", "message", "errors"}
    assert files_in(tiny_disk) == ["filler.bin"]  # no partial photo, no temporary file
    assert count(db, ComponentEvent) == 0 and count(db, EventPhoto) == 0
    assert db.session.get(Component, component.id).condition == 4

    # Room again: the same retry, same Idempotency-Key, goes through (the key was not used up).
    filler.unlink()
    retried = send()
    assert retried.status_code == 201, retried.get_data(as_text=True)
    assert count(db, ComponentEvent) == 1 and count(db, EventPhoto) == 1
    assert len(files_in(tiny_disk)) == 1


def test_scan_form_on_a_full_disk_shows_the_error(client, db, site, login, tiny_disk):
    owner, _building, component = site
    login(owner)
    fill(tiny_disk)
    page = f"/t/{component.tag}"
    response = client.submit(
        f"/t/{component.tag}/events",
        {
            "kind": "note",
            "notes": "crack in the lintel",
            "photos": (io.BytesIO(noisy_jpeg()), "b.jpg"),
        },
        page=page,
    )
    assert response.status_code == 507
    html = response.get_data(as_text=True)
    assert "no room to store the photo" in html and "crack in the lintel" in html
    assert files_in(tiny_disk) == ["filler.bin"]
    assert count(db, ComponentEvent) == 0


def _sheet(rows: int) -> bytes:
    lines = ["name,category,quantity,unit,material,condition"]
    lines += [
        f"Brick wall {n},external_wall,{n % 90 + 1},m3,Common clay brick,4" for n in range(rows)
    ]
    return ("\n".join(lines) + "\n").encode()


def test_import_api_on_a_full_disk_is_507_and_leaves_nothing(
    client, db, site, token_for, tiny_disk
):
    owner, building, _component = site
    sheet = _sheet(4000)
    assert len(sheet) > 3 * ROOM_LEFT
    fill(tiny_disk)
    before = count(db, Component)
    response = client.post(
        f"/api/v1/buildings/{building.id}/imports",
        headers=token_for(owner),
        data={"file": (io.BytesIO(sheet), "inventory.csv"), "dry_run": "false"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 507, response.get_data(as_text=True)
    assert response.json["code"] == 507 and "no room to store the file" in response.json["message"]
    assert files_in(tiny_disk) == ["filler.bin"]
    assert not any((tiny_disk / "imports").iterdir())  # no stage, no scratch folder
    assert count(db, Component) == before and count(db, ImportRun) == 0


def test_import_page_on_a_full_disk_shows_the_error(client, db, site, login, tiny_disk):
    owner, building, _component = site
    login(owner)
    fill(tiny_disk)
    url = f"/buildings/{building.id}/imports"
    response = client.submit(url, {"file": (io.BytesIO(_sheet(4000)), "inventory.csv")})
    assert response.status_code == 507
    assert "no room to store the file" in response.get_data(as_text=True)
    assert files_in(tiny_disk) == ["filler.bin"]
    assert not any((tiny_disk / "imports").iterdir())
    assert count(db, ImportRun) == 0


def test_a_write_that_fails_midway_leaves_no_temporary_file(tmp_path):
    """The helper itself, without a mount: a failure while writing removes the temp file."""
    from app.storage import atomic_write

    folder = tmp_path / "uploads"
    folder.mkdir()
    target = folder / "photo.jpg"
    with pytest.raises(RuntimeError), atomic_write(target) as handle:
        handle.write(b"half a photo")
        raise RuntimeError("client went away")
    assert files_in(folder) == []
    with atomic_write(target) as handle:
        handle.write(b"a whole photo")
    assert target.read_bytes() == b"a whole photo"
    assert files_in(folder) == ["photo.jpg"]

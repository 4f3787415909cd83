"""Uploaded images are refused from their header when they have more pixels than the budget:
a PNG of a few hundred kB must not make a worker decode tens of megapixels."""

import io
import re
import struct
import zlib

from PIL import Image
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from passports.models import ComponentEvent

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
# 56 MP: under Pillow's own limit (89 MP), over the app's budget (50 MP).
OVER_BUDGET = (8_000, 7_000)
# 144 MP: over Pillow's warning threshold too.
FAR_OVER = (12_000, 12_000)


def flat_png(width: int, height: int, grey: int = 200) -> bytes:
    """A real single-colour greyscale PNG, every row present: tiny on disk, huge decoded."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    packer = zlib.compressobj(9)
    row = b"\0" + bytes([grey]) * width
    idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def _multipart(client, url: str, field: str, raw: bytes, headers=None, **extra):
    fields = {field: FileStorage(io.BytesIO(raw), filename="photo.png", content_type="image/png")}
    fields.update(extra)
    boundary, body = encode_multipart(fields)
    return client.post(
        url,
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        headers=headers or {},
    )


def test_the_test_image_is_small_on_disk_and_really_that_large():
    raw = flat_png(*OVER_BUDGET)
    assert len(raw) < 1_000_000
    # Decoded by zlib here, not Pillow (whose bomb check would rightly refuse to open it).
    width, height = struct.unpack(">II", raw[16:24])
    assert (width, height) == OVER_BUDGET
    data = zlib.decompress(raw[41 : 41 + struct.unpack(">I", raw[33:37])[0]])
    assert len(data) == height * (width + 1)


def test_pillow_bomb_limit_is_the_app_budget(app):
    assert Image.MAX_IMAGE_PIXELS == app.config["MAX_IMAGE_PIXELS"] == 50_000_000


def test_scan_photo_over_the_pixel_budget_is_refused_with_a_reason(client):
    for size in (OVER_BUDGET, FAR_OVER):
        token = _CSRF.search(client.get("/scan").get_data(as_text=True)).group(1)
        response = _multipart(client, "/scan", "photo", flat_png(*size), csrf_token=token)
        assert response.status_code == 422
        assert "more than 50 megapixels" in response.get_data(as_text=True)


def test_camera_frame_over_the_pixel_budget_is_refused_with_a_reason(client):
    token = _CSRF.search(client.get("/scan").get_data(as_text=True)).group(1)
    for size in (OVER_BUDGET, FAR_OVER):
        response = _multipart(
            client,
            "/scan/frame",
            "frame",
            flat_png(*size),
            headers={"X-CSRFToken": token, "Accept": "application/json"},
        )
        assert response.status_code == 422
        assert response.json["reason"] == "too_many_pixels"
        assert "50 megapixels" in response.json["message"]


def test_event_photo_over_the_pixel_budget_is_a_field_error(
    client, db, make_user, make_building, make_component, token_for
):
    owner = make_user("owner")
    component = make_component(make_building(owner))
    for size in (OVER_BUDGET, FAR_OVER):
        response = _multipart(
            client,
            f"/api/v1/components/{component.id}/events",
            "photos",
            flat_png(*size),
            headers=token_for(owner),
            kind="note",
        )
        assert response.status_code == 422, response.json
        assert "50 megapixels" in str(response.json["errors"]["photos"])
    assert db.session.scalars(select(ComponentEvent)).all() == []


def test_event_photo_over_the_pixel_budget_is_explained_on_the_scan_page(
    client, db, make_user, make_building, make_component, login
):
    owner = make_user("owner")
    component = make_component(make_building(owner))
    login(owner)
    token = _CSRF.search(client.get(f"/t/{component.tag}").get_data(as_text=True)).group(1)
    response = _multipart(
        client,
        f"/t/{component.tag}/events",
        "photos",
        flat_png(*OVER_BUDGET),
        kind="note",
        csrf_token=token,
    )
    assert response.status_code == 422
    assert "This photo has more than 50 megapixels" in response.get_data(as_text=True)
    assert db.session.scalars(select(ComponentEvent)).all() == []


def test_a_photo_within_the_budget_is_still_taken(
    client, make_user, make_building, make_component, token_for
):
    owner = make_user("owner")
    component = make_component(make_building(owner))
    response = _multipart(
        client,
        f"/api/v1/components/{component.id}/events",
        "photos",
        flat_png(4_000, 3_000),
        headers=token_for(owner),
        kind="note",
    )
    assert response.status_code == 201, response.json
    assert response.json["photos"][0]["width"] == 2560

"""`/scan` and the photo decoder: real QR codes in realistic phone photos, no mocks.

A phone photo here is what a phone camera saves: 4032 × 3024 pixels of grey, noisy, slightly
blurred scene with the label somewhere in it, stored sideways with an EXIF Orientation tag, so
the decoder has to turn it upright and scale it down before it reads the code.
"""

import io
import json
import re
import struct
import zlib
from functools import lru_cache

import pytest
import zxingcpp
from PIL import Image
from PIL import ImageFilter
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from passports import scanning
from passports.qr import qr_png
from passports.qr import tag_url
from passports.scanning import ImageTooLarge
from passports.scanning import TagLink
from passports.scanning import UnreadableImage
from passports.scanning import decode_tag_from_image
from passports.scanning import load_photo
from passports.scanning import read_codes
from passports.scanning import tag_link
from passports.tags import format_tag
from passports.views.scanner import MAX_FRAME_BYTES

# What people read (in English: the test client asks for no language).
NO_CODE = "No QR code found in the photo. Hold the phone closer, make sure the label is sharp"
NO_FRAME = "Send the camera picture as the `frame` field (JPEG or PNG)."
NOT_OURS = "This QR code is not a Material Passport tag."
UNREADABLE = "This file is not a photo we can read. Take a photo of the label (JPEG or PNG)."
UNREADABLE_FRAME = "This camera picture is not an image we can read."

PHONE = (4032, 3024)
ORIENTATION = 0x0112
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
# EXIF Orientation → how the sensor's pixels are stored relative to the upright scene.
STORED_AS = {1: None, 6: Image.Transpose.ROTATE_90, 8: Image.Transpose.ROTATE_270}


@lru_cache(maxsize=4)
def _scene(size: tuple[int, int]) -> Image.Image:
    """Grey, noisy background: concrete, brick dust, bad light."""
    return Image.effect_noise(size, 28).point(lambda v: 85 + v // 3)


def phone_photo(
    text: str | None,
    *,
    size: tuple[int, int] = PHONE,
    orientation: int = 6,
    label_px: int = 820,
    where: tuple[int, int] = (2300, 1100),
    tilt: float = 7.0,
) -> bytes:
    """A JPEG as a phone saves it, with a QR label of `text` (or no label) in the scene."""
    scene = _scene(size).copy()
    if text is not None:
        label = Image.open(io.BytesIO(qr_png(text, box_size=8))).convert("L")
        label = label.resize((label_px, label_px), Image.Resampling.BICUBIC)
        label = label.rotate(tilt, expand=True, fillcolor=235, resample=Image.Resampling.BICUBIC)
        # The printed label is not pure black on pure white under site lighting.
        scene.paste(label.point(lambda v: 40 + v * 0.75), where)
    scene = scene.filter(ImageFilter.GaussianBlur(1.1))
    stored = scene if STORED_AS[orientation] is None else scene.transpose(STORED_AS[orientation])
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    out = io.BytesIO()
    stored.convert("RGB").save(out, "JPEG", quality=88, exif=exif)
    return out.getvalue()


def post_photo(client, raw: bytes, token: str | None, name: str, content_type: str):
    """POST a multipart form to /scan.

    The body is encoded here, in memory: the test client would spill a body over 500 kB to a
    temporary file that it never closes (a ResourceWarning, an error in this suite).
    """
    fields = {"photo": FileStorage(io.BytesIO(raw), filename=name, content_type=content_type)}
    if token is not None:
        fields["csrf_token"] = token
    boundary, body = encode_multipart(fields)
    return client.post("/scan", data=body, content_type=f"multipart/form-data; boundary={boundary}")


def upload(client, raw: bytes, name: str = "IMG_0001.jpg", content_type: str = "image/jpeg"):
    """POST a photo to /scan through the page's form, CSRF token included."""
    token = _CSRF.search(client.get("/scan").get_data(as_text=True)).group(1)
    return post_photo(client, raw, token, name, content_type)


def page_text(response) -> str:
    """The page's text with tags and repeated white space removed."""
    html = response.get_data(as_text=True)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def owner(make_user):
    """The owner of the building."""
    return make_user("owner")


@pytest.fixture
def component(owner, make_building, make_component):
    """A component in the owner's building."""
    return make_component(make_building(owner), name="Facing brick, north")


# ---------------------------------------------------------------- the page


def test_scan_page_offers_camera_photo_and_typed_tag_without_login(client):
    response = client.get("/scan")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert re.search(r'<section[^>]*id="camera"[^>]*hidden', html)  # shown by scanner.js only
    assert 'enctype="multipart/form-data"' in html
    assert re.search(
        r'<input[^>]*type="file"[^>]*accept="image/\*"[^>]*capture="environment"', html
    )
    assert re.search(r'<form method="get" action="/t"', html)
    assert 'name="csrf_token"' in html
    assert '<script src="/static/js/scanner.js" defer></script>' in html
    assert 'id="outbox"' not in html  # nothing to send for a visitor


@pytest.mark.parametrize("path", ["/scan", "/t/{tag}"])
def test_pages_follow_the_content_security_policy(client, login, owner, component, path):
    """No inline scripts, event handlers or style attributes: script-src 'self' holds. (A JSON
    data block, the scripts' texts, is data that no browser runs.)"""
    login(owner)
    html = client.get(path.format(tag=component.tag)).get_data(as_text=True)
    assert not re.search(r'<script(?![^>]*\bsrc=)(?![^>]*type="application/json")[^>]*>', html)
    assert not re.search(r"\son[a-z]+\s*=", html)
    assert not re.search(r"\sstyle\s*=", html)
    assert "javascript:" not in html


def test_scan_page_of_a_component_loads_the_event_form_script(client, login, owner, component):
    login(owner)
    html = client.get(f"/t/{component.tag}").get_data(as_text=True)
    assert '<script src="/static/js/event-form.js" defer></script>' in html
    assert f'data-user="{owner.id}"' in html
    scanner = client.get("/scan").get_data(as_text=True)
    assert f'id="outbox" class="outbox" hidden aria-live="polite" data-user="{owner.id}"' in scanner
    assert ">Scan</a>" in scanner  # the nav link


@pytest.mark.parametrize("name", ["scanner.js", "event-form.js"])
def test_scripts_are_served_from_the_app(client, name):
    response = client.get(f"/static/js/{name}")
    assert response.status_code == 200
    assert "javascript" in response.mimetype
    response.close()


# ---------------------------------------------------------------- POST /scan


@pytest.mark.parametrize("orientation", [6, 8])
def test_phone_photo_of_a_label_opens_the_tag_page(app, client, component, orientation):
    raw = phone_photo(tag_url(component.tag), orientation=orientation)
    assert len(raw) > 500_000
    response = upload(client, raw)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/t/{component.tag}"


def test_label_printed_for_another_host_and_in_groups_still_resolves(client, component):
    text = f"https://passports.example.org/t/{format_tag(component.tag).lower()}"
    response = upload(client, phone_photo(text, orientation=1))
    assert response.status_code == 303
    assert response.headers["Location"] == f"/t/{component.tag}"


def test_gs1_digital_link_labels_resolve(app, client, make_component, component):
    with_gtin = make_component(component.building, gtin="09501101530003", serial_number="A-17")
    response = upload(client, phone_photo("https://id.example.com/01/09501101530003/21/A-17"))
    assert response.status_code == 303
    assert response.headers["Location"] == f"/t/{with_gtin.tag}"
    giai = f"https://id.example.com/8004/{app.config['GS1_COMPANY_PREFIX']}{component.tag}"
    response = upload(client, phone_photo(giai))
    assert response.status_code == 303
    assert response.headers["Location"] == f"/t/{component.tag}"


def test_photo_without_a_qr_code_is_explained(client):
    response = upload(client, phone_photo(None))
    assert response.status_code == 422
    assert NO_CODE in page_text(response)
    # The page is whole again: the three ways in are still there.
    assert 'id="photo-form"' in response.get_data(as_text=True)


def test_qr_code_of_something_else_is_not_a_tag(client):
    response = upload(client, phone_photo("https://example.com/menu?table=4"))
    assert response.status_code == 422
    text = page_text(response)
    assert NOT_OURS in text
    assert "https://example.com/menu?table=4" in text


def test_tag_that_no_component_has_is_reported(app, client):
    response = upload(client, phone_photo(tag_url("7QKDM2XA9HCT")))
    assert response.status_code == 422
    assert "no component has the tag 7QKD-M2XA-9HCT" in page_text(response)


def test_text_file_is_not_a_photo(client):
    response = upload(client, b"tag: 7QKD-M2XA-9HCT\n", name="notes.txt", content_type="text/plain")
    assert response.status_code == 422
    assert UNREADABLE in page_text(response)


def test_corrupt_jpeg_is_not_a_photo(client):
    raw = phone_photo(None, size=(800, 600))
    response = upload(client, raw[: len(raw) // 2])
    assert response.status_code == 422
    assert UNREADABLE in page_text(response)


def test_photo_over_10_mb_is_refused(app, client):
    raw = b"\xff\xd8\xff\xe0" + b"\0" * app.config["MAX_PHOTO_BYTES"]
    response = upload(client, raw)
    assert response.status_code == 413
    assert "larger than 10 MB" in page_text(response)


def test_form_without_a_photo_asks_for_one(client):
    response = client.submit("/scan", {"note": "no photo"}, page="/scan")
    assert response.status_code == 422
    assert "Choose or take a photo of the label first." in page_text(response)


def test_post_without_csrf_token_is_refused(client, component):
    raw = phone_photo(tag_url(component.tag), size=(1200, 900), label_px=400, where=(500, 300))
    client.get("/scan")  # a session exists, but the form is posted without its token
    response = post_photo(client, raw, None, "label.jpg", "image/jpeg")
    assert response.status_code == 400
    assert "Location" not in response.headers


# ---------------------------------------------------------------- the decoder


def _tiny_label(text: str) -> bytes:
    return qr_png(text, box_size=6)


def test_decoder_reads_a_clean_label_and_a_phone_photo():
    url = "https://mpx.test/t/7QKDM2XA9HCT"
    assert decode_tag_from_image(_tiny_label(url)) == "7QKDM2XA9HCT"
    assert decode_tag_from_image(phone_photo(url, orientation=8)) == "7QKDM2XA9HCT"
    assert read_codes(_tiny_label(url)) == [url]


def test_decoder_tries_every_code_in_the_photo():
    """A menu QR next to the label: the label's tag is found, whichever comes first."""
    scene = Image.new("L", (1800, 1000), 200)
    for x, text in ((80, "https://example.com/menu"), (950, "https://mpx.test/t/7QKDM2XA9HCT")):
        code = Image.open(io.BytesIO(qr_png(text, box_size=9))).convert("L")
        scene.paste(code, (x, 150))
    out = io.BytesIO()
    scene.save(out, "PNG")
    assert len(read_codes(out.getvalue())) == 2
    assert decode_tag_from_image(out.getvalue()) == "7QKDM2XA9HCT"


def test_decoder_finds_a_small_label_in_a_wide_shot():
    """At 1600 px the label is too small to read; the second, larger look finds it."""
    raw = phone_photo(
        "https://mpx.test/t/7QKDM2XA9HCT", orientation=1, label_px=115, where=(3000, 2500), tilt=0
    )
    assert zxingcpp.read_barcodes(load_photo(raw)) == []
    assert decode_tag_from_image(raw) == "7QKDM2XA9HCT"


def test_decoder_gives_none_without_a_tag():
    assert decode_tag_from_image(phone_photo(None, size=(1600, 1200))) is None
    assert decode_tag_from_image(_tiny_label("https://example.com/t/not-a-tag")) is None
    assert decode_tag_from_image(_tiny_label("WIFI:S:site;T:WPA;P:secret;;")) is None


def test_decoder_reads_giai_only_with_our_prefix():
    raw = _tiny_label("https://id.example.com/8004/08712347QKDM2XA9HCT")
    assert decode_tag_from_image(raw) is None
    assert decode_tag_from_image(raw, gs1_prefix="0871234") == "7QKDM2XA9HCT"
    assert decode_tag_from_image(raw, gs1_prefix="0999999") is None


def _png_header_only(width: int, height: int) -> bytes:
    """A valid PNG signature and header claiming a huge image, with almost no pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0"))


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"hello, not an image",
        b"\xff\xd8\xff\xe0" + b"\x00" * 64,
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 40,
        b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n",
        b"<svg xmlns='http://www.w3.org/2000/svg'/>",
    ],
    ids=["empty", "text", "jpeg-header", "png-header", "pdf", "svg"],
)
def test_decoder_refuses_what_is_not_a_photo_with_one_typed_error(raw):
    with pytest.raises(UnreadableImage) as caught:
        decode_tag_from_image(raw)
    assert caught.value.message
    assert isinstance(caught.value, scanning.ScanError)


@pytest.mark.parametrize(
    "raw",
    [
        _png_header_only(60_000, 60_000),  # 3.6 gigapixels: a decompression bomb
        _png_header_only(12_000, 9_000),  # 108 MP: over Pillow's warning threshold
        _png_header_only(8_000, 7_000),  # 56 MP: under Pillow's, over the budget
    ],
    ids=["bomb", "huge", "over-budget"],
)
def test_decoder_refuses_too_many_pixels_from_the_header(raw):
    with pytest.raises(scanning.TooManyPixelsToScan) as caught:
        decode_tag_from_image(raw, max_pixels=50_000_000)
    assert caught.value.megapixels == 50
    assert isinstance(caught.value, scanning.ScanError)


def test_truncated_photo_is_unreadable():
    raw = phone_photo(
        "https://mpx.test/t/7QKDM2XA9HCT", size=(1200, 900), label_px=400, where=(400, 200)
    )
    with pytest.raises(UnreadableImage):
        decode_tag_from_image(raw[: len(raw) * 2 // 3])


def test_decoder_refuses_a_file_over_the_limit():
    raw = _tiny_label("https://mpx.test/t/7QKDM2XA9HCT")
    with pytest.raises(ImageTooLarge):
        decode_tag_from_image(raw, max_bytes=len(raw) - 1)
    assert decode_tag_from_image(raw, max_bytes=len(raw)) == "7QKDM2XA9HCT"


@pytest.mark.parametrize("orientation", [1, 6, 8])
def test_photo_is_turned_upright_and_scaled_down(orientation):
    """The scene is dark at the top: after loading, the top is dark whatever the EXIF said."""
    scene = Image.new("L", PHONE, 230)
    scene.paste(0, (0, 0, PHONE[0], PHONE[1] // 3))
    stored = scene if STORED_AS[orientation] is None else scene.transpose(STORED_AS[orientation])
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    out = io.BytesIO()
    stored.save(out, "JPEG", exif=exif)
    image = load_photo(out.getvalue())
    assert image.size == (1600, 1200)
    assert image.mode == "L"
    assert image.getpixel((800, 100)) < 40
    assert image.getpixel((800, 1100)) > 200


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://mpx.test/t/7QKDM2XA9HCT", TagLink(tag="7QKDM2XA9HCT")),
        ("http://10.0.0.5:5000/t/7qkd-m2xa-9hct/", TagLink(tag="7QKDM2XA9HCT")),
        ("https://example.org/mpx/t/7QKD%2DM2XA%2D9HCT", TagLink(tag="7QKDM2XA9HCT")),
        ("https://mpx.test/t/7QKDM2XA9HCO", TagLink(tag="7QKDM2XA9HC0")),  # O read as 0
        (" https://mpx.test/t/7QKDM2XA9HCT?src=label#x \n", TagLink(tag="7QKDM2XA9HCT")),
        (
            "https://id.gs1.example/01/09501101530003/21/A-17",
            TagLink(gtin="09501101530003", serial="A-17"),
        ),
        ("https://mpx.test/t/TOO-SHORT", None),
        ("https://mpx.test/t/7QKDM2XA9HCT/events", None),
        ("https://mpx.test/x/7QKDM2XA9HCT", None),
        ("ftp://mpx.test/t/7QKDM2XA9HCT", None),
        ("/t/7QKDM2XA9HCT", None),
        ("7QKD-M2XA-9HCT", None),
        ("https://mpx.test/8004/08712347QKDM2XA9HCT", None),  # no prefix given
        ("http://[::1/t/7QKDM2XA9HCT", None),  # not a URL at all
        ("", None),
    ],
)
def test_tag_link_reads_our_url_forms_on_any_host(text, expected):
    assert tag_link(text) == expected


# ---------------------------------------------------------------- POST /scan/frame


def post_frame(client, raw: bytes | None, *, token: str | None = "page", content_type="image/jpeg"):
    """POST one camera picture to /scan/frame as scanner.js does: multipart, token in a header."""
    if token == "page":
        token = _CSRF.search(client.get("/scan").get_data(as_text=True)).group(1)
    fields = {}
    if raw is not None:
        fields["frame"] = FileStorage(
            io.BytesIO(raw), filename="frame.jpg", content_type=content_type
        )
    boundary, body = encode_multipart(fields)
    headers = {"Accept": "application/json"}
    if token is not None:
        headers["X-CSRFToken"] = token
    return client.post(
        "/scan/frame",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        headers=headers,
    )


def camera_frame(code: bytes | None, size: tuple[int, int] = (640, 480)) -> bytes:
    """A JPEG as scanner.js sends it: the camera picture, a QR label (PNG bytes) in the middle."""
    frame = Image.effect_noise(size, 20).point(lambda v: 110 + v // 4).convert("RGB")
    if code is not None:
        label = Image.open(io.BytesIO(code)).convert("RGB").resize((300, 300))
        frame.paste(label, ((size[0] - 300) // 2, (size[1] - 300) // 2))
    out = io.BytesIO()
    frame.save(out, "JPEG", quality=85)
    return out.getvalue()


def test_camera_frame_with_a_real_label_answers_the_tag_and_its_page(client, component):
    qr = client.get(f"/t/{component.tag}/qr.png?size=320")
    assert qr.status_code == 200
    response = post_frame(client, camera_frame(qr.data))
    assert response.status_code == 200
    assert response.json == {
        "tag": component.tag,
        "tag_display": format_tag(component.tag),
        "url": f"/t/{component.tag}",
    }
    assert response.headers["Cache-Control"] == "no-store"
    # The PNG itself, as a browser might send a still, reads the same.
    assert post_frame(client, qr.data, content_type="image/png").json["tag"] == component.tag


def test_camera_frame_without_a_code_answers_no_content(client, component):
    response = post_frame(client, camera_frame(None))
    assert response.status_code == 204
    assert response.data == b""
    blank = io.BytesIO()
    Image.new("RGB", (640, 480), (200, 200, 200)).save(blank, "PNG")
    assert post_frame(client, blank.getvalue(), content_type="image/png").status_code == 204


@pytest.mark.parametrize(
    "raw",
    [b"tag: 7QKD-M2XA-9HCT\n", b"", b"\xff\xd8\xff\xe0" + b"\x00" * 64],
    ids=["text", "empty", "jpeg-header"],
)
def test_camera_frame_that_is_not_an_image_is_refused(client, raw):
    response = post_frame(client, raw, content_type="text/plain")
    assert response.status_code == 422
    assert response.json["reason"] == "unreadable"
    assert response.json["code"] == 422
    assert response.json["message"] == UNREADABLE_FRAME


def test_camera_frame_missing_is_a_field_error(client):
    response = post_frame(client, None)
    assert response.status_code == 422
    assert response.json["reason"] == "no_frame"
    assert response.json["errors"] == {"frame": [NO_FRAME]}


def test_camera_frame_over_the_limit_is_refused(client):
    response = post_frame(client, b"\xff\xd8\xff\xe0" + b"\0" * MAX_FRAME_BYTES)
    assert response.status_code == 413
    assert response.json["reason"] == "too_large"


def test_camera_frame_of_another_code_or_an_unknown_tag_says_so(client):
    response = post_frame(client, camera_frame(qr_png("https://example.com/menu?table=4")))
    assert response.status_code == 422
    assert response.json["reason"] == "not_ours"
    assert response.json["message"] == NOT_OURS
    assert response.json["text"] == "https://example.com/menu?table=4"
    response = post_frame(client, camera_frame(qr_png(tag_url("7QKDM2XA9HCT"))))
    assert response.status_code == 422
    assert response.json["reason"] == "unknown_tag"
    assert "no component has the tag 7QKD-M2XA-9HCT" in response.json["message"]


def test_camera_frame_needs_the_page_csrf_token(client, component):
    raw = camera_frame(client.get(f"/t/{component.tag}/qr.png").data)
    client.get("/scan")  # a session exists, but the frame comes without its token
    response = post_frame(client, raw, token=None)
    assert response.status_code == 400
    assert "tag" not in (response.json or {})
    assert post_frame(client, raw, token="not-the-token").status_code == 400


def test_camera_frames_are_rate_limited(app, client, component):
    app.config["SCAN_FRAME_RATE_LIMIT"] = "3 per minute"
    raw = camera_frame(None)
    codes = [post_frame(client, raw).status_code for _ in range(4)]
    assert codes == [204, 204, 204, 429]
    limited = post_frame(client, raw)
    assert limited.json["code"] == 429
    assert "Retry-After" in limited.headers


def test_scan_page_tells_scanner_js_where_to_send_frames(client):
    html = client.get("/scan").get_data(as_text=True)
    assert 'data-frame-url="/scan/frame"' in html


# ---------------------------------------------------------------- the scripts' words


def _texts(html: str) -> dict:
    """What the page hands its scripts to say (the JSON data block)."""
    block = re.search(r'<script type="application/json" id="mpx-texts">(.*?)</script>', html, re.S)
    return json.loads(block.group(1))


def test_the_scripts_get_their_words_in_the_page_language(client, login, owner, component):
    """scanner.js and event-form.js hold no English: the page gives them their texts, with the
    plural forms of its language by CLDR category (for Intl.PluralRules)."""
    html = client.get("/scan", headers={"Accept-Language": "ja"}).get_data(as_text=True)
    assert '<html lang="ja"' in html
    texts = _texts(html)
    assert set(texts) == {"scanner"}  # a visitor has no outbox
    assert texts["scanner"]["found"] == "タグを検出しました。パスポートを開いています…"
    assert "%(text)s" in texts["scanner"]["not_ours"]  # filled in by the script

    login(owner)
    dutch = _texts(client.get("/scan", headers={"Accept-Language": "nl"}).get_data(as_text=True))
    assert dutch["events"]["photos"] == {"one": "%(num)d foto", "other": "%(num)d foto's"}
    page = client.get(f"/t/{component.tag}", headers={"Accept-Language": "ja"})
    events = _texts(page.get_data(as_text=True))["events"]
    assert events["photos"] == {"other": "写真 %(num)d 枚"}
    assert events["recorded"] == "記録しました：%(kind)s。"
    english = _texts(client.get(f"/t/{component.tag}").get_data(as_text=True))["events"]
    assert english["sent"] == {
        "one": "✓ Sent %(num)d waiting event.",
        "other": "✓ Sent %(num)d waiting events.",
    }
    for name in ("scanner.js", "event-form.js"):
        script = client.get(f"/static/js/{name}")
        source = script.get_data(as_text=True)
        script.close()
        for english_text in ("Saved on this phone", "Waiting to send", "Point the camera"):
            assert english_text not in source, (name, english_text)

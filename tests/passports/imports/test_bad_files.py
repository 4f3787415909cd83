"""Bad input: each file that cannot be imported is refused with a clear message; nothing written."""

import io
import zipfile

import openpyxl
import pytest
from msoffcrypto.format.ooxml import OOXMLFile

from tests.passports.imports.conftest import sample


def _refused(post_import, row_counts, content: bytes, filename: str, status: int = 422) -> str:
    before = row_counts()
    response = post_import(content, filename)
    assert response.status_code == status, response.get_json()
    body = response.get_json()
    assert body["code"] == status and body["errors"]["file"] == [body["message"]]
    assert row_counts() == before
    return body["message"]


@pytest.mark.parametrize("content", [b"", b"   \r\n\n", b"\xef\xbb\xbf"])
def test_empty_file(post_import, row_counts, content):
    assert _refused(post_import, row_counts, content, "empty.csv") == "The file is empty."


def test_header_without_rows(post_import, row_counts):
    before = row_counts()
    response = post_import(b"name,quantity,unit\n", "header.csv")
    assert response.status_code == 422
    assert response.get_json()["errors"]["file"] == ["1. The file has no component rows."]
    assert row_counts() == before


@pytest.mark.parametrize(
    ("content", "what"),
    [
        (b"%PDF-1.7\n%...", "a PDF document"),
        (b"\x89PNG\r\n\x1a\n....", "a PNG image"),
        (b"\xff\xd8\xff\xe0JFIF", "a JPEG image"),
        (b"<html><body>hi</body></html>", "HTML"),
        (b"\x00\x01\x02binary\x00", "a binary file"),
    ],
)
def test_wrong_type_is_detected_by_content_not_extension(post_import, row_counts, content, what):
    # 415, as the document declares the media types the `file` part may have.
    message = _refused(post_import, row_counts, content, "components.csv", status=415)
    assert what in message


def test_word_document_renamed_to_xlsx(post_import, row_counts):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    message = _refused(post_import, row_counts, out.getvalue(), "components.xlsx")
    assert "a Word document" in message


def test_old_xls_is_refused(post_import, row_counts):
    content = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2000
    assert ".xls" in _refused(post_import, row_counts, content, "components.xls", status=415)


def test_password_protected_workbook(post_import, row_counts):
    book = openpyxl.Workbook()
    book.active.append(["name", "quantity", "unit"])
    book.active.append(["Wall", 1, "m3"])
    plain, encrypted = io.BytesIO(), io.BytesIO()
    book.save(plain)
    plain.seek(0)
    OOXMLFile(plain).encrypt("secret", encrypted)
    message = _refused(post_import, row_counts, encrypted.getvalue(), "components.xlsx")
    assert "password-protected" in message


def test_zip_bomb_workbook(post_import, row_counts):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (50 * 1024 * 1024))
    content = out.getvalue()
    assert len(content) < 200 * 1024
    assert "zip bomb" in _refused(post_import, row_counts, content, "components.xlsx")


def test_damaged_workbook(post_import, row_counts):
    book = openpyxl.Workbook()
    out = io.BytesIO()
    book.save(out)
    message = _refused(post_import, row_counts, out.getvalue()[:900], "components.xlsx")
    assert "damaged" in message


def test_truncated_ifc(post_import, row_counts):
    content = sample("IfcOpenHouse_IFC4.ifc").read_bytes()
    message = _refused(post_import, row_counts, content[: len(content) // 2], "house.ifc")
    assert "truncated" in message


def test_garbled_ifc(post_import, row_counts):
    content = sample("IfcOpenHouse_IFC4.ifc").read_bytes()
    start = content.index(b"DATA;")
    tail = b"\n#1=IFCPROJECT(%%%garbage((\nENDSEC;\nEND-ISO-10303-21;\n"
    garbled = content[: start + 5] + tail
    message = _refused(post_import, row_counts, garbled, "house.ifc")
    assert "IFC" in message


def test_ifc_header_without_schema(post_import, row_counts):
    content = b"ISO-10303-21;\nHEADER;\nENDSEC;\nDATA;\nENDSEC;\nEND-ISO-10303-21;\n"
    assert "garbled" in _refused(post_import, row_counts, content, "x.ifc")


def test_unsupported_ifc_schema(post_import, row_counts):
    content = (
        b"ISO-10303-21;\nHEADER;\nFILE_DESCRIPTION((''),'2;1');\nFILE_NAME('','',(''),(''),'','','');"
        b"\nFILE_SCHEMA(('IFC2X2_FINAL'));\nENDSEC;\nDATA;\nENDSEC;\nEND-ISO-10303-21;\n"
    )
    message = _refused(post_import, row_counts, content, "old.ifc")
    assert "IFC2X2_FINAL is not supported" in message


def test_size_limits_are_configurable_and_answer_413(app, post_import, row_counts):
    app.config["MAX_SHEET_BYTES"] = 1000
    content = b"name,quantity,unit\n" + b"Wall,1,m3\n" * 200
    message = _refused(post_import, row_counts, content, "big.csv", status=413)
    assert message.startswith("Spreadsheets may be up to")


def test_request_over_the_import_body_limit(app, post_import):
    # The endpoint takes its file limit plus MAX_BODY_BYTES for the rest of the form.
    app.config.update(MAX_IFC_BYTES=1000, MAX_SHEET_BYTES=1000, MAX_BODY_BYTES=1000)
    response = post_import(b"name,quantity,unit\n" + b"Wall,1,m3\n" * 500, "big.csv")
    assert response.status_code == 413


def test_rows_with_errors_write_nothing_even_after_valid_batches(post_import, row_counts):
    """The bad row comes after more than one batch of good ones, which were already flushed."""
    before = row_counts()
    rows = "".join(f"R-{i},Wall {i},2,m3,brick\n" for i in range(1200))
    content = "external_id,name,quantity,unit,material\n" + rows + "R-bad,Bad,-1,m3,brick\n"
    response = post_import(content.encode(), "many.csv")
    assert response.status_code == 422
    assert response.get_json()["report"]["errors"][0]["text"] == (
        "Row 1202, column 'quantity': must be greater than 0"
    )
    assert row_counts() == before

"""Reading a register file, row by row, without holding it in memory.

CSV: a header row naming the register columns (mine.synthetic.REGISTER_COLUMNS, or an alias
from mine.register.rows.COLUMN_ALIASES); rows are numbered by their line in the file (the
header is line 1). Encodings as the passport imports read them (UTF-8 with or without BOM,
UTF-16 with a BOM, else Windows-1252).

GeoJSON: a FeatureCollection whose features carry the same names as properties and a Point,
Polygon or MultiPolygon geometry (or none). The features are decoded one at a time from the
file (mine.register.files.features), so a city-wide file never sits in memory as one JSON
tree; rows are numbered by the feature's index, from 1. A polygon's centroid gives the
latitude/longitude when the properties have none, and its area the footprint when
`footprint_m2` is absent (mine.register.geometry).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

from flask_babel import gettext as _

from mine.register.geometry import GeometryError
from mine.register.geometry import footprint
from mine.register.rows import column_name
from passports.imports.files import text_encoding

_CHUNK = 1024 * 1024


class RegisterFileError(ValueError):
    """The file as a whole cannot be read (no header, not a FeatureCollection...)."""


def kind_of(path: Path) -> str:
    """'geojson' when the file's first non-blank character opens a JSON object, else 'csv'."""
    with Path(path).open("rb") as handle:
        head = handle.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    return "geojson" if head[:1] == b"{" else "csv"


def csv_rows(path: Path) -> Iterator[tuple[int, dict, list[tuple[str, str]]]]:
    """(line number, {column: text}, []) for every data row of a register CSV."""
    encoding = text_encoding(Path(path))
    with Path(path).open(encoding=encoding, newline="") as handle:
        sample = handle.read(8192)
        handle.seek(0)
        try:
            dialect = csv.Sniffer().sniff(sample.splitlines()[0] if sample else "", ",;\t")
        except csv.Error:
            dialect = csv.excel
        reader = csv.reader(handle, dialect)
        header = next(reader, None)
        if not header:
            raise RegisterFileError(_("The file is empty."))
        columns = [column_name(h) for h in header]
        if "register_id" not in columns:
            raise RegisterFileError(
                _(
                    "The header has no register_id column (or id): found %(found)s.",
                    found=", ".join(h for h in header if h) or "-",
                )
            )
        width = len(columns)
        for record in reader:
            if not any(cell.strip() for cell in record):
                continue
            if len(record) < width:
                record = record + [""] * (width - len(record))
            yield reader.line_num, dict(zip(columns, record, strict=False)), []


def features(path: Path) -> Iterator[dict]:
    """The features of a GeoJSON FeatureCollection, decoded one at a time."""
    decoder = json.JSONDecoder()
    with Path(path).open("r", encoding="utf-8-sig") as handle:
        buffer = handle.read(_CHUNK)
        head = buffer[:4096]
        if '"FeatureCollection"' not in buffer and '"features"' not in head:
            raise RegisterFileError(_("The GeoJSON file is not a FeatureCollection."))
        start = buffer.find('"features"')
        while start < 0:
            more = handle.read(_CHUNK)
            if not more:
                raise RegisterFileError(_("The GeoJSON file has no features."))
            buffer = buffer[-16:] + more
            start = buffer.find('"features"')
        pos = start + len('"features"')
        # Up to the opening bracket of the list.
        while True:
            while pos < len(buffer) and buffer[pos] in " \t\r\n:":
                pos += 1
            if pos < len(buffer):
                break
            more = handle.read(_CHUNK)
            if not more:
                raise RegisterFileError(_("The GeoJSON file has no features."))
            buffer, pos = more, 0
        if buffer[pos] != "[":
            raise RegisterFileError(_("The GeoJSON file's features are not a list."))
        pos += 1
        eof = False
        while True:
            while pos < len(buffer) and buffer[pos] in " \t\r\n,":
                pos += 1
            if pos >= len(buffer):
                if eof:
                    raise RegisterFileError(_("The GeoJSON file ends in the middle."))
                more = handle.read(_CHUNK)
                eof = not more
                buffer, pos = buffer[pos:] + more, 0
                continue
            if buffer[pos] == "]":
                return
            try:
                feature, end = decoder.raw_decode(buffer, pos)
            except json.JSONDecodeError as exc:
                if eof:
                    raise RegisterFileError(
                        _("The GeoJSON file is not valid JSON: %(error)s", error=exc.msg)
                    ) from exc
                more = handle.read(_CHUNK)
                eof = not more
                buffer, pos = buffer[pos:] + more, 0
                continue
            yield feature
            pos = end


def geojson_rows(path: Path) -> Iterator[tuple[int, dict, list[tuple[str, str]]]]:
    """(feature number from 1, {column: value}, geometry errors) for every feature."""
    for number, feature in enumerate(features(path), start=1):
        errors: list[tuple[str, str]] = []
        if not isinstance(feature, dict):
            yield number, {}, [("geometry", _("The feature is not a JSON object."))]
            continue
        properties = feature.get("properties") or {}
        if not isinstance(properties, dict):
            properties = {}
        raw = {column_name(k): v for k, v in properties.items()}
        try:
            lat, lon, area = footprint(feature.get("geometry"))
        except GeometryError:
            errors.append(
                (
                    "geometry",
                    _(
                        "The geometry is not a readable Point, Polygon or MultiPolygon of "
                        "longitude/latitude positions."
                    ),
                )
            )
            lat = lon = area = None
        if (
            lat is not None
            and raw.get("latitude") in (None, "")
            and raw.get("longitude")
            in (
                None,
                "",
            )
        ):
            raw["latitude"], raw["longitude"] = lat, lon
        if area is not None and raw.get("footprint_m2") in (None, ""):
            raw["footprint_m2"] = round(area, 2)
        yield number, raw, errors


def register_rows(path: Path, kind: str | None = None):
    """The rows of a register file of either kind."""
    kind = kind or kind_of(path)
    return geojson_rows(path) if kind == "geojson" else csv_rows(path)

"""Make the map's basemap: country outlines and coastlines as GeoJSON, from Natural Earth.

Source: the `world-atlas` npm package (2.0.2, ISC, by Mike Bostock), which carries Natural
Earth's 1:50m Admin 0 countries (public domain, naturalearthdata.com) as TopoJSON. Get it with
`npm pack world-atlas@2.0.2` and run, from the repository root:

    python dashboard/map/build_basemap.py package/countries-50m.json

It writes app/static/basemap/countries-50m.geojson: one MultiPolygon feature per country
(properties: `name`), coordinates rounded to 3 decimals (about 100 m, far below what 1:50m
draws). This is TopoJSON decoding (delta-encoded, quantised arcs; a negative arc index is the
arc reversed, ~i), written out so the browser needs no topojson library.
"""

import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[2] / "app" / "static" / "basemap" / "countries-50m.geojson"
DECIMALS = 3


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Every arc as absolute longitude/latitude points (undoing quantisation and deltas)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((round(x * sx + tx, DECIMALS), round(y * sy + ty, DECIMALS)))
        arcs.append(points)
    return arcs


def ring(indexes: list[int], arcs: list) -> list[tuple[float, float]]:
    """A closed ring from its arcs; consecutive arcs share their joining point."""
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc[1:] if points else arc)
    return points


def polygons(geometry: dict, arcs: list) -> list:
    """The geometry's polygons (lists of rings), whether Polygon or MultiPolygon."""
    if geometry["type"] == "Polygon":
        return [[ring(r, arcs) for r in geometry["arcs"]]]
    if geometry["type"] == "MultiPolygon":
        return [[ring(r, arcs) for r in polygon] for polygon in geometry["arcs"]]
    return []


def convert(topology: dict) -> dict:
    """The countries object of a world-atlas topology as a GeoJSON FeatureCollection."""
    arcs = decode_arcs(topology)
    features = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        shapes = polygons(geometry, arcs)
        if not shapes:
            continue
        features.append(
            {
                "type": "Feature",
                "properties": {"name": geometry.get("properties", {}).get("name", "")},
                "geometry": {"type": "MultiPolygon", "coordinates": shapes},
            }
        )
    return {
        "type": "FeatureCollection",
        "source": "Natural Earth 1:50m Admin 0 countries (public domain), via world-atlas 2.0.2",
        "features": features,
    }


def main(argv: list[str]) -> None:
    source = Path(argv[1]) if len(argv) > 1 else Path("package/countries-50m.json")
    collection = convert(json.loads(source.read_text()))
    OUT.write_text(json.dumps(collection, separators=(",", ":")))
    print(f"{OUT}: {len(collection['features'])} countries, {OUT.stat().st_size:,} bytes")


if __name__ == "__main__":
    main(sys.argv)

"""Footprint geometry of a register building (GeoJSON, WGS 84 longitude/latitude in degrees).

Area: the area of a polygon on the sphere, by the line-integral formula of Chamberlain and
Duquette ("Some algorithms for polygons on a sphere", JPL 07-03, 2007), the one `geojson-area`
and Turf use:

    A = | R² / 2 × Σᵢ (λᵢ₊₁ − λᵢ₋₁) × sin φᵢ |

over the ring's vertices (λ longitude, φ latitude, radians), with R the authalic radius of the
WGS 84 ellipsoid (6,371,007.2 m: the sphere with the ellipsoid's surface area, so areas are
equal-area on average). Against the ellipsoid's own area, a building's footprint is off by at
most ±0.3 % (the spread of the ellipsoid's local area scale around the authalic sphere between
the equator and the poles), far below a register's survey error. Holes (inner rings) are
subtracted; a MultiPolygon is the sum of its polygons.

Centroid: the area-weighted centroid of the outer rings in a local equirectangular projection
centred on the first vertex (x = Δλ × cos φ₀, y = Δφ), exact enough for a footprint of a few
hundred metres; a degenerate ring (no area) gives the mean of its vertices. A Point is itself.
"""

from __future__ import annotations

import math

AUTHALIC_RADIUS_M = 6_371_007.2


class GeometryError(ValueError):
    """The geometry cannot be read as a Point, Polygon or MultiPolygon."""


def ring_area_m2(ring) -> float:
    """Unsigned area in m² of one closed or open ring of [lon, lat] positions."""
    points = [(float(p[0]), float(p[1])) for p in ring]
    if len(points) > 1 and points[0] == points[-1]:
        points = points[:-1]
    n = len(points)
    if n < 3:
        return 0.0
    total = 0.0
    for i in range(n):
        lon_prev = points[i - 1][0]
        lon_next = points[(i + 1) % n][0]
        total += math.radians(lon_next - lon_prev) * math.sin(math.radians(points[i][1]))
    return abs(total) * AUTHALIC_RADIUS_M**2 / 2


def polygon_area_m2(rings) -> float:
    """Area of a polygon (outer ring minus its holes), in m²."""
    if not rings:
        return 0.0
    outer = ring_area_m2(rings[0])
    return max(outer - sum(ring_area_m2(r) for r in rings[1:]), 0.0)


def _ring_centroid(ring, lon0: float, lat0: float) -> tuple[float, float, float]:
    """(signed area, x, y) of a ring in the local projection (degrees, scaled)."""
    scale = math.cos(math.radians(lat0))
    xy = [((float(p[0]) - lon0) * scale, float(p[1]) - lat0) for p in ring]
    if xy and xy[0] != xy[-1]:
        xy.append(xy[0])
    area = cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(xy, xy[1:], strict=False):
        cross = x1 * y2 - x2 * y1
        area += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    area /= 2
    if area == 0:
        return 0.0, 0.0, 0.0
    return area, cx / (6 * area), cy / (6 * area)


def _polygons(geometry: dict) -> list:
    kind = geometry.get("type")
    coordinates = geometry.get("coordinates")
    if kind == "Polygon":
        polygons = [coordinates]
    elif kind == "MultiPolygon":
        polygons = coordinates
    else:
        raise GeometryError(kind)
    if not isinstance(polygons, list) or not all(
        isinstance(p, list) and p and all(isinstance(r, list) and len(r) >= 3 for r in p)
        for p in polygons
    ):
        raise GeometryError(kind)
    return polygons


def _check_position(position) -> tuple[float, float]:
    if not isinstance(position, list | tuple) or len(position) < 2:
        raise GeometryError("position")
    try:
        lon, lat = float(position[0]), float(position[1])
    except (TypeError, ValueError) as exc:
        raise GeometryError("position") from exc
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise GeometryError("position")
    return lon, lat


def footprint(geometry: dict | None) -> tuple[float | None, float | None, float | None]:
    """(latitude, longitude, footprint area in m² or None) of a GeoJSON geometry; None
    geometry: (None, None, None). Raises GeometryError for other types or bad coordinates."""
    if geometry is None:
        return None, None, None
    if not isinstance(geometry, dict):
        raise GeometryError("geometry")
    if geometry.get("type") == "Point":
        lon, lat = _check_position(geometry.get("coordinates"))
        return lat, lon, None
    polygons = _polygons(geometry)
    for polygon in polygons:
        for ring in polygon:
            for position in ring:
                _check_position(position)
    lon0, lat0 = float(polygons[0][0][0][0]), float(polygons[0][0][0][1])
    weight = sx = sy = 0.0
    for polygon in polygons:
        area, x, y = _ring_centroid(polygon[0], lon0, lat0)
        weight += abs(area)
        sx += x * abs(area)
        sy += y * abs(area)
    if weight:
        x, y = sx / weight, sy / weight
    else:
        ring = polygons[0][0]
        x = sum((float(p[0]) - lon0) for p in ring) / len(ring) * math.cos(math.radians(lat0))
        y = sum(float(p[1]) - lat0 for p in ring) / len(ring)
    scale = math.cos(math.radians(lat0)) or 1.0
    area_m2 = sum(polygon_area_m2(p) for p in polygons)
    return lat0 + y, lon0 + x / scale, area_m2

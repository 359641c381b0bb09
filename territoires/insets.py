"""Where the overseas territories are drawn: labelled boxes beside metropolitan France.

French public maps "bring closer" the overseas territories in insets. Here one transformation
places both a territory's outline and its markers: project to Web Mercator (what Leaflet
draws), scale about the centre of the territory's bounding box so that it fits its box, and
move that centre to the box's centre. Metropolitan places are left where they are. Only the
drawing moves: popups, table and downloads give the real coordinates.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt
from shapely import transform
from shapely.geometry.base import BaseGeometry

from territoires.regions import BY_CODE, region_outlines

EARTH_RADIUS_M = 6378137.0
# A 3 × 2 grid of boxes, read like the legend: the Antilles and Guyane first, then the Indian Ocean
# and Saint-Martin.
GRID_ORDER: tuple[str, ...] = ("01", "02", "03", "04", "06", "978")
GRID_COLUMNS = 3
BOX_SIZE_M = 300_000.0  # side of each square box, in Web Mercator metres
FILL = 0.8  # share of the box the territory's larger side takes


@dataclass(frozen=True, slots=True)
class Grid:
    """Where the grid lies: its first box's centre (lon, lat), and the steps between box centres in
    Web Mercator metres (rows leave room for the labels)."""

    origin: tuple[float, float]
    step_m: tuple[float, float]


# Two places for the same grid, over land and sea the map leaves blank. The browser draws the one
# whose whole map is the larger at the map's size: beside the Hexagone (over the Bay of Biscay and
# Spain) on a wide map; under it (over Spain and the Mediterranean) on a narrow one, a phone's,
# whose width the Hexagone then fills. Only the boxes move: a territory's scale is the same in both.
LAYOUTS: dict[str, Grid] = {
    "beside": Grid(origin=(-10.0, 45.6), step_m=(340_000.0, -380_000.0)),
    "below": Grid(origin=(-3.55, 40.9), step_m=(545_000.0, -380_000.0)),
}
DEFAULT_LAYOUT = "beside"  # the coordinates of markers and outlines as written; the others aside


Coords = npt.NDArray[np.float64]  # shape (n, 2): lon, lat in degrees, or x, y in metres


def to_mercator(lonlat: Coords) -> Coords:
    lon, lat = np.radians(lonlat[:, 0]), np.radians(lonlat[:, 1])
    return np.column_stack((lon, np.log(np.tan(np.pi / 4 + lat / 2)))) * EARTH_RADIUS_M


def from_mercator(xy: Coords) -> Coords:
    x, y = xy[:, 0] / EARTH_RADIUS_M, xy[:, 1] / EARTH_RADIUS_M
    return np.column_stack((np.degrees(x), np.degrees(2 * np.arctan(np.exp(y)) - np.pi / 2)))


def _point(coords: Coords) -> tuple[float, float]:
    return float(coords[0, 0]), float(coords[0, 1])


@dataclass(frozen=True, slots=True)
class Inset:
    """A territory's box and the affine map (in Mercator metres) that puts it there."""

    code: str
    label: str
    scale: float
    source_centre: tuple[float, float]  # Mercator metres
    box_centre: tuple[float, float]  # Mercator metres

    def place(self, lonlat: Coords) -> Coords:
        """Display (lon, lat) of real (lon, lat) points of this territory."""
        moved = (to_mercator(lonlat) - self.source_centre) * self.scale + self.box_centre
        return from_mercator(moved)

    @property
    def box(self) -> tuple[tuple[float, float], tuple[float, float]]:
        """West-south and east-north corners of the box, as (lon, lat)."""
        half = BOX_SIZE_M / 2
        corners = np.array([self.box_centre]) + np.array([[-half, -half], [half, half]])
        west_south, east_north = from_mercator(corners)
        return (float(west_south[0]), float(west_south[1])), (float(east_north[0]), float(east_north[1]))


@cache
def insets(layout: str = DEFAULT_LAYOUT) -> dict[str, Inset]:
    """One inset per overseas territory, sized from its real outline, placed as `layout` says."""
    outlines = region_outlines()
    result = {}
    grid = LAYOUTS[layout]
    origin = to_mercator(np.array([grid.origin]))[0]
    for index, code in enumerate(GRID_ORDER):
        row, column = divmod(index, GRID_COLUMNS)
        west, south, east, north = outlines[code].bounds
        (x0, y0), (x1, y1) = to_mercator(np.array([[west, south], [east, north]]))
        result[code] = Inset(
            code=code,
            label=BY_CODE[code].name,
            scale=FILL * BOX_SIZE_M / max(x1 - x0, y1 - y0),
            source_centre=(float(x0 + x1) / 2, float(y0 + y1) / 2),
            box_centre=(
                float(origin[0]) + column * grid.step_m[0],
                float(origin[1]) + row * grid.step_m[1],
            ),
        )
    return result


def display_position(
    region_code: str, lon: float, lat: float, layout: str = DEFAULT_LAYOUT
) -> tuple[float, float]:
    """Where a real point is drawn: unchanged in metropolitan France, in its box overseas."""
    inset = insets(layout).get(region_code)
    return _point(inset.place(np.array([[lon, lat]]))) if inset else (lon, lat)


def display_geometry(region_code: str, geometry: BaseGeometry, layout: str = DEFAULT_LAYOUT) -> BaseGeometry:
    """A region's outline as drawn, by the same transformation as its markers."""
    inset = insets(layout).get(region_code)
    return transform(geometry, inset.place) if inset else geometry

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

from territoires.insets import (
    LAYOUTS,
    display_geometry,
    display_position,
    from_mercator,
    insets,
    to_mercator,
)
from territoires.mapping import display_outlines
from territoires.regions import BY_CODE, REGIONS, region_outlines

OVERSEAS = [r.code for r in REGIONS if r.overseas]


def box(code: str, layout: str = "beside") -> Polygon:
    (west, south), (east, north) = insets(layout)[code].box
    return shapely.box(west, south, east, north)


def test_mercator_round_trip() -> None:
    points = np.array([[-61.73, 15.99], [7.56, 47.59], [55.3, -21.0]])
    assert np.allclose(from_mercator(to_mercator(points)), points)


def test_metropolitan_points_do_not_move() -> None:
    assert display_position("44", 7.55923, 47.59206) == (7.55923, 47.59206)


def test_every_overseas_territory_has_a_labelled_box() -> None:
    assert set(insets()) == set(OVERSEAS)
    assert {inset.label for inset in insets().values()} == {BY_CODE[c].name for c in OVERSEAS}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_boxes_overlap_neither_each_other_nor_metropolitan_france(layout: str) -> None:
    metropole: BaseGeometry = shapely.union_all(
        [g for c, g in region_outlines().items() if not BY_CODE[c].overseas]
    )
    for i, a in enumerate(OVERSEAS):
        assert not box(a, layout).intersects(metropole), BY_CODE[a].name
        for b in OVERSEAS[i + 1 :]:
            assert not box(a, layout).intersects(box(b, layout)), (a, b)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("code", OVERSEAS)
def test_outline_is_drawn_inside_its_box(code: str, layout: str) -> None:
    assert box(code, layout).contains(display_geometry(code, region_outlines()[code], layout))
    assert box(code, layout).contains(display_outlines(layout)[code])


def test_a_territory_has_the_same_scale_in_every_layout() -> None:
    for code in OVERSEAS:
        assert len({insets(layout)[code].scale for layout in LAYOUTS}) == 1, BY_CODE[code].name


def test_transformation_is_one_similarity_for_outline_and_markers() -> None:
    """Distances in Mercator metres are all multiplied by the inset's one scale factor."""
    inset = insets()["04"]
    real = np.array([[55.29, -20.94], [55.62, -21.37], [55.45, -21.1]])
    before, after = to_mercator(real), to_mercator(inset.place(real))
    ratios = np.linalg.norm(np.diff(after, axis=0), axis=1) / np.linalg.norm(np.diff(before, axis=0), axis=1)
    assert np.allclose(ratios, inset.scale)
    outline = region_outlines()["04"]
    assert display_geometry("04", outline).area > outline.area


def test_each_laureate_is_drawn_where_it_lies_in_its_drawn_region(laureates: pd.DataFrame) -> None:
    """Inside its drawn outline exactly when inside the real one: the few town halls that Natural
    Earth's coast leaves at sea (tests/test_dataset.py) stay just off the drawn coast."""
    for code, town, lon, lat, overseas in laureates[
        ["region_code", "town", "longitude", "latitude", "overseas"]
    ].itertuples(index=False, name=None):
        point = shapely.Point(display_position(code, lon, lat))
        inside = region_outlines()[code].contains(shapely.Point(lon, lat))
        assert display_geometry(code, region_outlines()[code]).contains(point) == inside, town
        if overseas:
            assert box(code).contains(point), town


def mercator(geometry: BaseGeometry) -> BaseGeometry:
    return shapely.transform(geometry, to_mercator)


def test_each_overseas_marker_keeps_its_distance_to_the_coast_and_borders_at_the_inset_scale(
    laureates: pd.DataFrame,
) -> None:
    """Saint-Laurent-du-Maroni, 0.6 km from the Maroni (the border), is drawn that far from the
    drawn border times the inset's scale: markers and outline are placed by one transformation."""
    for code, town, lon, lat in laureates.loc[
        laureates["overseas"], ["region_code", "town", "longitude", "latitude"]
    ].itertuples(index=False, name=None):
        outline = region_outlines()[code]
        real = mercator(outline.boundary).distance(mercator(shapely.Point(lon, lat)))
        drawn = mercator(display_geometry(code, outline).boundary).distance(
            mercator(shapely.Point(display_position(code, lon, lat)))
        )
        assert drawn == pytest.approx(real * insets()[code].scale, rel=0.01, abs=1.0), town

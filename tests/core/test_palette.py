"""Contrasts of the map's colours (RGAA / WCAG 2.1): 4.5:1 for text, 3:1 for markers and outlines."""

from __future__ import annotations

import pytest

from territoires.mapping import PALETTE, with_palette


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(PALETTE[a]), luminance(PALETTE[b])), reverse=True)
    return (high + 0.05) / (low + 0.05)


GROUNDS = ["background", "region_fill", "region_empty_fill"]


@pytest.mark.parametrize("ground", GROUNDS)
@pytest.mark.parametrize("marker", ["metropole", "overseas"])
def test_markers_stand_out_from_what_is_behind_them(marker: str, ground: str) -> None:
    assert contrast(marker, ground) >= 3


@pytest.mark.parametrize("line", ["region_stroke", "selected_stroke", "legend_border", "focus"])
@pytest.mark.parametrize("ground", GROUNDS)
def test_outlines_stand_out(line: str, ground: str) -> None:
    assert contrast(line, ground) >= 3


@pytest.mark.parametrize("ground", GROUNDS)
def test_map_text_is_readable(ground: str) -> None:
    assert contrast("text", ground) >= 4.5


def test_marker_ring_separates_touching_markers() -> None:
    assert contrast("marker_ring", "metropole") >= 3
    assert contrast("marker_ring", "overseas") >= 3


def test_every_placeholder_is_a_palette_colour() -> None:
    assert "__" not in with_palette("__" + "__ __".join(name.upper() for name in PALETTE) + "__")

"""Contrasts of the map's colours (RGAA / WCAG 2.1): 4.5:1 for text, 3:1 for markers and outlines."""

from __future__ import annotations

import re

import pytest

from carte.cache import BROWSER_DIR
from territoires.mapping import PALETTE


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


def test_the_browser_code_draws_with_palette_colours_only() -> None:
    """carte.decorate receives the palette; the scripts name its colours, the styles its properties."""
    used: set[str] = set()
    for path in BROWSER_DIR.iterdir():
        text = path.read_text(encoding="utf-8")
        assert not re.findall(r"#[0-9a-fA-F]{3,6}\b|rgba?\(", text), path.name  # no colour of its own
        used |= set(re.findall(r"(?:colours|carte\.palette)\.(\w+)", text))
        used |= {name.replace("-", "_") for name in re.findall(r"var\(--carte-([\w-]+)\)", text)}
    assert used, "the browser code draws with the palette"
    assert used <= PALETTE.keys(), used - PALETTE.keys()

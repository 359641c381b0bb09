"""Map only: the floor's multiselect and the dashboard's own map, nothing else on the page.

What the dashboard's map costs over Streamlit's floor: the figures the rest of the page (counts,
bars, table, other filters) adds to it are the dashboard's minus these. It also freezes the heap
after its first run, as the dashboard does, so that the difference is the page's alone.
"""

import streamlit as st
from streamlit_folium import st_folium

from carte.cache import file_key, freeze_heap_once, load_laureates, static_files
from territoires.dataset import GEOCODED_PATH
from territoires.filters import View, per_region, select
from territoires.mapping import MAP_HEIGHT_PX, RETURNED_OBJECT, base_map, selection_layer
from territoires.regions import BY_NAME, REGIONS

assets = static_files()
laureates = load_laureates(*file_key(GEOCODED_PATH)).laureates
names = st.multiselect("Régions", [ref.name for ref in REGIONS], placeholder="Toutes les régions")
codes = tuple(BY_NAME[name].code for name in names)
st_folium(
    base_map(assets, per_region(laureates)),
    key="carte",
    height=MAP_HEIGHT_PX,
    use_container_width=True,
    returned_objects=[RETURNED_OBJECT],
    render=False,
    feature_group_to_add=selection_layer(select(laureates, View(codes)), codes, codes, tiles=False),
)
freeze_heap_once()

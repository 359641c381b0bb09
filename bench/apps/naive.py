"""Naive: the usual streamlit-folium app. The map is rebuilt at every rerun with the filtered markers
and st_folium returns its default objects; only Leaflet is served locally, so that it renders offline.
"""

from pathlib import Path

import folium
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from territoires.assets import LEAFLET_FILE, static_url

DATA = Path(__file__).resolve().parents[2] / "data" / "laureates_geocoded.csv"


@st.cache_data
def laureates() -> pd.DataFrame:
    return pd.read_csv(DATA)


df = laureates()
regions = st.multiselect("Régions", sorted(df["region"].unique()), placeholder="Toutes les régions")
shown = df[df["region"].isin(regions)] if regions else df

fmap = folium.Map(location=(46.6, 2.4), zoom_start=5, tiles=None)
base = str(st.get_option("server.baseUrlPath") or "")
fmap.default_js = [("leaflet", static_url(LEAFLET_FILE["js"], base))]
fmap.default_css = [("leaflet_css", static_url(LEAFLET_FILE["css"], base))]
for lat, lon, town in zip(shown["latitude"], shown["longitude"], shown["town"], strict=True):
    folium.CircleMarker(
        (float(lat), float(lon)), radius=6, fill=True, tooltip=str(town), class_name="laureate"
    ).add_to(fmap)
st_folium(fmap, height=560, use_container_width=True)

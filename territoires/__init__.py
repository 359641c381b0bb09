"""Streamlit-free core of the map: region reference, dataset, filters, insets, folium map."""

from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_DIR / "data"

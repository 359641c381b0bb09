"""Floor: a bare Streamlit page, a multiselect and a line of text. What Streamlit itself costs."""

import streamlit as st

from territoires.regions import REGIONS

regions = st.multiselect("Régions", [ref.name for ref in REGIONS], placeholder="Toutes les régions")
st.write(f"Sélection : {', '.join(regions) if regions else 'toutes les régions'}")

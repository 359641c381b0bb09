"""The dashboard's Streamlit side: the page (`page`) and its per-server caches (`cache`)."""

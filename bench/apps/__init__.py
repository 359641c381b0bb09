"""The reference apps the dashboard is measured against, each a plain `streamlit run` script."""

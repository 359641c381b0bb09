"""The view a user chooses (regions, zone, search, wave) and what it selects; its form in the URL."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

import pandas as pd

from territoires.departments import DEPARTMENT_NAMES
from territoires.regions import BY_CODE, BY_SLUG

MAX_QUERY_LENGTH = 80  # longer searches are cut: no town name comes near it
# « St-Dié », « Ste-Marie »: how Saint and Sainte are often written, searched as the names spell them.
ABBREVIATIONS = {"st": "saint", "ste": "sainte"}
# A department's number as people type it: « 68 », « 974 », « 2A », « 6 » for « 06 ».
DEPARTMENT_NUMBER = re.compile(r"[0-9]{1,3}|2[ab]")
MAX_NOTICE_VALUE = 40  # ignored values are quoted back this short at most
# Bidirectional marks, embeddings, overrides and isolates: from a URL they would reorder the words
# shown around them (« région inconnue » read backwards), so they are dropped.
BIDI_CONTROLS = dict.fromkeys(
    map(ord, "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
)


class Zone(StrEnum):
    ALL = "toutes"
    METROPOLE = "metropole"
    OVERSEAS = "outre-mer"

    @property
    def label(self) -> str:
        return {"toutes": "Toutes", "metropole": "Métropole", "outre-mer": "Outre-mer"}[self.value]


@dataclass(frozen=True, slots=True)
class View:
    """What the user filters on. Region codes are kept in the reference's order."""

    regions: tuple[str, ...] = ()
    zone: Zone = Zone.ALL
    query: str = ""
    wave: int | None = None  # one wave of the programme, or all of them

    @property
    def is_everything(self) -> bool:
        return not self.regions and self.zone is Zone.ALL and not self.query and self.wave is None


@dataclass(frozen=True, slots=True)
class ParsedView:
    view: View
    ignored: tuple[str, ...] = field(default=())  # French sentences, one per ignored value


def fold(text: str) -> str:
    """Lowercase without accents, hyphens, apostrophes or dots: « saint etienne » is « Saint-Étienne »."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.replace("-", " ").replace("'", " ").replace("’", " ").replace(".", " ").split())


def spelt_out(folded: str) -> str:
    """A folded text with St and Ste written in full: « st die » is « saint die »."""
    return " ".join(ABBREVIATIONS.get(word, word) for word in folded.split())


@functools.cache  # names of towns, departments and regions: a few hundred, folded once each
def name_words(name: str) -> str:
    """A name as searches read it, each word after a space: « Saint-Dié » is « saint die »."""
    return f" {spelt_out(fold(name))}"


def matches_search(laureates: pd.DataFrame, query: str) -> pd.Series:
    """The laureates a search finds. A department number finds that department's towns alone
    (« 68 » is not part of a postcode or an INSEE code). Other text finds the towns, and the towns
    of the departments and regions, with a word of their name starting with it: « Rhin » finds
    both Rhin departments, « Ain » the Ain, not every Saint-…. Case, accents, hyphens and St / Ste
    for Saint / Sainte do not matter."""
    folded = fold(query)
    if DEPARTMENT_NUMBER.fullmatch(folded):
        return laureates["department_code"] == folded.upper().zfill(2)
    needles = {f" {folded}", f" {spelt_out(folded)}"}

    def found(name: str) -> bool:
        return any(needle in name_words(name) for needle in needles)

    rows = zip(*(laureates[c].tolist() for c in ("town", "department_code", "region_code")), strict=True)
    return pd.Series(
        [found(town) or found(DEPARTMENT_NAMES[dep]) or found(BY_CODE[reg].name) for town, dep, reg in rows],
        index=laureates.index,
        dtype=bool,
    )


def ordered_codes(codes: Iterable[str]) -> tuple[str, ...]:
    wanted = set(codes)
    return tuple(code for code in BY_CODE if code in wanted)


def region_option(code: str, numbers: Mapping[str, int]) -> str:
    """A region as the « Régions » list shows it: « Bretagne (4) »."""
    return f"{BY_CODE[code].name} ({numbers[code]})"


def toggled(view: View, code: str) -> View:
    """The view once `code` is added to its regions, or removed if it was there."""
    return replace(view, regions=ordered_codes(set(view.regions) ^ {code}))


def waves(laureates: pd.DataFrame) -> tuple[int, ...]:
    """The programme's waves the data holds, in order."""
    return tuple(sorted(set(laureates["wave"].tolist())))


def wave_label(wave: int) -> str:
    """« 1re vague », « 2e vague »: French ordinals as typography writes them."""
    return f"{wave}{'re' if wave == 1 else 'e'} vague"


def laureates_shown(shown: int, total: int) -> str:
    """« Aucune ville lauréate affichée sur 55 », « 1 ville lauréate affichée sur 55 »,
    « 12 villes lauréates affichées sur 55 »."""
    if not shown:
        return f"Aucune ville lauréate affichée sur {total}"
    s = "s" if shown > 1 else ""
    return f"{shown} ville{s} lauréate{s} affichée{s} sur {total}"


def focus(view: View, with_laureates: Iterable[str]) -> tuple[str, ...]:
    """The regions a view frames: its own, else its zone's, else none (its markers are framed)."""
    if view.regions or view.zone is Zone.ALL:
        return view.regions
    return tuple(code for code in with_laureates if BY_CODE[code].overseas == (view.zone is Zone.OVERSEAS))


def select(laureates: pd.DataFrame, view: View) -> pd.DataFrame:
    """The laureates the view shows: in one of its regions, in its zone, of its wave, matching its search."""
    keep = pd.Series(True, index=laureates.index)
    if view.wave is not None:
        keep &= laureates["wave"] == view.wave
    if view.regions:
        keep &= laureates["region_code"].isin(view.regions)
    if view.zone is Zone.METROPOLE:
        keep &= ~laureates["overseas"]
    elif view.zone is Zone.OVERSEAS:
        keep &= laureates["overseas"]
    if view.query:
        keep &= matches_search(laureates, view.query)
    return laureates[keep]


@dataclass(frozen=True, slots=True)
class Counts:
    laureates: int
    metropole: int
    overseas: int
    regions: int
    per_wave: tuple[tuple[int, int], ...] = ()  # (wave, laureates), in the waves' order; none left out


def counts(laureates: pd.DataFrame) -> Counts:
    overseas = sum(laureates["overseas"].tolist())
    return Counts(
        laureates=len(laureates),
        metropole=len(laureates) - overseas,
        overseas=overseas,
        regions=len(set(laureates["region_code"].tolist())),
        per_wave=tuple(sorted(Counter(laureates["wave"].tolist()).items())),
    )


def per_region(laureates: pd.DataFrame) -> dict[str, int]:
    """Number of laureates per region code, for every region of the reference (zeros included)."""
    found = Counter(laureates["region_code"].tolist())  # plain Python: far quicker than pandas on 55 rows
    return {code: found[code] for code in BY_CODE}


def plain_text(value: str) -> str:
    """Text from outside (URL, search box) as it may be shown: bidirectional controls removed,
    each run of whitespace (tabs, newlines, Unicode spaces) one space, none at the ends."""
    return " ".join(value.translate(BIDI_CONTROLS).split())


def _quoted(value: str) -> str:
    value = plain_text(value)
    short = value if len(value) <= MAX_NOTICE_VALUE else value[:MAX_NOTICE_VALUE] + "…"
    return f"« {short} »"


def parse_query_params(
    params: Mapping[str, Sequence[str]], with_laureates: set[str], known_waves: Collection[int]
) -> ParsedView:
    """Reads ?region=<slug> (repeatable), ?zone=, ?q=, ?vague= ; keeps what is valid, names what is not.

    `?vague=` is read only when the data holds several waves: with one, there is no choice to make
    (the page shows no wave control), so a value is ignored and named like any other."""
    ignored: list[str] = []
    regions: list[str] = []
    for slug in params.get("region", ()):
        ref = BY_SLUG.get(slug.strip().lower())
        if ref is None:
            ignored.append(f"région inconnue {_quoted(slug)}")
        elif ref.code not in with_laureates:
            ignored.append(f"{ref.name} n'a pas de ville lauréate")
        elif ref.code not in regions:
            regions.append(ref.code)
    zone = Zone.ALL
    zones = params.get("zone", ())
    if zones:
        try:
            zone = Zone(zones[-1].strip().lower())
        except ValueError:
            ignored.append(
                f"zone inconnue {_quoted(zones[-1])} (zone=metropole pour la métropole, zone=outre-mer pour l'outre-mer)"
            )
    queries = params.get("q", ())
    query = plain_text(queries[-1])[:MAX_QUERY_LENGTH] if queries else ""
    wave: int | None = None
    if wanted := params.get("vague", ()):
        by_text = {str(n): n for n in known_waves}  # a lookup, not int(): « ٢ » or 5 000 digits are no wave
        if len(by_text) < 2:
            ignored.append(f"vague {_quoted(wanted[-1])} (la carte n'a qu'une vague)")
        elif wanted[-1].strip() in by_text:
            wave = by_text[wanted[-1].strip()]
        else:
            *others, last = (f"« {n} »" for n in sorted(by_text.values()))
            ignored.append(f"vague inconnue {_quoted(wanted[-1])} ({', '.join(others)} ou {last})")
    for key in params:
        if key not in ("region", "zone", "q", "vague"):
            ignored.append(f"paramètre inconnu {_quoted(key)}")
    return ParsedView(View(ordered_codes(regions), zone, query, wave), tuple(ignored))


def query_params(view: View) -> dict[str, list[str] | str]:
    """The view as URL parameters; an empty dict for the whole map."""
    params: dict[str, list[str] | str] = {}
    if view.regions:
        params["region"] = [BY_CODE[code].slug for code in view.regions]
    if view.zone is not Zone.ALL:
        params["zone"] = view.zone.value
    if view.query:
        params["q"] = view.query
    if view.wave is not None:
        params["vague"] = str(view.wave)
    return params

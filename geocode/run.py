"""Geocoding every laureate: cache, bounded retries, validation against the department outlines, CSV."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pandas as pd
from geopy.exc import (
    GeocoderParseError,
    GeocoderRateLimited,
    GeocoderTimedOut,
    GeocoderUnavailable,
    GeopyError,
)
from geopy.location import Location

from geocode.providers import Place, PlaceGeocoder
from geocode.storage import Answer, AnswerCache
from territoires.dataset import FACT_COLUMNS, geocoded_csv_text
from territoires.regions import department_placement_problem

MAX_RETRY_AFTER_SECONDS = 30.0  # a longer Retry-After is reported rather than waited for

Progress = Callable[[int, int, Place], None]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    retries: int = 3  # extra attempts after the first
    backoff: float = 1.0  # first wait in seconds, doubled at each retry


@dataclass(frozen=True, slots=True)
class Outcome:
    place: Place
    answer: Answer | None
    from_cache: bool = False
    failure: str | None = None  # why there is no answer, in French


class GeocodingError(Exception):
    """The service could not give an answer for one town; the message says why, in French."""


def _http_status(err: GeopyError) -> int | None:
    # geopy maps HTTP errors to its own exceptions, raised from the adapter's error that has the status.
    status = getattr(err.__cause__, "status_code", None)
    return status if isinstance(status, int) else None


def _retry_wait(err: GeopyError, attempt: int, policy: RetryPolicy) -> float | None:
    """Seconds to wait before asking again, or None when asking again cannot help."""
    if isinstance(err, GeocoderRateLimited) and err.retry_after is not None:
        retry_after = float(err.retry_after)
        return retry_after if retry_after <= MAX_RETRY_AFTER_SECONDS else None
    transient = isinstance(err, GeocoderRateLimited | GeocoderTimedOut | GeocoderUnavailable)
    if transient or (_http_status(err) or 0) >= 500:
        return policy.backoff * 2.0**attempt
    return None


def _describe(err: GeopyError) -> str:
    status = _http_status(err)
    http = f" (HTTP {status})" if status else ""
    if isinstance(err, GeocoderRateLimited):
        wait = f" ; il demande d'attendre {err.retry_after} s" if err.retry_after else ""
        return f"le service refuse les requêtes trop rapprochées{http}{wait}"
    if isinstance(err, GeocoderTimedOut):
        return f"le service n'a pas répondu à temps{http}"
    if isinstance(err, GeocoderUnavailable):
        return f"service injoignable{http}"
    if isinstance(err, GeocoderParseError):
        return "réponse illisible du service"
    return f"erreur du service{http} : {err}"


def _locate(geocoder: PlaceGeocoder, place: Place) -> Location | None:
    try:
        return geocoder.locate(place)
    except GeopyError:
        raise
    except (AttributeError, IndexError, KeyError, TypeError, ValueError) as err:
        # geopy's parsers index into the answer: a JSON of the wrong shape surfaces as these.
        raise GeocoderParseError(repr(err)) from err


def ask(geocoder: PlaceGeocoder, place: Place, policy: RetryPolicy) -> Location | None:
    """The service's answer, retrying with exponential backoff where waiting can help."""
    for attempt in range(policy.retries + 1):
        try:
            return _locate(geocoder, place)
        except GeopyError as err:
            wait = _retry_wait(err, attempt, policy)
            if wait is None or attempt == policy.retries:
                tries = f", après {attempt + 1} tentatives" if attempt else ""
                raise GeocodingError(_describe(err) + tries) from err
            time.sleep(wait)
    raise AssertionError("unreachable")  # pragma: no cover


def misplaced(place: Place, answer: Answer) -> str | None:
    """Why the point cannot be this laureate's, or None: the app's own check of the geocoded file
    (`department_placement_problem`), which a homonym elsewhere, even in the same region, fails."""
    return department_placement_problem(place.department_code, answer.longitude, answer.latitude)


def resolve(place: Place, geocoder: PlaceGeocoder, cache: AnswerCache, policy: RetryPolicy) -> Outcome:
    """One town: from the cache when known, else from the service, validated either way."""
    cached = cache.get(place.cache_key)
    if cached is not None:
        reason = misplaced(place, cached)
        return Outcome(place, None if reason else cached, from_cache=True, failure=reason)
    try:
        found = ask(geocoder, place, policy)
    except GeocodingError as err:
        return Outcome(place, None, failure=str(err))
    if found is None:
        return Outcome(place, None, failure=f"aucun résultat pour « {place.name} »")
    answer = Answer(round(found.latitude, 6), round(found.longitude, 6), str(found.address))
    reason = geocoder.rejection(place, found) or misplaced(place, answer)
    if reason:
        where = f"({answer.latitude:.6f}, {answer.longitude:.6f})"
        return Outcome(
            place, None, failure=f"résultat rejeté : « {answer.matched_name} » en {where} ; {reason}"
        )
    cache.put(place.cache_key, answer)
    return Outcome(place, answer)


def geocode_places(
    places: list[Place],
    geocoder: PlaceGeocoder,
    cache: AnswerCache,
    policy: RetryPolicy,
    progress: Progress | None = None,
) -> list[Outcome]:
    outcomes = []
    for number, place in enumerate(places, start=1):
        if progress:
            progress(number, len(places), place)
        outcomes.append(resolve(place, geocoder, cache, policy))
    return outcomes


def geocoded_csv(table: pd.DataFrame, outcomes: Iterable[Outcome], provider: str) -> str:
    """The rows that have an answer, in input order, as the text of data/laureates_geocoded.csv."""
    answered = [(outcome.place.line, answer) for outcome in outcomes if (answer := outcome.answer)]
    rows = table.loc[[line for line, _ in answered], list(FACT_COLUMNS)].assign(
        latitude=[answer.latitude for _, answer in answered],
        longitude=[answer.longitude for _, answer in answered],
        provider=provider,
        matched_name=[answer.matched_name for _, answer in answered],
    )
    return geocoded_csv_text(rows)

"""Command line of the geocoder: options, messages in French, exit codes (0, 1, 2, 130)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from geocode.providers import DEFAULT_USER_AGENT, PROVIDER_NAMES, Place, make_geocoder
from geocode.run import Outcome, RetryPolicy, geocode_places, geocoded_csv
from geocode.storage import AnswerCache
from territoires import PROJECT_DIR
from territoires.dataset import GEOCODED_PATH, LAUREATES_PATH, DatasetError, read_laureates
from territoires.files import WriteError, write_atomically

EXIT_FAILED, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 1, 2, 130


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise argparse.ArgumentTypeError(f"« {text} » : un nombre de secondes positif est attendu")
    return value


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m geocode",
        description="Géocode les lauréates (data/laureates.csv) et écrit data/laureates_geocoded.csv.",
    )
    parser.add_argument("--provider", choices=PROVIDER_NAMES, default="offline", help="défaut : offline")
    parser.add_argument("--input", type=Path, default=LAUREATES_PATH, help="fichier des lauréates")
    parser.add_argument("--output", type=Path, default=GEOCODED_PATH, help="fichier géocodé à écrire")
    parser.add_argument("--cache", type=Path, help="défaut : .cache/geocode-<provider>.json")
    parser.add_argument("--refresh", action="store_true", help="ignorer le cache et tout redemander")
    parser.add_argument(
        "--partial", action="store_true", help="écrire quand même, sans les villes en échec (code 1)"
    )
    parser.add_argument("--domain", help="domaine du service en ligne (tests : 127.0.0.1:PORT)")
    parser.add_argument("--scheme", choices=("http", "https"), help="défaut : https")
    parser.add_argument("--user-agent", default=DEFAULT_USER_AGENT, help="identifiant envoyé au service")
    parser.add_argument("--timeout", type=_seconds, default=10.0, help="secondes par requête")
    parser.add_argument("--retries", type=int, choices=range(11), default=3, metavar="0..10")
    parser.add_argument("--backoff", type=_seconds, default=1.0, help="première attente (s), doublée")
    return parser.parse_args(argv)


def _show_progress(number: int, total: int, place: Place) -> None:
    print(f"\r[{number}/{total}] {place.town:<40}", end="", file=sys.stderr, flush=True)


def _report(args: argparse.Namespace, outcomes: list[Outcome]) -> list[Outcome]:
    """Print each failure and the summary; the failed outcomes."""
    failed = [o for o in outcomes if o.answer is None]
    for outcome in failed:
        place = outcome.place
        print(f"{args.input} — ligne {place.line}, « {place.town} » : {outcome.failure}.", file=sys.stderr)
    cached = sum(o.from_cache and o.answer is not None for o in outcomes)
    resolved = len(outcomes) - len(failed) - cached
    print(
        f"Géocodage {args.provider} : {resolved} résolue(s), {cached} depuis le cache, "
        f"{len(failed)} en échec, sur {len(outcomes)}.",
        file=sys.stderr,
    )
    return failed


def _run(args: argparse.Namespace) -> int:
    try:
        table = read_laureates(args.input)
    except DatasetError as err:
        print(err.message, file=sys.stderr)
        return EXIT_BAD_INPUT
    places = [Place.from_row(int(str(line)), row) for line, row in table.iterrows()]
    geocoder = make_geocoder(
        args.provider,
        domain=args.domain,
        scheme=args.scheme,
        user_agent=args.user_agent,
        timeout=args.timeout,
    )
    cache_path = args.cache or PROJECT_DIR / ".cache" / f"geocode-{args.provider}.json"
    cache = AnswerCache(cache_path, args.provider, trusted=not args.refresh)
    policy = RetryPolicy(retries=args.retries, backoff=args.backoff)
    try:
        progress = _show_progress if geocoder.online else None
        outcomes = geocode_places(places, geocoder, cache, policy, progress)
        if progress:
            print(file=sys.stderr)
        failed = _report(args, outcomes)
        if failed and not args.partial:
            print(
                f"{args.output} n'a pas été modifié : corrigez les villes en échec, "
                "ou relancez avec --partial pour écrire les autres.",
                file=sys.stderr,
            )
            return EXIT_FAILED
        write_atomically(args.output, geocoded_csv(table, outcomes, geocoder.name))
    except WriteError as err:
        print(err.message, file=sys.stderr)
        return EXIT_FAILED
    print(f"Écrit : {args.output}", file=sys.stderr)
    return EXIT_FAILED if failed else 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        return _run(args)
    except KeyboardInterrupt:
        print(
            "\nInterrompu. Les villes déjà résolues sont dans le cache : relancez la commande pour reprendre.",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED

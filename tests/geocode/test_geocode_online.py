"""BAN and Nominatim against a real HTTP server on 127.0.0.1: answers, faults, validation, pacing."""

from __future__ import annotations

import csv
from itertools import pairwise
from pathlib import Path
from types import SimpleNamespace

import pytest

import geocode.run
from geocode.cli import main
from geocode.providers import BAN_DOMAIN, BanGeocoder, NominatimGeocoder
from tests.geocode.geocode_support import (
    FakeService,
    Reply,
    ban_answer,
    nominatim_answer,
    online_args,
    write_subset,
)

# La Réunion's Saint-Louis: a real town of that name, in the wrong region for the laureate.
REUNION_SAINT_LOUIS = (-21.28585, 55.41124)


def run(service: FakeService, tmp_path: Path, towns: list[str], *extra: str) -> int:
    subset = write_subset(tmp_path / "laureates.csv", towns)
    return main([*online_args(service, tmp_path, *extra), "--input", str(subset)])


def output_rows(tmp_path: Path) -> list[dict[str, str]]:
    with (tmp_path / "out.csv").open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def wrong_place(service: FakeService) -> Reply:
    lat, lon = REUNION_SAINT_LOUIS
    if service.protocol == "ban":
        return Reply(ban_answer("Saint-Louis", "68297", lat, lon))  # right INSEE code, wrong point
    return Reply(nominatim_answer("Saint-Louis, La Réunion, France", lat, lon))


def test_good_answer_is_written_with_provider_and_matched_name(
    service: FakeService, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(service, tmp_path, ["Saint-Louis"]) == 0

    [row] = output_rows(tmp_path)
    assert (row["latitude"], row["longitude"]) == ("47.592060", "7.559230")
    assert row["provider"] == service.protocol
    assert row["matched_name"].startswith("Saint-Louis")
    [request] = service.requests
    if service.protocol == "ban":
        assert request.params == {
            "q": "Saint-Louis",
            "type": "municipality",
            "citycode": "68297",
            "limit": "1",
        }
    else:
        assert request.params["city"] == "Saint-Louis"
        assert request.params["county"] == "Haut-Rhin"
        assert request.params["country"] == "France"
        assert request.params["countrycodes"] == "fr"
    assert "coeur-des-territoires-map" in request.user_agent
    err = capsys.readouterr().err
    assert "[1/1] Saint-Louis" in err
    assert "1 résolue(s), 0 depuis le cache, 0 en échec, sur 1." in err


def test_overseas_town_is_asked_under_fr_and_its_own_country_code(
    service: FakeService, tmp_path: Path
) -> None:
    assert run(service, tmp_path, ["Le Port"]) == 0

    [request] = service.requests
    if service.protocol == "nominatim":
        assert request.params["countrycodes"] == "fr,re"
        assert request.params["county"] == "La Réunion"
    assert output_rows(tmp_path)[0]["latitude"] == "-20.937520"


@pytest.mark.parametrize("service", ["nominatim"], indirect=True)
def test_nominatim_homonym_in_the_same_region_is_rejected_by_the_department(
    service: FakeService, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Saint-Louis of Moselle for the Haut-Rhin laureate: right region, right name, wrong department."""
    service.script(
        "Saint-Louis", Reply(nominatim_answer("Saint-Louis, Moselle, Grand Est, France", 48.72, 7.19))
    )

    assert run(service, tmp_path, ["Saint-Louis"]) == 1

    err = capsys.readouterr().err
    assert "en (48.720000, 7.190000) ; ce point est à " in err
    assert "du département Haut-Rhin (68) (tolérance : 2 km)." in err


def test_wrong_place_is_rejected_by_department_outline_and_output_untouched(
    service: FakeService, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "out.csv").write_bytes(b"previous\n")
    service.script("Saint-Louis", wrong_place(service))

    assert run(service, tmp_path, ["Saint-Louis", "Colmar"]) == 1

    err = capsys.readouterr().err
    assert "« Saint-Louis » : résultat rejeté : « Saint-Louis" in err
    assert (
        "en (-21.285850, 55.411240) ; ce point est à plus de 100 km du département Haut-Rhin (68) "
        "(tolérance : 2 km)." in err
    )
    assert "1 résolue(s), 0 depuis le cache, 1 en échec, sur 2." in err
    assert (tmp_path / "out.csv").read_bytes() == b"previous\n"


def test_partial_writes_the_towns_that_resolved_and_exits_1(service: FakeService, tmp_path: Path) -> None:
    service.script("Saint-Louis", wrong_place(service))

    assert run(service, tmp_path, ["Saint-Louis", "Colmar"], "--partial") == 1

    assert [row["town"] for row in output_rows(tmp_path)] == ["Colmar"]


def test_ban_answer_with_another_insee_code_is_rejected(
    ban_service: FakeService, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Saint-Louis of Moselle: inside Grand Est, so only the INSEE code tells it apart.
    ban_service.script("Saint-Louis", Reply(ban_answer("Saint-Louis", "57620", 48.71609, 7.18874)))

    assert run(ban_service, tmp_path, ["Saint-Louis"]) == 1

    err = capsys.readouterr().err
    assert "en (48.716090, 7.188740) ; code INSEE « 57620 » au lieu de « 68297 »." in err


def test_rate_limited_then_answered_is_retried_after_retry_after(
    service: FakeService, tmp_path: Path
) -> None:
    service.script("Colmar", Reply("{}", status=429, headers={"Retry-After": "2"}), Reply())

    assert run(service, tmp_path, ["Colmar"]) == 0

    assert service.requested_places() == ["Colmar", "Colmar"]
    # The second request waits the 2 s the service asked for, not the 0.01 s backoff of these tests
    # nor Nominatim's pacing (1.25 s): a lower bound, which a slow machine can only exceed.
    first, second = (request.at for request in service.requests)
    assert second - first >= 2.0
    assert output_rows(tmp_path)[0]["town"] == "Colmar"


def test_server_error_is_retried_a_bounded_number_of_times_then_reported(
    service: FakeService, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    service.script("Colmar", Reply("oops", status=500))

    assert run(service, tmp_path, ["Colmar"], "--retries", "2") == 1

    assert service.requested_places() == ["Colmar"] * 3
    assert "« Colmar » : erreur du service (HTTP 500)" in capsys.readouterr().err
    assert not (tmp_path / "out.csv").exists()


def test_timeout_is_retried_then_reported(
    service: FakeService, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    service.script("Colmar", Reply(delay=1.0))

    assert run(service, tmp_path, ["Colmar"], "--timeout", "0.2", "--retries", "1") == 1

    assert service.requested_places() == ["Colmar"] * 2
    err = capsys.readouterr().err
    assert "« Colmar » : le service n'a pas répondu à temps, après 2 tentatives." in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param("{not json", "réponse illisible du service", id="invalid-json"),
        pytest.param('[{"lat": "x"}]', "réponse illisible du service", id="wrong-shape-list"),
        pytest.param('{"features": [{"properties": {}}]}', "réponse illisible du service", id="wrong-shape"),
        # BANFrance would take an object without features for « no result »: it is no answer at all.
        pytest.param('{"type": "FeatureCollection"}', "réponse illisible du service", id="no-features"),
    ],
)
def test_malformed_answer_is_reported_without_retry(
    service: FakeService, tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str, expected: str
) -> None:
    service.script("Colmar", Reply(body))

    assert run(service, tmp_path, ["Colmar"]) == 1

    assert service.requested_places() == ["Colmar"]
    err = capsys.readouterr().err
    assert f"« Colmar » : {expected}" in err
    assert "Traceback" not in err


def test_empty_result_is_reported_as_not_found(
    service: FakeService, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = {"type": "FeatureCollection", "features": []} if service.protocol == "ban" else []
    service.script("Colmar", Reply(empty))

    assert run(service, tmp_path, ["Colmar"]) == 1

    assert service.requested_places() == ["Colmar"]
    assert "« Colmar » : aucun résultat pour « Colmar »." in capsys.readouterr().err


def test_each_retry_waits_the_backoff_doubled_or_the_retry_after_up_to_30_s(
    ban_service: FakeService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    waits: list[float] = []
    monkeypatch.setattr(geocode.run, "time", SimpleNamespace(sleep=waits.append))
    ban_service.script(
        "Colmar",
        Reply("oops", status=500),
        Reply("{}", status=503),
        Reply("{}", status=429),  # no Retry-After: the backoff
        Reply("{}", status=429, headers={"Retry-After": "30"}),  # the longest wait that is waited
        Reply(),
    )

    assert run(ban_service, tmp_path, ["Colmar"], "--retries", "4") == 0

    assert ban_service.requested_places() == ["Colmar"] * 5
    assert waits == [0.01, 0.02, 0.04, 30.0]  # --backoff 0.01, doubled at each attempt


def test_rate_limited_without_retry_after_is_reported_without_a_wait(
    ban_service: FakeService, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ban_service.script("Colmar", Reply("{}", status=429))

    assert run(ban_service, tmp_path, ["Colmar"], "--retries", "0") == 1

    err = capsys.readouterr().err
    assert "« Colmar » : le service refuse les requêtes trop rapprochées (HTTP 429).\n" in err


def test_progress_rewrites_one_line_a_town_and_ends_it_once(
    ban_service: FakeService, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(ban_service, tmp_path, ["Colmar", "Verdun"]) == 0

    err = capsys.readouterr().err
    assert err.startswith(f"\r[1/2] {'Colmar':<40}\r[2/2] {'Verdun':<40}\nGéocodage ban : ")


def test_a_failed_run_names_each_failure_then_the_summary_and_leaves_the_output_alone(
    ban_service: FakeService, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ban_service.script("Colmar", Reply({"type": "FeatureCollection", "features": []}))

    assert run(ban_service, tmp_path, ["Colmar", "Verdun"]) == 1

    subset, output = tmp_path / "laureates.csv", tmp_path / "out.csv"
    assert capsys.readouterr().err == (
        f"\r[1/2] {'Colmar':<40}\r[2/2] {'Verdun':<40}\n"
        f"{subset} — ligne 2, « Colmar » : aucun résultat pour « Colmar ».\n"
        "Géocodage ban : 1 résolue(s), 0 depuis le cache, 1 en échec, sur 2.\n"
        f"{output} n'a pas été modifié : corrigez les villes en échec, "
        "ou relancez avec --partial pour écrire les autres.\n"
    )
    assert not output.exists()


def test_a_partial_run_says_what_it_wrote_and_what_failed(
    ban_service: FakeService, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ban_service.script("Verdun", Reply({"type": "FeatureCollection", "features": []}))

    assert run(ban_service, tmp_path, ["Colmar", "Verdun"], "--partial") == 1

    subset, output = tmp_path / "laureates.csv", tmp_path / "out.csv"
    assert capsys.readouterr().err == (
        f"\r[1/2] {'Colmar':<40}\r[2/2] {'Verdun':<40}\n"
        f"{subset} — ligne 3, « Verdun » : aucun résultat pour « Verdun ».\n"
        "Géocodage ban : 1 résolue(s), 0 depuis le cache, 1 en échec, sur 2.\n"
        f"Écrit : {output}\n"
    )
    assert [row["town"] for row in output_rows(tmp_path)] == ["Colmar"]


def test_a_run_that_resolves_every_town_says_where_it_wrote(
    ban_service: FakeService, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(ban_service, tmp_path, ["Colmar"]) == 0
    assert run(ban_service, tmp_path, ["Colmar"]) == 0  # from the cache this time

    output = tmp_path / "out.csv"
    progress = f"\r[1/1] {'Colmar':<40}\n"
    assert capsys.readouterr().err == (
        f"{progress}Géocodage ban : 1 résolue(s), 0 depuis le cache, 0 en échec, sur 1.\nÉcrit : {output}\n"
        f"{progress}Géocodage ban : 0 résolue(s), 1 depuis le cache, 0 en échec, sur 1.\nÉcrit : {output}\n"
    )


def test_long_retry_after_is_reported_rather_than_waited(
    ban_service: FakeService, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ban_service.script("Colmar", Reply("{}", status=429, headers={"Retry-After": "3600"}))

    assert run(ban_service, tmp_path, ["Colmar"]) == 1

    assert ban_service.requested_places() == ["Colmar"]
    assert "il demande d'attendre 3600 s" in capsys.readouterr().err


def test_nominatim_requests_are_at_least_one_second_apart(tmp_path: Path) -> None:
    from tests.geocode.geocode_support import running

    with running("nominatim") as service:
        service.script("Colmar", Reply("{}", status=503), Reply())  # a retry is paced too
        assert run(service, tmp_path, ["Colmar", "Verdun", "Saverne"]) == 0

    times = [r.at for r in service.requests]
    assert len(times) == 4
    # As the service sees them: Nominatim's policy is about arrivals.
    assert all(later - earlier >= 1.0 for earlier, later in pairwise(times)), times


def test_cache_avoids_a_second_request(
    service: FakeService, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(service, tmp_path, ["Colmar"]) == 0
    first = (tmp_path / "out.csv").read_bytes()

    assert run(service, tmp_path, ["Colmar"]) == 0

    assert service.requested_places() == ["Colmar"]
    assert (tmp_path / "out.csv").read_bytes() == first
    assert "0 résolue(s), 1 depuis le cache, 0 en échec, sur 1." in capsys.readouterr().err


def test_refresh_ignores_the_cache(ban_service: FakeService, tmp_path: Path) -> None:
    assert run(ban_service, tmp_path, ["Colmar"]) == 0
    assert run(ban_service, tmp_path, ["Colmar"], "--refresh") == 0

    assert ban_service.requested_places() == ["Colmar", "Colmar"]


def test_user_agent_option_is_what_the_service_receives(service: FakeService, tmp_path: Path) -> None:
    agent = "mon-outil/1.0 (contact : moi@example.org)"

    assert run(service, tmp_path, ["Colmar"], "--user-agent", agent) == 0

    assert [request.user_agent for request in service.requests] == [agent]


def test_domain_may_carry_a_path_like_the_geoplateforme(ban_service: FakeService, tmp_path: Path) -> None:
    args = online_args(ban_service, tmp_path)
    args[args.index("--domain") + 1] = f"{ban_service.domain}/geocodage"
    subset = write_subset(tmp_path / "laureates.csv", ["Colmar"])

    assert main([*args, "--input", str(subset)]) == 0

    assert [r.path for r in ban_service.requests] == ["/geocodage/search"]


def test_online_defaults_name_the_live_services_without_calling_them() -> None:
    assert BanGeocoder().geocode_api == f"https://{BAN_DOMAIN}/search"
    assert BAN_DOMAIN == "data.geopf.fr/geocodage"
    nominatim = NominatimGeocoder(user_agent="test")
    assert nominatim.api == "https://nominatim.openstreetmap.org/search"

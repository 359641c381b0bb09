"""The JSON cache of resolved towns, written atomically."""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from territoires.files import write_atomically

CACHE_VERSION = 1


@dataclass(frozen=True, slots=True)
class Answer:
    latitude: float
    longitude: float
    matched_name: str


def _answer(entry: Any) -> Answer:
    """An entry of the cache file; ValueError if it is not one."""
    if not isinstance(entry, dict) or set(entry) != {"latitude", "longitude", "matched_name"}:
        raise ValueError(entry)
    lat, lon, name = entry["latitude"], entry["longitude"], entry["matched_name"]
    if not (isinstance(lat, float | int) and isinstance(lon, float | int) and isinstance(name, str)):
        raise ValueError(entry)
    return Answer(float(lat), float(lon), name)


class AnswerCache:
    """Resolved towns by `Place.cache_key`, saved after each new answer so an interrupted run resumes."""

    def __init__(self, path: Path, provider: str, *, trusted: bool) -> None:
        self.path = path
        self.provider = provider
        self.answers: dict[str, Answer] = self._load() if trusted else {}

    def _load(self) -> dict[str, Answer]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
                raise ValueError("version")
            if data.get("provider") != self.provider or not isinstance(data.get("answers"), dict):
                raise ValueError("provider")
            return {key: _answer(entry) for key, entry in data["answers"].items()}
        except FileNotFoundError:
            return {}
        except (OSError, UnicodeDecodeError, ValueError):  # json.JSONDecodeError is a ValueError
            self._set_aside()
            return {}

    def _set_aside(self) -> None:
        aside = self.path.with_name(f"{self.path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
        try:
            self.path.replace(aside)
            where = f"mis de côté sous {aside}"
        except OSError:
            where = "laissé en place"
        print(
            f"Avertissement : cache illisible {self.path} ({where}) ; il est ignoré et sera reconstruit.",
            file=sys.stderr,
        )

    def get(self, key: str) -> Answer | None:
        return self.answers.get(key)

    def put(self, key: str, answer: Answer) -> None:
        self.answers[key] = answer
        data = {
            "version": CACHE_VERSION,
            "provider": self.provider,
            "answers": {
                k: {"latitude": a.latitude, "longitude": a.longitude, "matched_name": a.matched_name}
                for k, a in sorted(self.answers.items())
            },
        }
        write_atomically(self.path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")

"""Files the project writes (geocoded data, region outlines, caches): replaced atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class WriteError(Exception):
    """A file that could not be written; the message names it."""

    def __init__(self, path: Path, err: OSError) -> None:
        self.message = (
            f"{path} — écriture impossible ({err.strerror or err}). Vérifiez le dossier et les droits."
        )
        super().__init__(self.message)


def write_atomically(path: Path, text: str) -> None:
    """Replace `path` with `text` (UTF-8, "\\n"), so that readers see the old file or the new, never half."""
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Same folder as the target: os.replace is only atomic within one file system.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as file:
            file.write(text)
        Path(tmp).chmod(0o644)
        Path(tmp).replace(path)  # os.replace: atomic
    except OSError as err:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise WriteError(path, err) from None

"""Crash- and race-safe file writes shared by the index and token caches."""

from __future__ import annotations

import os
import pickle
import tempfile
from pathlib import Path


def atomic_pickle(path: Path, obj: object) -> None:
    """Pickle to a temporary file in the same folder, then rename: readers never see a torn file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise

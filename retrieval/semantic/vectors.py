"""Passage vectors cached beside the index as data: a float32 .npy (loaded with allow_pickle=False) and a
JSON list of the sha256 of each row's text. Only texts whose hash is not in the cache are embedded, so
adding a speech embeds its chunks alone; the saved file holds exactly the current corpus's rows.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import BinaryIO

import numpy as np

from retrieval.semantic.embedder import Embedder, Vectors

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]  # (texts embedded so far, texts to embed)
BATCH = 8  # texts per embedding call: small enough for a lively progress bar


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def vector_paths(directory: Path, model: str) -> tuple[Path, Path]:
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in model)
    return directory / f"vectors-{safe}.npy", directory / f"vectors-{safe}.json"


def load_cached(directory: Path, model: str) -> dict[str, Vectors]:
    """hash → vector from the cache files; a missing, corrupt or foreign cache is reported and ignored."""
    matrix_path, keys_path = vector_paths(directory, model)
    if not matrix_path.exists() or not keys_path.exists():
        return {}
    try:
        keys = json.loads(keys_path.read_text(encoding="utf-8"))
        matrix = np.load(matrix_path, allow_pickle=False)
        hashes = keys["hashes"]
        if keys.get("model") != model or matrix.ndim != 2 or len(hashes) != matrix.shape[0]:
            raise ValueError("does not match its key file")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("ignoring vector cache %s: %s", matrix_path, exc)
        return {}
    return {h: matrix[i].astype(np.float32, copy=False) for i, h in enumerate(hashes)}


def save_cached(directory: Path, model: str, hashes: Sequence[str], matrix: Vectors) -> None:
    matrix_path, keys_path = vector_paths(directory, model)
    directory.mkdir(parents=True, exist_ok=True)
    _atomic_write(matrix_path, lambda fh: np.save(fh, matrix, allow_pickle=False))
    payload = json.dumps({"model": model, "hashes": list(hashes)}).encode("utf-8")
    _atomic_write(keys_path, lambda fh: fh.write(payload))


def passage_vectors(
    texts: Sequence[str],
    embedder: Embedder,
    directory: Path | None = None,
    progress: Progress | None = None,
) -> Vectors:
    """One normalized vector per text, reusing cached rows (when `directory` is given) by text hash."""
    hashes = [text_hash(t) for t in texts]
    known = load_cached(directory, embedder.name) if directory is not None else {}
    missing = sorted({h: i for i, h in reversed(list(enumerate(hashes))) if h not in known}.values())
    if missing:
        log.info("embedding %d of %d passages", len(missing), len(texts))
    for start in range(0, len(missing), BATCH):
        batch = missing[start : start + BATCH]
        for i, vector in zip(batch, embedder.embed_passages([texts[i] for i in batch]), strict=True):
            known[hashes[i]] = vector
        if progress is not None:
            progress(min(start + BATCH, len(missing)), len(missing))
    matrix = (
        np.stack([known[h] for h in hashes]).astype(np.float32) if texts else np.zeros((0, 0), np.float32)
    )
    if directory is not None and missing:
        try:
            save_cached(directory, embedder.name, hashes, matrix)
        except OSError as exc:  # a read-only cache costs time on the next start, not answers
            log.warning("cannot write vector cache in %s: %s", directory, exc)
    return matrix


def _atomic_write(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """Write to a temporary file in the same folder, then rename: readers never see a torn file."""
    fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise

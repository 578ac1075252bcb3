"""On-disk index cache, keyed by corpus content + settings; never trusted blindly, written atomically."""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
from functools import cache
from pathlib import Path

import platformdirs

from retrieval.errors import CacheError
from retrieval.index.atomic import atomic_pickle
from retrieval.index.bm25 import Index
from retrieval.ingest import scan
from retrieval.settings import RetrieverSettings

log = logging.getLogger(__name__)

# Older index files beyond this many (oldest first) are removed when a new one is written.
MAX_CACHED_INDEXES = 8
# Bump when the pickled layout changes; code and data changes are caught by `pipeline_fingerprint`.
CACHE_FORMAT = "qabot-index-2"
PACKAGE_DIR = Path(__file__).resolve().parents[1]  # the whole retrieval package


@cache
def pipeline_fingerprint() -> str:
    """sha256 of the library's own code and data files: an upgrade must never reuse an old index."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.suffix in {".py", ".txt"} and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(PACKAGE_DIR)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def default_cache_dir() -> Path:
    """The user's cache directory for qabot (never the corpus folder, which may be read-only)."""
    return Path(platformdirs.user_cache_dir("qabot", appauthor=False))


def corpus_fingerprint(corpus_dir: Path, settings: RetrieverSettings) -> str:
    """sha256 over every corpus file's path and bytes, the entries left out (and why), the settings, the
    pipeline code and the format. Uses the very file list ingestion reads; a file that cannot be read
    counts by its error, so it is skipped (with its reason) when the index is built, never a crash here."""
    digest = hashlib.sha256(f"{CACHE_FORMAT}\n{pipeline_fingerprint()}\n{settings.cache_key()}\n".encode())
    found = scan(corpus_dir)
    for file in found.files:
        digest.update(os.fsencode(file.path.relative_to(corpus_dir)) + b"\0")
        try:
            digest.update(hashlib.sha256(file.real.read_bytes()).digest())
        except OSError as exc:
            digest.update(f"unreadable:{exc.errno}".encode())
    for skipped in found.skipped:
        digest.update(f"skipped:{skipped.path}\0{skipped.reason}\0".encode())
    return digest.hexdigest()


def cache_path(cache_dir: Path, key: str) -> Path:
    return cache_dir / f"index-{key[:32]}.pkl"


def load_index(path: Path, key: str) -> Index | None:
    """The cached index if present and intact; a corrupt or foreign file is reported and ignored."""
    if not path.exists():
        return None
    try:
        with path.open("rb") as fh:
            stored_key, index = pickle.load(fh)
    except Exception as exc:  # any unpickling failure means the file cannot be trusted
        log.warning("index cache %s is unreadable (%s: %s); rebuilding", path, type(exc).__name__, exc)
        return None
    if stored_key != key or not isinstance(index, Index):
        log.warning("index cache %s is stale; rebuilding", path)
        return None
    return index


def save_index(path: Path, key: str, index: Index) -> None:
    """Write atomically, so concurrent builders never leave a torn file; then prune old indexes."""
    try:
        atomic_pickle(path, (key, index))
    except OSError as exc:
        raise CacheError(f"cannot write index cache in {path.parent}: {exc.strerror or exc}") from exc
    prune_old_indexes(path.parent)


def token_cache_path(cache_dir: Path) -> Path:
    """One token cache per library version; it is keyed inside by tokenizer settings and text."""
    return cache_dir / f"tokens-{pipeline_fingerprint()[:16]}.pkl"


def prune_old_indexes(cache_dir: Path) -> None:
    """Keep the newest MAX_CACHED_INDEXES index files; a file another process removed first is fine."""
    files = sorted(cache_dir.glob("index-*.pkl"), key=lambda p: p.stat().st_mtime, reverse=True)
    for stale in files[MAX_CACHED_INDEXES:]:
        stale.unlink(missing_ok=True)

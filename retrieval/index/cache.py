"""On-disk index cache, keyed by corpus content + settings; never trusted blindly, written atomically."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import shutil
import time
from functools import cache
from pathlib import Path

from retrieval.errors import CacheError
from retrieval.index import store
from retrieval.index.bm25 import Index
from retrieval.ingest import scan
from retrieval.settings import RetrieverSettings

log = logging.getLogger(__name__)

# Older index files beyond this many (oldest first) are removed when a new one is written.
MAX_CACHED_INDEXES = 8
# A builder's temporary folder older than this was left by a crash (a 1M-chunk build takes minutes).
ABANDONED_AFTER_S = 6 * 3600
# Bump when the stored layout changes; code and data changes are caught by `pipeline_fingerprint`.
CACHE_FORMAT = "qabot-index-5"
PACKAGE_DIR = Path(__file__).resolve().parents[1]  # the whole retrieval package
LIBRARY_SUFFIXES = frozenset({".py", ".txt", ".tsv"})  # its code and data files


@cache
def pipeline_fingerprint() -> str:
    """sha256 of the library's own code and data files: an upgrade must never reuse an old index."""
    digest = hashlib.sha256()
    for relative in sorted(_library_files()):
        digest.update(str(relative).encode() + b"\0" + (PACKAGE_DIR / relative).read_bytes())
    return digest.hexdigest()


def _library_files() -> list[Path]:
    """Every code and data file of the package, relative to it: .py, and .txt / .tsv (the character
    frequencies mojibake repair scores with change document text). os.walk: `Path.rglob` matched every
    name against a pattern, several ms of each start of `qabot ask`."""
    found = []
    for folder, subfolders, names in os.walk(PACKAGE_DIR):
        subfolders[:] = [name for name in subfolders if name != "__pycache__"]
        relative = Path(folder).relative_to(PACKAGE_DIR)
        found += [relative / name for name in names if os.path.splitext(name)[1] in LIBRARY_SUFFIXES]
    return found


def default_cache_dir() -> Path:
    """The user's cache directory for qabot (never the corpus folder, which may be read-only)."""
    import platformdirs  # ~3 ms to import, and not needed when the caller names the folder

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
    """The folder holding the index for `key` (see `store` for its files)."""
    return cache_dir / f"index-{key[:32]}"


def load_index(path: Path, key: str, settings: RetrieverSettings) -> Index | None:
    """The cached index if present and intact; a damaged, tampered or foreign one is reported and ignored."""
    if not path.is_dir():
        return None
    try:
        return store.load(path, key, settings)
    except store.StoreError as exc:
        log.warning("index cache %s is unusable (%s); rebuilding", path, exc)
        return None


def save_index(path: Path, key: str, index: Index, *, shared: bool = False) -> None:
    """Write atomically, so concurrent builders never leave a torn index; then prune old indexes.

    `shared` makes the files readable by other users (see `atomic`); by default only the owner can read them.
    """
    try:
        store.save(index, path, key, shared=shared)
    except OSError as exc:
        raise CacheError(f"cannot write index cache in {path.parent}: {exc.strerror or exc}") from exc
    except store.StoreError as exc:
        log.info("index not cached: %s", exc)
        return
    prune_old_indexes(path.parent)


def token_cache_path(cache_dir: Path) -> Path:
    """One token cache per library version; it is keyed inside by tokenizer settings and text."""
    return cache_dir / f"tokens-{pipeline_fingerprint()[:16]}.json"


def prune_old_indexes(cache_dir: Path) -> None:
    """Keep the newest MAX_CACHED_INDEXES index folders; one another process removed first is fine."""
    folders = []
    for folder in cache_dir.glob("index-*"):
        try:
            mtime = folder.stat().st_mtime
        except OSError:
            continue
        if folder.suffix == ".pkl" and folder.is_file():
            with contextlib.suppress(OSError):  # an older version's pickle: never read, only taking space
                folder.unlink()
            continue
        if not folder.is_dir():
            continue
        if not folder.suffix:
            folders.append((mtime, folder))
        elif time.time() - mtime > ABANDONED_AFTER_S:  # a crashed builder's temporary folder
            shutil.rmtree(folder, ignore_errors=True)
    for _, stale in sorted(folders, reverse=True)[MAX_CACHED_INDEXES:]:
        shutil.rmtree(stale, ignore_errors=True)

"""An `Index` as a folder of data files: JSON for records and metadata, `.npy` arrays for the backend.

Nothing in the folder can run code: JSON holds only lists, strings and numbers, and arrays are read with
`allow_pickle=False` (an object array is refused). Large arrays are memory-mapped read-only, so loading
costs next to nothing and replicas on one host share the pages. Every file is checked on the way in (format,
key, record fields and types, array dtypes and shapes, counts that must agree); any mismatch raises
`StoreError`. The manifest is written last, and the folder is filled under a temporary name and renamed
into place (`atomic.publish_folder`), so a reader sees a complete index or none.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np

from retrieval.index.atomic import atomic_write_bytes, file_mode, new_folder, publish_folder
from retrieval.index.backends import Backend, make_backend
from retrieval.index.bm25 import CompanionIndex, Index
from retrieval.index.records import field_names, from_rows, to_row
from retrieval.settings import RetrieverSettings
from retrieval.types import Chunk, Document

STORE_FORMAT = "qabot-index-5"
MANIFEST = "manifest.json"
# Arrays smaller than this are read into memory: mapping a page for a few numbers is not worth it.
MMAP_MIN_BYTES = 1 << 16


class StoreError(Exception):
    """A stored index that cannot be trusted (missing, foreign, inconsistent or tampered with)."""


def save(index: Index, folder: Path, key: str, *, shared: bool = False) -> None:
    """Write `index` as `folder` (replacing any previous one) without readers ever seeing half of it."""
    parts = {"word": index} | ({"bigram": index.bigram} if index.bigram is not None else {})
    tmp = new_folder(folder, shared=shared)
    try:
        corpus = {
            "document_fields": field_names(Document),
            "chunk_fields": field_names(Chunk),
            "documents": to_row(index.documents),
            "chunks": to_row(index.chunks),
            "skipped": to_row(index.skipped),
        }
        _write_json(tmp / "corpus.json", corpus, shared)
        for name, part in parts.items():
            _save_part(part, tmp, name, shared)
        manifest = {"format": STORE_FORMAT, "key": key, "parts": list(parts), "chunks": len(index.chunks)}
        _write_json(tmp / MANIFEST, manifest, shared)
        publish_folder(tmp, folder)
    except BaseException as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(exc, TypeError):  # a record field of a type JSON rows cannot hold
            raise StoreError(str(exc)) from exc
        raise


def load(folder: Path, key: str, settings: RetrieverSettings) -> Index:
    """The index stored in `folder` for `key`, with `settings`; StoreError when anything is off."""
    try:
        manifest = _read_json(folder / MANIFEST)
        if manifest.get("format") != STORE_FORMAT:
            raise StoreError(f"format {manifest.get('format')!r}, expected {STORE_FORMAT!r}")
        if manifest.get("key") != key:
            raise StoreError("stored for another corpus or settings")
        corpus = _read_json(folder / "corpus.json")
        if corpus.get("document_fields") != field_names(Document) or corpus.get(
            "chunk_fields"
        ) != field_names(Chunk):
            raise StoreError("record fields differ from this version's")
        documents = tuple(from_rows(Document, corpus.get("documents")))
        chunks = tuple(from_rows(Chunk, corpus.get("chunks")))
        skipped = tuple(from_rows(tuple[str, str], corpus.get("skipped")))
        if manifest.get("chunks") != len(chunks) or not chunks:
            raise StoreError("chunk count differs from the manifest")
        parts = manifest.get("parts")
        if parts not in (["word"], ["word", "bigram"]):
            raise StoreError(f"unexpected parts {parts!r}")
        index = _load_part(folder, "word", settings, documents, chunks, skipped)
        if "bigram" in parts:
            side = settings.bigram_companion()
            index.bigram = _load_part(folder, "bigram", side, documents, chunks, (), CompanionIndex)
        return index
    except StoreError:
        raise
    except Exception as exc:  # whatever a damaged file makes numpy or json raise, it is not to be trusted
        raise StoreError(f"{type(exc).__name__}: {exc}") from exc


def _save_part(index: Index, folder: Path, name: str, shared: bool) -> None:
    save_backend(index.backend, folder, name, shared=shared)
    terms = list(index.document_frequency)
    df = np.fromiter(index.document_frequency.values(), np.int64, len(terms))
    _write_array(folder / f"{name}.df.npy", df, shared)
    _write_json(folder / f"{name}.json", {"terms": terms, "ngrams": sorted(index.vocabulary_ngrams)}, shared)


def _load_part(
    folder: Path,
    name: str,
    settings: RetrieverSettings,
    documents: tuple[Document, ...],
    chunks: tuple[Chunk, ...],
    skipped: tuple[tuple[str, str], ...],
    kind: type[Index] = Index,
) -> Index:
    backend = load_backend(folder, name, settings, len(chunks))
    description = _read_json(folder / f"{name}.json")
    terms, ngrams, df = (
        description.get("terms"),
        description.get("ngrams"),
        _read_array(folder / f"{name}.df.npy"),
    )
    if not (isinstance(terms, list) and all(type(t) is str for t in terms)):
        raise StoreError(f"{name}: terms")
    if not (isinstance(ngrams, list) and all(type(g) is str for g in ngrams)):
        raise StoreError(f"{name}: ngrams")
    if (
        df.dtype != np.int64
        or df.shape != (len(terms),)
        or (len(df) and not 0 < df.min() <= df.max() <= len(chunks))
    ):
        raise StoreError(f"{name}: document frequencies")
    frequency = dict(zip(terms, df.tolist(), strict=True))
    if len(frequency) != len(terms):
        raise StoreError(f"{name}: duplicate terms")
    return kind(settings, documents, chunks, frequency, frozenset(ngrams), backend, skipped)


def save_backend(backend: Backend, folder: Path, name: str, *, shared: bool = False) -> None:
    """A backend's state as `{name}.backend.json` and `{name}.<array>.npy` files in `folder`."""
    if not hasattr(backend, "state"):
        raise StoreError(f"the {backend.name} backend cannot be stored")
    meta, arrays = backend.state()
    for array_name, array in arrays.items():
        _write_array(folder / f"{name}.{array_name}.npy", array, shared)
    description = {"backend": backend.name, "state": meta, "arrays": sorted(arrays)}
    _write_json(folder / f"{name}.backend.json", description, shared)


def load_backend(folder: Path, name: str, settings: RetrieverSettings, size: int) -> Backend:
    """The backend `save_backend` stored, for `settings` and a corpus of `size` chunks; StoreError if off."""
    description = _read_json(folder / f"{name}.backend.json")
    if description.get("backend") != settings.backend:
        raise StoreError(f"{name}: backend {description.get('backend')!r}, expected {settings.backend!r}")
    meta, array_names = description.get("state"), description.get("arrays")
    if not isinstance(meta, dict) or meta.get("size") != size:
        raise StoreError(f"{name}: backend size differs from the chunk count")
    if not (isinstance(array_names, list) and all(type(a) is str and a.isidentifier() for a in array_names)):
        raise StoreError(f"{name}: array list")
    arrays = {a: _read_array(folder / f"{name}.{a}.npy") for a in array_names}
    backend = make_backend(
        settings.backend, variant=settings.variant, k1=settings.k1, b=settings.b, epsilon=settings.epsilon
    )
    if not hasattr(backend, "restore"):
        raise StoreError(f"the {backend.name} backend cannot be restored")
    backend.restore((meta, arrays))
    return backend


def _write_json(path: Path, value: object, shared: bool) -> None:
    atomic_write_bytes(
        path, json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode(), shared=shared
    )


def _read_json(path: Path) -> dict[str, Any]:
    value = json.loads(path.read_bytes())
    if not isinstance(value, dict):
        raise StoreError(f"{path.name} is not a JSON object")
    return value


def _write_array(path: Path, array: np.ndarray, shared: bool) -> None:
    if array.dtype.hasobject:
        raise StoreError(f"refusing to store an object array as {path.name}")
    with path.open("xb") as fh:  # the folder is fresh and private to this writer
        np.save(fh, np.ascontiguousarray(array), allow_pickle=False)
    path.chmod(file_mode(shared))


def _read_array(path: Path) -> np.ndarray:
    big = path.stat().st_size >= MMAP_MIN_BYTES
    array = np.load(path, mmap_mode="r" if big else None, allow_pickle=False)
    if not isinstance(array, np.ndarray) or array.dtype.hasobject:
        if hasattr(array, "close"):  # an .npz archive keeps its file open
            array.close()
        raise StoreError(f"{path.name} is not a plain array")
    return array

"""Walk the corpus folder, read each file with its format's reader, normalize it, drop duplicates."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePath

from retrieval.errors import CorpusError
from retrieval.ingest.markdown import read_markdown
from retrieval.ingest.names import display_name, doc_id_for, unique_doc_ids
from retrieval.ingest.text import read_text
from retrieval.ingest.walk import CorpusScan, SkippedFile, scan_corpus
from retrieval.normalize import normalize_document
from retrieval.types import Document

log = logging.getLogger(__name__)

# One reader per file format: path -> (raw text, encoding), before normalization.
READERS: dict[str, Callable[[Path], tuple[str, str]]] = {".txt": read_text, ".md": read_markdown}
CORPUS_SUFFIXES = tuple(READERS)


# Called after each file is read with (bytes read so far, bytes in all files): front ends draw a bar.
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Corpus:
    documents: tuple[Document, ...]
    skipped: tuple[SkippedFile, ...]
    duplicates: tuple[tuple[str, str], ...]  # (doc_id indexed once, doc_id of the duplicate dropped)


def scan(corpus_dir: Path) -> CorpusScan:
    """The files ingestion reads and the entries it leaves out (one list for the cache key and the read)."""
    return scan_corpus(corpus_dir, CORPUS_SUFFIXES)


def corpus_files(corpus_dir: Path) -> list[Path]:
    """Every readable speech file under the folder, in a stable order; hidden folders (and eval/) excluded."""
    return [f.path for f in scan(corpus_dir).files]


def read_document(
    path: Path, corpus_dir: Path, doc_id: str | None = None, real: Path | None = None
) -> Document:
    """One file as a normalized Document; `real` is the regular file behind a link inside the folder."""
    text, encoding = READERS[path.suffix.lower()](real or path)
    normalized = normalize_document(text)
    if not normalized.text.strip():
        raise ValueError("no speech text left after removing site boilerplate")
    return Document(
        doc_id=doc_id or doc_id_for(path, corpus_dir),
        path=display_name(path.relative_to(corpus_dir)),
        title=normalized.title or display_name(PurePath(path.stem)),
        text=normalized.text,
        encoding=encoding,
        cuts=normalized.cuts,
        report=normalized.report,
        damaged=normalized.damaged,
    )


def iter_documents(corpus_dir: Path, progress: Progress | None = None) -> Iterator[Document | SkippedFile]:
    found = scan(corpus_dir)
    yield from found.skipped
    ids = unique_doc_ids([f.path for f in found.files], corpus_dir)
    total, done = sum(f.size for f in found.files), 0
    for file in found.files:
        try:
            yield read_document(file.path, corpus_dir, ids[file.path], file.real)
        except UnicodeDecodeError:
            yield SkippedFile(file.name, "cannot decode: not UTF-8/UTF-16, GB18030/GBK or Big5 text")
        except OSError as exc:  # str(exc) would show the absolute server path
            yield SkippedFile(file.name, f"cannot read: {exc.strerror or type(exc).__name__}")
        except ValueError as exc:
            yield SkippedFile(file.name, str(exc))
        done += file.size
        if progress is not None:
            progress(done, total)


def load_corpus(corpus_dir: Path, progress: Progress | None = None) -> Corpus:
    """Read the whole folder; skipped files are logged with a reason, duplicates indexed once."""
    documents: list[Document] = []
    skipped: list[SkippedFile] = []
    duplicates: list[tuple[str, str]] = []
    seen: dict[str, str] = {}
    for item in iter_documents(corpus_dir, progress):
        if isinstance(item, SkippedFile):
            log.warning("skipped %s: %s", item.path, item.reason)
            skipped.append(item)
            continue
        key = hashlib.sha256(item.text.encode()).hexdigest()
        if key in seen:
            log.warning("skipped %s: same text as %s", item.path, seen[key])
            duplicates.append((seen[key], item.doc_id))
            continue
        seen[key] = item.doc_id
        documents.append(item)
    if not documents:
        raise CorpusError(f"no readable speeches (*.txt, *.md) in {corpus_dir}")
    return Corpus(tuple(documents), tuple(skipped), tuple(duplicates))

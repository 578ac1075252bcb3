"""Walk the corpus folder, read each file with its format's reader, normalize it, drop duplicates."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from retrieval.errors import CorpusError
from retrieval.ingest.markdown import read_markdown
from retrieval.ingest.text import read_text
from retrieval.normalize import normalize_document
from retrieval.types import Document

log = logging.getLogger(__name__)

# One reader per file format: path -> (raw text, encoding), before normalization.
READERS: dict[str, Callable[[Path], tuple[str, str]]] = {".txt": read_text, ".md": read_markdown}
CORPUS_SUFFIXES = tuple(READERS)


@dataclass(frozen=True)
class SkippedFile:
    path: str
    reason: str


@dataclass(frozen=True)
class Corpus:
    documents: tuple[Document, ...]
    skipped: tuple[SkippedFile, ...]
    duplicates: tuple[tuple[str, str], ...]  # (doc_id indexed once, doc_id of the duplicate dropped)


def corpus_files(corpus_dir: Path) -> list[Path]:
    """Every readable speech file under the folder, in a stable order; hidden folders (and eval/) excluded."""
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus folder not found: {corpus_dir}")
    files = []
    for path in sorted(corpus_dir.rglob("*")):
        rel = path.relative_to(corpus_dir)
        if any(part.startswith(".") for part in rel.parts) or rel.parts[0] == "eval":
            continue
        if path.is_file() and path.suffix.lower() in CORPUS_SUFFIXES and path.name.lower() != "readme.md":
            files.append(path)
    return files


def doc_id_for(path: Path, corpus_dir: Path) -> str:
    """Stable id from the file's path within the corpus: its name without suffix, path-separated if nested."""
    rel = path.relative_to(corpus_dir).with_suffix("")
    return (
        "/".join(re.sub(r"[^\w.-]+", "_", part) for part in rel.parts).strip("_")
        or hashlib.sha1(str(rel).encode()).hexdigest()[:12]
    )


def read_document(path: Path, corpus_dir: Path) -> Document:
    text, encoding = READERS[path.suffix.lower()](path)
    normalized = normalize_document(text)
    if not normalized.text.strip():
        raise ValueError("no speech text left after removing site boilerplate")
    return Document(
        doc_id=doc_id_for(path, corpus_dir),
        path=str(path.relative_to(corpus_dir)),
        title=normalized.title or path.stem,
        text=normalized.text,
        encoding=encoding,
        cuts=normalized.cuts,
        report=normalized.report,
        damaged=normalized.damaged,
    )


def iter_documents(corpus_dir: Path) -> Iterator[Document | SkippedFile]:
    for path in corpus_files(corpus_dir):
        rel = str(path.relative_to(corpus_dir))
        try:
            yield read_document(path, corpus_dir)
        except UnicodeDecodeError:
            yield SkippedFile(rel, "cannot decode: not UTF-8/UTF-16, GB18030/GBK or Big5 text")
        except (ValueError, OSError) as exc:
            yield SkippedFile(rel, str(exc))


def load_corpus(corpus_dir: Path) -> Corpus:
    """Read the whole folder; skipped files are logged with a reason, duplicates indexed once."""
    documents: list[Document] = []
    skipped: list[SkippedFile] = []
    duplicates: list[tuple[str, str]] = []
    seen: dict[str, str] = {}
    for item in iter_documents(corpus_dir):
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

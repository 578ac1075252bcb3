"""Walk the corpus folder, read each file with its format's reader, normalize it, drop duplicates."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePath

from retrieval.errors import CorpusError
from retrieval.ingest.attribution import find_attribution
from retrieval.ingest.dates import find_date
from retrieval.ingest.doccache import DocumentCache
from retrieval.ingest.names import display_name, doc_id_for, unique_doc_ids
from retrieval.ingest.raw import RawDocument
from retrieval.ingest.readers import READERS, read_raw
from retrieval.ingest.reasons import SkipError, skip_reason
from retrieval.ingest.walk import CorpusFile, CorpusScan, SkippedFile, scan_corpus
from retrieval.normalize import normalize_document
from retrieval.types import Document

log = logging.getLogger(__name__)

CORPUS_SUFFIXES = tuple(READERS)
# Sidecar next to a file (written by the bot for uploads): {"original_name": …}, a title of last resort.
SIDECAR_SUFFIX = ".meta.json"
# progress(files done, files in all, file just read) — front ends draw a bar; the library never prints.
Progress = Callable[[int, int, str], None]


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


def sidecar_title(path: Path) -> str:
    """The original file name's stem from the file's sidecar, if it has one (bot uploads do)."""
    sidecar = path.with_name(path.name + SIDECAR_SUFFIX)
    if not sidecar.is_file() or sidecar.is_symlink():
        return ""
    try:
        meta = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    name = meta.get("original_name") if isinstance(meta, dict) else None
    return Path(name).stem.strip() if isinstance(name, str) else ""


def read_document(
    path: Path, corpus_dir: Path, doc_id: str | None = None, real: Path | None = None
) -> Document:
    """One file as a normalized Document; `real` is the regular file behind a link inside the folder."""
    raw = read_raw(real or path)
    normalized = normalize_document(raw.text)
    if not normalized.text.strip():
        raise SkipError("only-boilerplate")
    stem = display_name(PurePath(path.stem))
    title = raw.title or normalized.title or raw.fallback_title or sidecar_title(path) or stem
    cuts, report = normalized.cuts, normalized.report
    title = " ".join(title.split())
    attribution = find_attribution(title, normalized.text, raw.author, raw.subject)
    if raw.complete and report.truncated and "truncation_notice" not in report.boilerplate_removed:
        # an office file ending in a table or signature line was not cut off by a web site
        cuts = tuple(c for c in cuts if c != len(normalized.text))
        report = dataclasses.replace(report, truncated=False)
    return Document(
        doc_id=doc_id or doc_id_for(path, corpus_dir),
        path=display_name(path.relative_to(corpus_dir)),
        title=title,
        text=normalized.text,
        encoding=raw.encoding,
        cuts=cuts,
        report=report,
        damaged=normalized.damaged,
        date=find_date(raw.text) or raw.date,
        headings=styled_headings(raw),
        speaker=attribution.speaker,
        occasion=attribution.occasion,
    )


def styled_headings(raw: RawDocument) -> tuple[tuple[int, str], ...]:
    """The reader's style-marked headings as the normalized text spells them (NFKC, collapsed spaces)."""
    out = ((level, " ".join(unicodedata.normalize("NFKC", line).split())) for level, line in raw.headings)
    return tuple((level, line) for level, line in out if line)


def _cached_read(file: CorpusFile, corpus_dir: Path, doc_id: str, cache: DocumentCache | None) -> Document:
    if cache is None:
        return read_document(file.path, corpus_dir, doc_id, file.real)
    sidecar = file.path.with_name(file.path.name + SIDECAR_SUFFIX)
    extra = sidecar.read_bytes() if sidecar.is_file() and not sidecar.is_symlink() else b""
    # the raw name bytes, printable and unique (a name need not be UTF-8)
    rel = os.fsencode(file.path.relative_to(corpus_dir)).decode("utf-8", "backslashreplace")
    key = cache.key(rel, file.real.read_bytes(), extra)
    document = cache.get(key)
    if document is None:
        document = read_document(file.path, corpus_dir, doc_id, file.real)
        cache.put(key, document)
    # ids depend on which other names collide, which can change while a file does not
    return document if document.doc_id == doc_id else dataclasses.replace(document, doc_id=doc_id)


def iter_documents(
    corpus_dir: Path, progress: Progress | None = None, cache: DocumentCache | None = None
) -> Iterator[Document | SkippedFile]:
    found = scan(corpus_dir)
    yield from found.skipped
    ids = unique_doc_ids([f.path for f in found.files], corpus_dir)
    for done, file in enumerate(found.files, start=1):
        try:
            yield _cached_read(file, corpus_dir, ids[file.path], cache)
        except UnicodeDecodeError:
            yield SkippedFile(file.name, skip_reason("undecodable"))
        except OSError as exc:  # str(exc) would show the absolute server path
            yield SkippedFile(file.name, skip_reason("unreadable", detail=exc.strerror or type(exc).__name__))
        except ValueError as exc:
            yield SkippedFile(file.name, str(exc))
        if progress is not None:
            progress(done, len(found.files), file.name)


def load_corpus(
    corpus_dir: Path, progress: Progress | None = None, cache: DocumentCache | None = None
) -> Corpus:
    """Read the whole folder (documents unchanged since the last run come from `cache`); skipped files are
    logged with a reason, duplicates indexed once."""
    documents: list[Document] = []
    skipped: list[SkippedFile] = []
    duplicates: list[tuple[str, str]] = []
    seen: dict[str, str] = {}
    for item in iter_documents(corpus_dir, progress, cache):
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
        raise CorpusError(
            f"no readable speeches ({', '.join('*' + s for s in CORPUS_SUFFIXES)}) in {corpus_dir}"
        )
    return Corpus(tuple(documents), tuple(skipped), tuple(duplicates))

"""Find corpus files, decode them whatever their encoding, and turn them into normalized `Document`s."""

from __future__ import annotations

import codecs
import hashlib
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

from retrieval.errors import CorpusError
from retrieval.markdown import strip_markdown
from retrieval.normalize import normalize_document
from retrieval.types import Document

log = logging.getLogger(__name__)

CORPUS_SUFFIXES = (".txt", ".md")
# Chinese encodings we accept from the detector; another guess (shift_jis, latin_1 …) on a Chinese speech
# is a misdetection. GB2312/GBK guesses decode as their superset GB18030.
DETECTED_ENCODINGS = {
    "utf_16": "utf_16",
    "utf_32": "utf_32",
    "gb18030": "gb18030",
    "gbk": "gb18030",
    "gb2312": "gb18030",
    "cp936": "gb18030",
    "hz": "hz",
    "big5": "big5hkscs",
    "big5hkscs": "big5hkscs",
    "cp950": "cp950",
}
# Tried strictly, in order, when the detector has no Chinese guess.
FALLBACK_ENCODINGS = ("gb18030", "big5hkscs")
# More control characters than this share of the text means the file is not text at all.
MAX_CONTROL_SHARE = 0.01
_BOMS = (
    (codecs.BOM_UTF8, "utf_8_sig"),
    (codecs.BOM_UTF32_LE, "utf_32"),
    (codecs.BOM_UTF32_BE, "utf_32"),
    (codecs.BOM_UTF16_LE, "utf_16"),
    (codecs.BOM_UTF16_BE, "utf_16"),
)


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


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode with a BOM if present, else strict UTF-8, else the detector's Chinese guesses, else GB18030
    or Big5 — whichever decodes strictly into text."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding), encoding.replace("_sig", "-sig")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    guesses = [DETECTED_ENCODINGS[m.encoding] for m in from_bytes(data) if m.encoding in DETECTED_ENCODINGS]
    for encoding in dict.fromkeys([*guesses, *FALLBACK_ENCODINGS]):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return text, encoding
    raise UnicodeDecodeError("unknown", data[:1], 0, 1, "no Chinese encoding decodes this file")


def _looks_like_text(text: str) -> bool:
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    return controls <= MAX_CONTROL_SHARE * max(len(text), 1)


def doc_id_for(path: Path, corpus_dir: Path) -> str:
    """Stable id from the file's path within the corpus: its name without suffix, path-separated if nested."""
    rel = path.relative_to(corpus_dir).with_suffix("")
    return (
        "/".join(re.sub(r"[^\w.-]+", "_", part) for part in rel.parts).strip("_")
        or hashlib.sha1(str(rel).encode()).hexdigest()[:12]
    )


def read_document(path: Path, corpus_dir: Path) -> Document:
    data = path.read_bytes()
    if not data.strip():
        raise ValueError("empty file")
    text, encoding = decode_bytes(data)
    if path.suffix.lower() == ".md":
        text = strip_markdown(text)
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

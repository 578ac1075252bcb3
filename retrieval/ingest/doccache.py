"""Read documents remembered across runs, so adding one file to a big folder does not re-read the rest.

Parsing a .docx or a PDF and normalizing its text is most of the cost of ingesting a folder; the result
depends only on the file's bytes, its path in the corpus (doc_id), its sidecar, and the library's code.
The caller names the cache file with a fingerprint of the code (`retrieval.retriever` does), entries are
keyed by sha256 of the rest. The file is JSON data validated on load — a bad file is a warning and a
re-read, never code — written atomically, and holds only the documents of the last run.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

from retrieval.types import Document, NormalizationReport

log = logging.getLogger(__name__)

FORMAT = "qabot-documents-2"  # 2: Document.speaker, Document.occasion


def _tuples(value: Any) -> Any:
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


def document_from_data(data: dict[str, Any]) -> Document:
    """A Document from `dataclasses.asdict` output after a JSON round trip (lists back to tuples)."""
    report = NormalizationReport(**{k: _tuples(v) for k, v in data.pop("report").items()})
    return Document(**{k: _tuples(v) for k, v in data.items()}, report=report)


class DocumentCache:
    """sha256(path, bytes, sidecar) -> Document, loaded from and saved to one JSON file."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.stored: dict[str, Any] = {}
        self.used: dict[str, Any] = {}
        if path is not None and path.is_file():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                if data.get("format") == FORMAT and isinstance(data.get("documents"), dict):
                    self.stored = data["documents"]
            except (OSError, ValueError, AttributeError) as exc:
                log.warning("document cache %s is unreadable (%s); reading every file", path, exc)

    @staticmethod
    def key(rel_path: str, data: bytes, sidecar: bytes) -> str:
        digest = hashlib.sha256(rel_path.encode() + b"\0")
        digest.update(hashlib.sha256(data).digest() + hashlib.sha256(sidecar).digest())
        return digest.hexdigest()

    def get(self, key: str) -> Document | None:
        entry = self.stored.get(key)
        if not isinstance(entry, dict):
            return None
        try:
            document = document_from_data(dict(entry))
        except (TypeError, KeyError, AttributeError):
            return None  # written by another layout: read the file again
        self.used[key] = entry
        return document

    def put(self, key: str, document: Document) -> None:
        self.used[key] = dataclasses.asdict(document)

    def remember(self, rel_path: str, data: bytes, sidecar: bytes, document: Document) -> None:
        """Add a document read elsewhere (the bot reads uploads in a child process) to the file, keeping
        every entry it holds, so the next load reuses it instead of reading the file again."""
        entry = dataclasses.asdict(document)
        self.used = {**self.stored, **self.used, self.key(rel_path, data, sidecar): entry}
        self.save()

    def save(self) -> None:
        """Write the documents of this run (atomically); a read-only cache folder only costs speed."""
        if self.path is None or self.used == self.stored:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=self.path.name, suffix=".tmp", dir=self.path.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump({"format": FORMAT, "documents": self.used}, fh, ensure_ascii=False)
            os.replace(tmp, self.path)
        except OSError as exc:
            log.warning("cannot write document cache %s: %s", self.path, exc.strerror or exc)

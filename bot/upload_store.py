"""Documents admins add through the bot: checked, then saved into the corpus folder under a name of ours.

A file is written to a hidden staging folder inside the corpus (hidden folders are never indexed), read
there exactly as the corpus reader will read it — in a child process with a time limit and a page cap
(`bot.upload_parse`) — and only then moved into place with `os.replace` (atomic
on one filesystem). The saved name is `upload-<sha256[:12]><detected suffix>`: nothing of the user's file
name reaches a path. The original name, who sent it and when go into a JSON sidecar next to it
(`<name>.meta.json`, which ingest uses only as a title of last resort).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from bot.upload_parse import ParseLimits, ParseRefused, parse_upload
from retrieval.ingest import SIDECAR_SUFFIX, DocumentCache, detect_format
from retrieval.types import Document

PREFIX = "upload-"
STAGING = ".uploads-staging"
# What an upload may be, by content: the office formats, web pages, or plain text in a Chinese encoding.
ACCEPTED = (".pdf", ".docx", ".doc", ".html")
TEXT_SUFFIX = ".txt"


class UploadError(Exception):
    """The upload was refused and nothing was saved. `key` names the reply in `bot.texts`, `values` fill
    it; a `reason` value is a coded reading reason (English), which the reply shows in Chinese."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key, values)
        self.key = key
        self.values = values


@dataclass(frozen=True)
class Upload:
    name: str  # file name inside the corpus folder (also the doc_id without its suffix)
    original_name: str
    uploaded_by: int
    uploaded_at: str

    @property
    def doc_id(self) -> str:
        return Path(self.name).stem


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def save_upload(
    corpus_dir: Path,
    data: bytes,
    original_name: str,
    user_id: int,
    limits: ParseLimits,
    cache: DocumentCache | None = None,
) -> tuple[Upload, Document]:
    """Check and save one uploaded file; UploadError (corpus untouched) when it cannot be indexed.

    The child's Document goes into `cache` (the documents cache the bot's index is built with), so the
    re-index that follows reuses it and the bot process itself never parses the upload."""
    digest = hashlib.sha256(data).hexdigest()[:12]
    staging = corpus_dir / STAGING
    try:
        staging.mkdir(exist_ok=True)
    except OSError as exc:
        raise UploadError("upload_cannot_write", detail=exc.strerror or type(exc).__name__) from exc
    probe = staging / f"{digest}.part"
    try:
        probe.write_bytes(data)
        fmt = detect_format(probe)
        if fmt is not None and fmt not in ACCEPTED:
            raise UploadError("upload_unsupported")
        name = f"{PREFIX}{digest}{fmt or TEXT_SUFFIX}"
        if (corpus_dir / name).exists():
            raise UploadError("upload_exists")
        staged = staging / name
        os.replace(probe, staged)
        upload = Upload(name, original_name, user_id, dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
        meta = {"original_name": original_name, "uploaded_by": user_id, "uploaded_at": upload.uploaded_at}
        sidecar = json.dumps(meta, ensure_ascii=False).encode()
        # the sidecar beside the staged file too: the child reads exactly what the corpus will hold
        _write_atomic(staging / (name + SIDECAR_SUFFIX), sidecar)
        try:
            document = parse_upload(staged, limits)
        except ParseRefused as exc:
            raise UploadError(
                "upload_not_text" if exc.not_text else "upload_refused", reason=exc.reason
            ) from exc
        if cache is not None:
            cache.remember(name, data, sidecar, document)
        _write_atomic(corpus_dir / (name + SIDECAR_SUFFIX), sidecar)
        os.replace(staged, corpus_dir / name)
        return upload, document
    except OSError as exc:
        raise UploadError("upload_cannot_save", detail=exc.strerror or type(exc).__name__) from exc
    finally:
        for leftover in staging.iterdir():
            with contextlib.suppress(OSError):
                leftover.unlink()
        with contextlib.suppress(OSError):
            staging.rmdir()


def list_uploads(corpus_dir: Path) -> list[Upload]:
    """Documents added through the bot that are still in the corpus, oldest first."""
    uploads = []
    for sidecar in corpus_dir.glob(f"{PREFIX}*{SIDECAR_SUFFIX}"):
        name = sidecar.name[: -len(SIDECAR_SUFFIX)]
        document = corpus_dir / name
        if sidecar.is_symlink() or not sidecar.is_file() or not document.is_file():
            continue
        try:
            meta = json.loads(sidecar.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(meta, dict):
            uploads.append(
                Upload(
                    name,
                    str(meta.get("original_name", "")),
                    int(meta.get("uploaded_by", 0) or 0),
                    str(meta.get("uploaded_at", "")),
                )
            )
    return sorted(uploads, key=lambda u: (u.uploaded_at, u.name))


def remove_upload(corpus_dir: Path, upload: Upload) -> None:
    """Delete an added document and its sidecar (the document first: a lone sidecar is ignored)."""
    (corpus_dir / upload.name).unlink(missing_ok=True)
    (corpus_dir / (upload.name + SIDECAR_SUFFIX)).unlink(missing_ok=True)

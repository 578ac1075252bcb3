"""Which files of the corpus folder may be read: regular files whose real path stays inside the folder.

Everything else a folder can hold — symbolic links out of it, dangling links, link loops, FIFOs, devices,
sockets, subfolders that cannot be listed — is left out with a reason, so `qabot check` can report it.
The walk never follows a link to a folder and never opens anything (opening a FIFO would block).
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from retrieval.errors import CorpusError
from retrieval.ingest.names import display_name
from retrieval.ingest.reasons import skip_reason

# Folders under the corpus that hold no speeches: the dev set and its helpers.
EXCLUDED_FOLDERS = frozenset({"eval"})
README_NAME = "readme.md"


@dataclass(frozen=True)
class SkippedFile:
    path: str  # relative to the corpus folder, printable
    reason: str


@dataclass(frozen=True)
class CorpusFile:
    path: Path  # as found under the corpus folder
    real: Path  # the regular file it is (differs from `path` for a link inside the folder)
    name: str  # relative to the corpus folder, printable (undecodable bytes in names repaired)
    size: int


@dataclass(frozen=True)
class CorpusScan:
    files: tuple[CorpusFile, ...]
    skipped: tuple[SkippedFile, ...]


def scan_corpus(corpus_dir: Path, suffixes: tuple[str, ...]) -> CorpusScan:
    """Every readable speech file under the folder in a stable order, and what was left out and why.
    Hidden entries and eval/ are not speeches and are passed over silently, as are other suffixes."""
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus folder not found: {corpus_dir}")
    root = corpus_dir.resolve()
    files: list[CorpusFile] = []
    skipped: list[SkippedFile] = []
    pending = [corpus_dir]
    while pending:
        folder = pending.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError as exc:
            skipped.append(
                SkippedFile(_name(folder, corpus_dir), skip_reason("folder-unlistable", detail=_why(exc)))
            )
            continue
        for entry in entries:
            path = Path(entry.path)
            if entry.name.startswith(".") or (folder == corpus_dir and entry.name in EXCLUDED_FOLDERS):
                continue
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError as exc:  # removed while we looked, or an unreadable entry
                skipped.append(
                    SkippedFile(_name(path, corpus_dir), skip_reason("uninspectable", detail=_why(exc)))
                )
                continue
            if stat.S_ISDIR(info.st_mode):
                pending.append(path)
                continue
            wanted = path.suffix.lower() in suffixes and entry.name.lower() != README_NAME
            if stat.S_ISLNK(info.st_mode):
                found = _follow_link(path, root, corpus_dir, wanted)
                if isinstance(found, SkippedFile):
                    skipped.append(found)
                elif found is not None:
                    files.append(found)
            elif not wanted:
                continue
            elif stat.S_ISREG(info.st_mode):
                files.append(CorpusFile(path, path, _name(path, corpus_dir), info.st_size))
            else:
                skipped.append(
                    SkippedFile(_name(path, corpus_dir), skip_reason("not-regular", kind=_kind(info)))
                )
    files.sort(key=lambda f: f.path)
    skipped.sort(key=lambda s: s.path)
    return CorpusScan(tuple(files), tuple(skipped))


def _follow_link(path: Path, root: Path, corpus_dir: Path, wanted: bool) -> CorpusFile | SkippedFile | None:
    """A link is read only when it ends at a regular file inside the corpus folder."""
    name = _name(path, corpus_dir)
    try:
        real = path.resolve(strict=True)
    except RuntimeError:  # Python < 3.13 reports a loop this way
        return SkippedFile(name, skip_reason("link-loop")) if wanted else None
    except OSError as exc:
        if not wanted:
            return None
        if exc.errno == errno.ENOENT:
            return SkippedFile(name, skip_reason("link-dangling"))
        if exc.errno == errno.ELOOP:
            return SkippedFile(name, skip_reason("link-loop"))
        return SkippedFile(name, skip_reason("link-unfollowable", detail=_why(exc)))
    try:
        info = real.stat()
    except OSError as exc:
        return SkippedFile(name, skip_reason("uninspectable", detail=_why(exc))) if wanted else None
    if stat.S_ISDIR(info.st_mode):
        # a folder inside is read where it really is; one outside is not part of the corpus
        return SkippedFile(name, skip_reason("link-to-folder"))
    if not wanted:
        return None
    if not real.is_relative_to(root):
        return SkippedFile(name, skip_reason("link-outside"))
    if not wanted:
        return None
    if not stat.S_ISREG(info.st_mode):
        return SkippedFile(name, skip_reason("not-regular", kind=_kind(info)))
    return CorpusFile(path, real, name, info.st_size)


def _kind(info: os.stat_result) -> str:
    mode = info.st_mode
    if stat.S_ISFIFO(mode):
        return "FIFO"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    return "special file"


def _why(exc: OSError) -> str:
    # strerror only: str(exc) carries the absolute server path, which users must not see
    return exc.strerror or type(exc).__name__


def _name(path: Path, corpus_dir: Path) -> str:
    return display_name(path.relative_to(corpus_dir))

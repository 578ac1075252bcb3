"""Crash- and race-safe writes shared by the index and token caches, with a chosen file mode.

Caches are private by default (files 0600, folders 0700): whoever can write them decides what the bot
answers. `shared=True` makes them readable by other users (0644 / 0755), for replicas running under
another uid that read one cache folder; they are still written only by their owner.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path


def file_mode(shared: bool) -> int:
    return 0o644 if shared else 0o600


def folder_mode(shared: bool) -> int:
    return 0o755 if shared else 0o700


def atomic_write_bytes(path: Path, data: bytes, *, shared: bool = False) -> None:
    """Write to a temporary file in the same folder, then rename: readers never see a torn file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, file_mode(shared))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def new_folder(final: Path, *, shared: bool = False) -> Path:
    """An empty temporary folder beside `final`, to fill and then `publish_folder`."""
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=final.name + ".", suffix=".tmp", dir=final.parent))
    os.chmod(tmp, folder_mode(shared))
    return tmp


def publish_folder(tmp: Path, final: Path) -> None:
    """Rename a filled temporary folder into place; an existing folder is moved aside and removed.

    A concurrent builder may win the race: its folder then stays and ours is discarded (both hold the
    same content, since the name is the content key).
    """
    if final.exists():
        old = Path(tempfile.mkdtemp(prefix=final.name + ".", suffix=".old", dir=final.parent))
        with contextlib.suppress(OSError):  # another process removed or replaced it first
            os.replace(final, old / "x")
        shutil.rmtree(old, ignore_errors=True)
    try:
        os.replace(tmp, final)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
        if not final.is_dir():
            raise

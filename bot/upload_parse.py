"""An uploaded file is read in a child process with a wall-clock limit, so a hostile or huge file cannot
stall the bot: the child is started with `spawn` (a fresh interpreter, nothing of the bot's state), in its
own session, and killed with its whole process group (an antiword it started included) when the limit
passes. A PDF with more pages than the cap is refused before its text is read. The child answers with
JSON over a pipe (data, never pickle): the Document as `dataclasses.asdict`, or the reason it was refused.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import multiprocessing
import os
import signal
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from retrieval.ingest import SkipError, detect_format, document_from_data, read_document, skip_reason
from retrieval.types import Document

# path, page cap -> the Document as JSON-ready data; raises ValueError/OSError when it cannot be read
Worker = Callable[[str, int], dict[str, Any]]


@dataclass(frozen=True)
class ParseLimits:
    seconds: float
    max_pages: int


class ParseRefused(Exception):
    """The file cannot be indexed: `reason` is a coded reason's English wording (retrieval.ingest.reasons),
    or `not_text` is set for a file that is neither a document nor text in an encoding we read."""

    def __init__(self, reason: str = "", *, not_text: bool = False) -> None:
        super().__init__(reason or "not a document and not text")
        self.reason = reason
        self.not_text = not_text


def _pages(path: Path) -> int | None:
    from retrieval.ingest.pdf import page_count

    try:
        return page_count(path)
    except Exception:  # damaged or locked: reading it says why, in its own words
        return None


def check_file(path: str, max_pages: int) -> dict[str, Any]:
    """In the child: the file read exactly as the corpus reader will read it, as data."""
    file = Path(path)
    if detect_format(file) == ".pdf" and (pages := _pages(file)) is not None and pages > max_pages:
        raise SkipError("pdf-too-many-pages", pages=pages, limit=max_pages)
    return dataclasses.asdict(read_document(file, file.parent))


def _child(worker: Worker, path: str, max_pages: int, out: Connection) -> None:
    os.setsid()  # its own process group: the parent kills it and anything it started at once
    try:
        result: dict[str, Any] = {"document": worker(path, max_pages)}
    except UnicodeDecodeError:
        result = {"not_text": True}
    except ValueError as exc:
        result = {"reason": str(exc)}
    except OSError as exc:  # str(exc) would carry the server path: strerror only
        result = {"reason": skip_reason("unreadable", detail=exc.strerror or type(exc).__name__)}
    out.send_bytes(json.dumps(result, ensure_ascii=False).encode())
    out.close()


def _kill(process: multiprocessing.process.BaseProcess) -> None:
    if process.pid is not None and process.is_alive():
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        process.kill()
    process.join()


def parse_upload(path: Path, limits: ParseLimits, worker: Worker | None = None) -> Document:
    """The Document the file makes, read in a child process; ParseRefused when it cannot be indexed, took
    longer than `limits.seconds` (the child is killed) or the child died."""
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(
        target=_child, args=(worker or check_file, str(path), limits.max_pages, send), daemon=True
    )
    process.start()
    send.close()  # the child holds the only writing end: its death is an EOF here
    try:
        if not receive.poll(limits.seconds):
            raise ParseRefused(skip_reason("parse-timeout", seconds=f"{limits.seconds:g}"))
        try:
            result = json.loads(receive.recv_bytes())
        except EOFError:
            process.join(timeout=5)
            raise ParseRefused(skip_reason("parse-crashed", detail=f"exit {process.exitcode}")) from None
    finally:
        _kill(process)
        receive.close()
    if "document" in result:
        return document_from_data(result["document"])
    raise ParseRefused(str(result.get("reason", "")), not_text=bool(result.get("not_text")))

"""Reader for legacy Word 97-2003 .doc files through an external converter, when one is installed.

`antiword` (Debian package `antiword`) first, else LibreOffice headless (`soffice`); with neither the file
is skipped and the user is told to save it as .docx. Each tool runs with an argument list (no shell), a
timeout, and only the corpus file's own absolute path as input; LibreOffice writes into a private
temporary folder with its own throwaway profile.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from retrieval.ingest.raw import RawDocument
from retrieval.ingest.reasons import SkipError

TIMEOUT_SECONDS = 120
TOOLS = ("antiword", "soffice", "libreoffice")
_TABLE_ROW = re.compile(r"^\|(.*)\|[ \t]*$", re.M)


def doc_tool() -> str | None:
    """The converter .doc files are read with: 'antiword', 'soffice', 'libreoffice', or None."""
    return next((tool for tool in TOOLS if shutil.which(tool)), None)


def _run(args: list[str]) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(args, capture_output=True, timeout=TIMEOUT_SECONDS, check=False)
    except subprocess.TimeoutExpired as exc:
        raise SkipError("doc-tool-timeout", tool=args[0], seconds=TIMEOUT_SECONDS) from exc


def _antiword(path: str) -> str:
    # -w 0: one line per paragraph (no re-wrapping); -m UTF-8.txt: Unicode output for CJK text.
    result = _run(["antiword", "-w", "0", "-m", "UTF-8.txt", path])
    if result.returncode != 0:
        reason = result.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["failed"]
        raise SkipError("doc-antiword-failed", detail=reason[0])
    return result.stdout.decode("utf-8", "replace")


def _libreoffice(tool: str, path: str) -> str:
    with tempfile.TemporaryDirectory(prefix="qabot-doc-") as tmp:
        profile = Path(tmp, "profile").as_uri()
        result = _run(
            [
                tool,
                f"-env:UserInstallation={profile}",
                "--headless",
                "--convert-to",
                "txt:Text (encoded):UTF8",
                "--outdir",
                tmp,
                path,
            ]
        )
        out = Path(tmp, Path(path).with_suffix(".txt").name)
        if result.returncode != 0 or not out.is_file():
            raise SkipError("doc-libreoffice-failed", status=result.returncode)
        return out.read_text(encoding="utf-8-sig", errors="replace")


def read_doc(path: Path) -> RawDocument:
    tool = doc_tool()
    if tool is None:
        raise SkipError("doc-no-tool")
    absolute = os.path.abspath(path)  # never starts with "-": cannot be taken for an option
    text = _antiword(absolute) if tool == "antiword" else _libreoffice(tool, absolute)
    if not text.strip():
        raise SkipError("doc-no-text", tool=tool)
    # antiword draws table rows as |cell |cell |: keep the cells, one row per line
    text = _TABLE_ROW.sub(lambda m: " ".join(c.strip() for c in m.group(1).split("|") if c.strip()), text)
    return RawDocument(text, f"doc · {tool}", complete=True)

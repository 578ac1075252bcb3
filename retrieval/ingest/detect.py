"""A file's format from its first bytes (and zip members), so a renamed file is read as what it is."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

SNIFF_BYTES = 2048
OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")  # Word 97-2003 (also old Excel/PowerPoint)
_HTML_START = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head)\b", re.I | re.S
)

# Human names for skip reasons.
FORMAT_NAMES = {
    ".pdf": "a PDF",
    ".docx": "a Word .docx document",
    ".doc": "a Word 97-2003 .doc document",
    ".html": "an HTML page",
    ".zip": "a zip archive (not a Word document)",
}


def detect_format(path: Path) -> str | None:
    """'.pdf', '.docx', '.doc', '.html' or '.zip' by content; None for anything else (text, or unknown)."""
    with path.open("rb") as fh:
        head = fh.read(SNIFF_BYTES)
    if b"%PDF-" in head[:1024]:
        return ".pdf"
    if head.startswith(b"PK\x03\x04"):
        return ".docx" if _zip_has(path, "word/document.xml") else ".zip"
    if head.startswith(OLE2_MAGIC):
        return ".doc"
    if _HTML_START.match(head) or (head.startswith((b"\xff\xfe", b"\xfe\xff")) and _html_utf16(head)):
        return ".html"
    return None


def _zip_has(path: Path, member: str) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return member in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def _html_utf16(head: bytes) -> bool:
    return bool(_HTML_START.match(head.decode("utf-16", errors="ignore").encode()))

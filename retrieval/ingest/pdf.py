"""Reader for PDFs with a text layer (pypdf): pages to paragraphs, without the page furniture.

Exported office PDFs wrap every line hard and repeat a header and a page number on each page. Lines that
repeat across pages near a page's edge and page-number lines (第 N 页, - N -, N / M) are dropped; then a
line continues the previous one unless the previous ends a sentence, is clearly shorter than a full line
(a heading, 同志们：), or the line starts a new paragraph by its indent or a 一、 marker.
A PDF without any text (a scan) is refused: OCR is not supported.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from pathlib import Path

from pypdf import PdfReader

from retrieval.ingest.dates import parse_date
from retrieval.ingest.raw import RawDocument
from retrieval.ingest.reasons import SkipError

# Header/footer candidates: this many lines at the top and bottom of each page.
EDGE_LINES = 3
# A line at a page edge on at least this share of pages (and at least 2 pages) is a running header/footer.
RUNNING_SHARE = 0.5
RUNNING_MIN_PAGES = 2
# A line shorter than this share of the page's typical full line ends its paragraph.
SHORT_LINE_SHARE = 0.8
PAGE_NUMBER = re.compile(
    r"^(?:第\s*\d+\s*页(?:\s*[/，,]?\s*共\s*\d+\s*页)?|[-–—]\s*\d+\s*[-–—]|\d+\s*/\s*\d+|\d+"
    r"|(?:page\s*)?\d+(?:\s*of\s*\d+)?)$",
    re.I,
)
PARAGRAPH_END = "。！？；：…!?;:”’」』"
# With at least this many indented lines, the indent (not a full stop) is what starts a paragraph.
INDENTED_MIN_LINES = 3
_INDENT = re.compile(r"^(?:\u3000|\s{2,})")
# A new paragraph starts at an indent or at a section marker (一、 （一）), whatever the line before it.
_PARAGRAPH_START = re.compile(
    r"^(?:\u3000|\s{2,}|[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[)）])"
)


def _furniture_key(line: str) -> str:
    """Lines that differ only in their numbers (页码, dates of printing) count as the same line."""
    return re.sub(r"\d+", "#", line.strip())


def _running_lines(pages: list[list[str]]) -> set[str]:
    if len(pages) < RUNNING_MIN_PAGES:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages:
        counts.update({_furniture_key(x) for x in lines[:EDGE_LINES] + lines[-EDGE_LINES:] if x.strip()})
    threshold = max(RUNNING_MIN_PAGES, RUNNING_SHARE * len(pages))
    return {key for key, n in counts.items() if n >= threshold}


def _body_lines(pages: list[list[str]]) -> list[list[str]]:
    running = _running_lines(pages)
    kept = []
    for lines in pages:
        edge = set(range(EDGE_LINES)) | set(range(len(lines) - EDGE_LINES, len(lines)))
        kept.append(
            [
                line
                for i, line in enumerate(lines)
                if line.strip()
                and not PAGE_NUMBER.fullmatch(line.strip())
                and not (i in edge and _furniture_key(line) in running)
            ]
        )
    return kept


def _ascii_letter(char: str) -> bool:
    # Only letter|letter wraps get a space back ("air|quality"); "PM|2.5" or "VOCs|)" join tight.
    return char.isascii() and char.isalpha()


def _paragraphs(pages: list[list[str]]) -> list[str]:
    lines = [line for page in pages for line in page]
    full = statistics.median_high([len(line.strip()) for line in lines]) if lines else 0
    # When paragraphs are marked by their indent, a full line that happens to end in 。 does not end one.
    indented = sum(1 for line in lines if _INDENT.match(line)) >= INDENTED_MIN_LINES
    paragraphs: list[str] = []
    ended = True
    for line in lines:
        text = line.strip()
        if ended or _PARAGRAPH_START.match(line):
            paragraphs.append(text)
        else:
            glue = " " if _ascii_letter(paragraphs[-1][-1:]) and _ascii_letter(text[:1]) else ""
            paragraphs[-1] += glue + text
        short = len(text) < SHORT_LINE_SHARE * full
        ended = short or (not indented and text[-1] in PARAGRAPH_END)
    return paragraphs


def _metadata(reader: PdfReader) -> tuple[str, str, str, str]:
    """(title, author, subject, creation date) from the document information dictionary."""
    info = reader.metadata
    if info is None:
        return "", "", "", ""
    created = str(info.get("/CreationDate") or "")
    digits = re.sub(r"^D:", "", created)[:8]
    date = parse_date(f"{digits[:4]}-{digits[4:6]}-{digits[6:8]}") if len(digits) == 8 else ""
    fields = (info.title, info.author, info.subject)
    title, author, subject = (str(value or "").strip() for value in fields)
    return title, author, subject, date


def page_count(path: Path) -> int:
    """How many pages the PDF has (cheap: the page tree, not the text), for callers that cap it."""
    reader = PdfReader(str(path))
    if reader.is_encrypted:
        reader.decrypt("")
    return len(reader.pages)


def read_pdf(path: Path) -> RawDocument:
    reader = PdfReader(str(path))
    if reader.is_encrypted:
        try:  # many office PDFs are "encrypted" with an empty password only to forbid editing
            reader.decrypt("")
            reader.pages[0].extract_text()
        except Exception as exc:  # pypdf raises several kinds here, some only without `cryptography`
            raise SkipError("pdf-password") from exc
    pages = [(page.extract_text() or "").splitlines() for page in reader.pages]
    if not any(line.strip() for lines in pages for line in lines):
        raise SkipError("no-text-layer")
    title, author, subject, date = _metadata(reader)
    text = "\n".join(_paragraphs(_body_lines(pages)))
    return RawDocument(
        text, "pdf", fallback_title=title, date=date, author=author, subject=subject, complete=True
    )

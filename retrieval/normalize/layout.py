"""Document layout: the title and header lines at the top, and paragraphs with elision offsets.

Both steps report their edits (see `retrieval.normalize.edits`) so damaged spans can follow the text.
"""

from __future__ import annotations

import re

from retrieval.normalize import patterns as P
from retrieval.normalize.edits import Edit, delete, sub

CUT = "\x00"  # sentinel left where the site elided text; turned into `cuts` offsets by `paragraphs`
_HEAD_LINES = 5  # site headers / date lines are only recognised this close to the top
# A space is a paragraph break when both neighbours are CJK, CJK punctuation or a cut sentinel.
_BREAK_CHARS = f"{P.CJK_CLASS}{re.escape(''.join(P.CJK_PUNCT))}{CUT}"
# Paragraph steps, applied in order: collapse blanks, break paragraphs, glue sentinels to their text,
# strip line ends, fold sentinel-only lines into the next paragraph, drop a trailing empty line.
_SPACE_BREAK = re.compile(rf"(?<=[{_BREAK_CHARS}]) +(?=[{_BREAK_CHARS}])")
# A document whose longest line holds more than this share of its text is a one-line scrape.
ONE_LINE_SHARE = 0.5
ONE_LINE_MIN_CHARS = 300  # and is this long: a short note with a long last line is not a scrape
_LAYOUT_STEPS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"[ \t\u00a0\u3000]+"), " "),
    (_SPACE_BREAK, "\n"),
    (re.compile(r" *\x00 *"), CUT),
    (re.compile(r"^[^\S\n]+|[^\S\n]+$", re.M), ""),
    (re.compile(r"^(\x00*)\n", re.M), r"\1"),
    (re.compile(r"\n(\x00*)\Z"), r"\1"),
)
_SENTINEL = re.compile(CUT)


def clean_title(title: str) -> str:
    title = P.SITE_NAME.sub("", title)
    return re.sub(r"\s+", " ", title).strip(" |>-")


def _line_starts(text: str) -> list[int]:
    return [0, *(m.end() for m in re.finditer("\n", text))]


def extract_header(text: str) -> tuple[str, str, list[str], list[list[Edit]]]:
    """Find the title and drop header lines (title label, breadcrumb, site name, date).

    Returns (title, body, names of what fired, edits of each step).
    """
    names: list[str] = []
    steps: list[list[Edit]] = []
    title = ""
    m = P.TITLE_LABEL.match(text)
    if m:
        title = clean_title(m.group("title"))
        text, edits = delete(text, [(0, m.end())])
        steps.append(edits)
        names.append("title_label")
    blanked: list[tuple[int, int]] = []
    starts = _line_starts(text)
    for start in starts[:_HEAD_LINES]:
        line = text[start:].split("\n", 1)[0]
        crumb = P.BREADCRUMB.fullmatch(line)
        if crumb:
            parts = [p.strip() for p in crumb.group("trail").split(">") if p.strip()]
            title = title or (clean_title(parts[-1]) if parts else "")
            names.append("breadcrumb")
        elif P.SITE_HEADER.fullmatch(line) or P.DATE_LINE.fullmatch(line):
            names.append("site_header" if P.SITE_HEADER.fullmatch(line) else "date_line")
        else:
            continue
        blanked.append((start, start + len(line)))
    text, edits = delete(text, blanked)
    steps.append(edits)
    text, edits = sub(re.compile(r"^[^\S\n]*\n", re.M), "", text)  # blank lines
    steps.append(edits)
    body = text.strip()
    lead = len(text) - len(text.lstrip())
    text, edits = delete(text, [(0, lead), (lead + len(body), len(text))])
    steps.append(edits)
    lines = text.split("\n")
    if not title and len(lines) > 1:
        first = lines[0].strip()
        # A bare first line is a title only if it is short, CJK and unpunctuated at the end (not "同志们:").
        if len(P.CJK_RE.findall(first)) >= 4 and len(first) <= P.MAX_TITLE_LEN and P.CJK_RE.match(first[-1]):
            title = clean_title(first)
    if title and text.startswith(title):  # the title line repeated at the top of the body
        text, edits = delete(text, [(0, len(title))])
        steps.append(edits)
    return title, text, names, steps


def is_one_line_scrape(text: str) -> bool:
    """Whether the text lost its line breaks (one line holds most of it), so spaces mark paragraphs.

    In text that kept its lines, a space after "1." or between words is just a space.
    """
    longest = max((len(line) for line in text.split("\n")), default=0)
    return longest >= ONE_LINE_MIN_CHARS and longest > ONE_LINE_SHARE * len(text)


def paragraphs(text: str) -> tuple[str, tuple[int, ...], list[list[Edit]]]:
    """Collapse whitespace, split paragraphs, and turn cut sentinels into offsets."""
    steps: list[list[Edit]] = []
    one_line = is_one_line_scrape(text)
    for pattern, repl in _LAYOUT_STEPS:
        if pattern is _SPACE_BREAK and not one_line:
            steps.append([])
            continue
        text, edits = sub(pattern, repl, text)
        steps.append(edits)
    # The k-th sentinel lands where it stands once the k sentinels before it are gone.
    cuts = [m.start() - k for k, m in enumerate(_SENTINEL.finditer(text))]
    text, edits = sub(_SENTINEL, "", text)
    steps.append(edits)
    return text, tuple(sorted(min(c, len(text)) for c in cuts)), steps

"""The speech's date: a date line near the top or bottom of the text (2024年3月15日, 二〇二四年三月十五日,
2024-03-15), as ISO yyyy-mm-dd. Document properties are the readers' business; a date stated in the
text wins over them because office files carry the date the file was made, not the date of the speech.
"""

from __future__ import annotations

import datetime as dt
import re

# Only this many non-blank lines at each end are searched: a date in the body is an event, not the speech's.
EDGE_LINES = 6
# A line longer than this is body text that mentions a date ("2024年3月15日，我们召开…").
MAX_DATE_LINE_CHARS = 40
EARLIEST_YEAR, LATEST_YEAR = 1949, 2100

_DIGITS = "0-9０-９"
_CN_DIGITS = "〇○零一二三四五六七八九十"
DATE_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(
        rf"(?P<y>[{_DIGITS}]{{4}})\s*年\s*(?P<m>[{_DIGITS}]{{1,2}})\s*月\s*(?P<d>[{_DIGITS}]{{1,2}})\s*日"
    ),
    re.compile(rf"(?P<y>[{_CN_DIGITS}]{{4}})年(?P<m>[{_CN_DIGITS}]{{1,2}})月(?P<d>[{_CN_DIGITS}]{{1,3}})日"),
    re.compile(r"(?<!\d)(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?!\d)"),
)
_CN_VALUES = {ch: i for i, ch in enumerate("〇一二三四五六七八九")} | {"○": 0, "零": 0}


def _number(token: str) -> int:
    """An Arabic or Chinese-numeral number: 2024, ２０２４, 二〇二四, 十五, 二十, 三十一."""
    token = token.translate({0xFF10 + i: 0x30 + i for i in range(10)})
    if token.isdigit():
        return int(token)
    if "十" in token:
        tens, _, ones = token.partition("十")
        return (_CN_VALUES[tens] if tens else 1) * 10 + (_CN_VALUES[ones] if ones else 0)
    return int("".join(str(_CN_VALUES[ch]) for ch in token))


def parse_date(text: str) -> str:
    """The first valid date in `text` as yyyy-mm-dd, or ""."""
    for pattern in DATE_PATTERNS:
        for match in pattern.finditer(text):
            try:
                year, month, day = (_number(match.group(g)) for g in "ymd")
                if EARLIEST_YEAR <= year <= LATEST_YEAR:
                    return dt.date(year, month, day).isoformat()
            except (KeyError, ValueError):
                continue
    return ""


def find_date(text: str) -> str:
    """The date of a date line among the first and last EDGE_LINES non-blank lines, or ""."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    edges = lines[:EDGE_LINES] + lines[-EDGE_LINES:][::-1]
    for line in edges:
        if len(line) <= MAX_DATE_LINE_CHARS and (date := parse_date(line)):
            return date
    return ""

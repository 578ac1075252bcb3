"""Structure markers of Chinese official speeches, as data for the chunker.

Levels: 1 = 一、  2 = （一）  3 = 1. / 1、  4 = 第一，  5 = enumerations inside a paragraph (一是 / 首先 …).
Text is NFKC-folded before chunking, so full-width （ ） ， arrive as ASCII ( ) , here.
"""

from __future__ import annotations

import re

CHINESE_NUMERALS = "一二三四五六七八九十"

# Heading lines, tried in order; group "label" is the heading text used in section paths.
HEADING_PATTERNS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (1, re.compile(rf"^[{CHINESE_NUMERALS}]{{1,3}}、")),  # 一、提高政治站位
    (2, re.compile(rf"^\([{CHINESE_NUMERALS}]{{1,3}}\)")),  # (一)做好生态环境保护工作是…
    (3, re.compile(r"^\d{1,2}(?:[、.](?!\d)|\s)")),  # 1. / 1、 (not 2024.5 or 1.5倍)
    (4, re.compile(rf"^第[{CHINESE_NUMERALS}]{{1,3}}(?:[,、:]|是)")),  # 第一,… / 第一是…
)

# Enumerations that open a point inside running text, one level per family so that families nest
# (一是… may contain 一要… which may contain 首先…). They live below every heading level.
ENUMERATION_LEVEL = 5
ENUMERATION_PATTERNS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (5, re.compile(rf"^[{CHINESE_NUMERALS}]{{1,3}}是(?=[\w,])")),  # 一是… 二是…
    (6, re.compile(rf"^[{CHINESE_NUMERALS}]{{1,3}}(?:要|则)(?=[\w,])")),  # 一要… 二要…
    (7, re.compile(r"^(?:首先|其次|再次|最后)(?=[\w,])")),  # 首先… 其次… 最后…
    (8, re.compile(r"^\d{1,2}[、.](?!\d)")),  # numbered list items that are sentences: 1. … 2、…
)

# A heading line longer than this is a heading followed by body text on the same line.
HEADING_MAX_CHARS = 60
# Section labels are cut to this many characters (with an ellipsis) to keep citations short.
LABEL_MAX_CHARS = 28

SENTENCE_END = "。!?;！？；…"
CLOSING_QUOTES = "”’」』)》"
# A sentence: text up to a sentence-ending mark (runs of them) plus closing quotes.
SENTENCE = re.compile(rf"[^{SENTENCE_END}]*(?:[{SENTENCE_END}]+[{CLOSING_QUOTES}]*|$)")
# Where a sentence that is still too long may be cut.
CLAUSE_BREAK = re.compile(r"(?<=[,、:])")

# Questions that ask for a number (folded text): if the answering sentence has its number redacted, say so.
QUANTITY_QUESTION = re.compile(r"多少|几[个项次家处天年月人]?|第几|数量|比例|百分之|比率|排名")

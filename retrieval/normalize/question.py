"""Clean a question before anything else sees it: what a terminal or a paste adds is not part of it.

Invisible format characters (zero-width space and joiners, BOM, bidi marks, soft hyphen) would glue onto
words and become search terms; ANSI escape sequences (colours copied from a terminal) would become terms
like `31m`; lone surrogates (undecodable input bytes) crash the script converter.
"""

from __future__ import annotations

import re
import unicodedata

# CSI (ESC [ … final, or the one-byte C1 form), OSC (ESC ] … BEL or ESC \), and two-byte ESC sequences.
ANSI_ESCAPE = re.compile(r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]?")
LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
# Kept as they are; every other control character becomes a space.
KEPT_CONTROLS = frozenset("\n\t")


def clean_question(question: str) -> str:
    """`question` without escape sequences and invisible characters; undecodable bytes (U+FFFD or lone
    surrogates) and control characters become spaces, so the words around them stay apart."""
    text = LONE_SURROGATE.sub(" ", ANSI_ESCAPE.sub("", question)).replace("\ufffd", " ")
    return "".join(_clean_char(ch) for ch in text)


def _clean_char(ch: str) -> str:
    category = unicodedata.category(ch)
    if category == "Cf":
        return ""
    if category == "Cc" and ch not in KEPT_CONTROLS:
        return " "
    return ch

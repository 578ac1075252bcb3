"""Script handling: fold for matching (t2s + NFKC + lower case), convert for display, detect the asker's.

Every conversion keeps one output character per input character, so offsets found in folded text
point at the same characters in the display text.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from retrieval.normalize import patterns as P
from retrieval.normalize.lexicon import converter
from retrieval.types import Script


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    out = unicodedata.normalize("NFKC", ch).lower()
    return out if len(out) == 1 else ch.lower() if len(ch.lower()) == 1 else ch


def _convert_same_length(text: str, config: str) -> str:
    conv = converter(config)
    out: str = conv.convert(text)
    if len(out) == len(text):
        return out
    # Phrase conversions can change length: fall back to one character at a time to keep offsets.
    return "".join(c2 if len(c2 := conv.convert(c)) == 1 else c for c in text)


@lru_cache(maxsize=4096)  # answers fold the same chunk texts again and again (excerpts, highlights)
def fold_for_matching(text: str) -> str:
    """Simplified script + NFKC + lower case, with exactly one output character per input character."""
    return "".join(map(_fold_char, _convert_same_length(text, "t2s")))


def to_script(text: str, script: Script) -> str:
    """Convert to simplified (t2s) or traditional script, preserving length.

    Traditional uses OpenCC's Taiwan standard (s2tw: 為, 群, 考核, 才) rather than plain s2t, whose
    historical forms (爲, 羣, 考覈, 纔) readers of today's traditional text find odd.
    """
    return _convert_same_length(text, "t2s" if script == "simplified" else "s2tw")


def detect_script(text: str) -> Script:
    """Traditional when a meaningful share of CJK characters change under t2s; ambiguous -> simplified."""
    cjk = "".join(P.CJK_RE.findall(text))
    if not cjk:
        return "simplified"
    changed = sum(a != b for a, b in zip(cjk, _convert_same_length(cjk, "t2s"), strict=True))
    return "traditional" if changed >= max(1.0, 0.05 * len(cjk)) else "simplified"

"""Bytes to text for speech files in any encoding people really have (UTF-8/16/32, GB18030/GBK, Big5)."""

from __future__ import annotations

import codecs

# Chinese encodings we accept from the detector; another guess (shift_jis, latin_1 …) on a Chinese speech
# is a misdetection. GB2312/GBK guesses decode as their superset GB18030.
DETECTED_ENCODINGS = {
    "utf_16": "utf_16",
    "utf_32": "utf_32",
    "gb18030": "gb18030",
    "gbk": "gb18030",
    "gb2312": "gb18030",
    "cp936": "gb18030",
    "hz": "hz",
    "big5": "big5hkscs",
    "big5hkscs": "big5hkscs",
    "cp950": "cp950",
}
# Tried strictly, in order, when the detector has no Chinese guess.
FALLBACK_ENCODINGS = ("gb18030", "big5hkscs")
# More control characters than this share of the text means the file is not text at all.
MAX_CONTROL_SHARE = 0.01
# In BOM-less UTF-16, at least this share of characters is ASCII (a newline per paragraph is enough).
MIN_UTF16_NUL_SHARE = 0.002
_BOMS = (
    (codecs.BOM_UTF8, "utf_8_sig"),
    (codecs.BOM_UTF32_LE, "utf_32"),
    (codecs.BOM_UTF32_BE, "utf_32"),
    (codecs.BOM_UTF16_LE, "utf_16"),
    (codecs.BOM_UTF16_BE, "utf_16"),
)


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode with a BOM if present, else strict UTF-8, else the detector's Chinese guesses, else GB18030
    or Big5 — whichever decodes strictly into text."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding), encoding.replace("_sig", "-sig")
    bomless = _bomless_utf16(data)
    if bomless is not None:
        return bomless
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes  # imported for the rare file that is not UTF (~6 ms)

    guesses = [DETECTED_ENCODINGS[m.encoding] for m in from_bytes(data) if m.encoding in DETECTED_ENCODINGS]
    for encoding in dict.fromkeys([*guesses, *FALLBACK_ENCODINGS]):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return text, encoding
    raise UnicodeDecodeError("unknown", data[:1], 0, 1, "no Chinese encoding decodes this file")


def _bomless_utf16(data: bytes) -> tuple[str, str] | None:
    """UTF-16 without a BOM (some exporters write it): no other text encoding has NUL bytes, and in UTF-16
    every ASCII character (newlines, digits) puts one in its high byte — the odd offsets for LE."""
    if len(data) % 2:
        return None
    odd, even = data[1::2].count(0), data[0::2].count(0)
    if max(odd, even) < MIN_UTF16_NUL_SHARE * len(data) / 2 or min(odd, even) * 4 > max(odd, even):
        return None
    encoding = "utf_16_le" if odd > even else "utf_16_be"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    return (text, encoding.replace("_", "-")) if _looks_like_text(text) else None


def _looks_like_text(text: str) -> bool:
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    return controls <= MAX_CONTROL_SHARE * max(len(text), 1)

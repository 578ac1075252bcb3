# Interim minimal normalizer: the full one (boilerplate, mojibake, pinyin) replaces it.
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

from retrieval.types import NormalizationReport, NormalizedText, Script


@lru_cache(maxsize=4)
def _cc(cfg: str) -> opencc.OpenCC:
    return opencc.OpenCC(cfg)


def _conv(text: str, cfg: str) -> str:
    out: str = _cc(cfg).convert(text)
    if len(out) == len(text):
        return out
    return "".join(c if len(c2 := _cc(cfg).convert(c)) != 1 else c2 for c in text)


def fold_for_matching(text: str) -> str:
    t = _conv(text, "t2s")
    return "".join(c if len(n := unicodedata.normalize("NFKC", c).lower()) != 1 else n for c in t)


def to_script(text: str, script: Script) -> str:
    return _conv(text, "t2s" if script == "simplified" else "s2t")


def detect_script(text: str) -> Script:
    cjk = [c for c in text if "\u4e00" <= c <= "\u9fff"]
    if not cjk:
        return "simplified"
    changed = sum(1 for a, b in zip(text, _conv(text, "t2s"), strict=False) if a != b)
    return "traditional" if changed >= max(1, 0.1 * len(cjk)) else "simplified"


def find_redactions(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(r"XX+|xx+|\*+", text)]


def normalize_document(raw: str) -> NormalizedText:
    t = unicodedata.normalize("NFKC", raw)
    t = re.sub(r"\((?:[a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*)\)", "", t)
    t = re.sub(r"(?<=[\u4e00-\u9fff,。:;!?”“、)]) +(?=[\u4e00-\u9fff“(])", "\n", t)
    lines = [ln.strip() for ln in t.splitlines() if ln.strip()]
    title = lines[0][:60] if lines else ""
    title = re.sub(r"^標題:|\|$", "", title).strip()
    return NormalizedText(title=title, text="\n".join(lines[1:]), cuts=(), report=NormalizationReport())

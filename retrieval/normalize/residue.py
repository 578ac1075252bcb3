"""What a mojibake realignment changed, and which leftovers of it must be cut rather than shown.

A second lost byte inside a run leaves characters no realignment explains: symbols such as ］ or ｝, and
rare characters that make no word with either neighbour. They are cut in minimal pieces (with an
isolated neighbour of a symbol, which shares its shifted bytes), so the clean rest of a repair is kept.
"""

from __future__ import annotations

import difflib
from functools import lru_cache
from typing import Final

from retrieval.normalize.edits import Edit, Span
from retrieval.normalize.lexicon import COMMON_PUNCT, char_cost, word_freq
from retrieval.normalize.patterns import CJK_RE

_MIN_WORD_FREQ: Final = 20  # jieba lists noise such as 九时 (2); real words are more frequent
_RARE_COST: Final = 15.5  # a leftover costlier than this is garbage unless it makes a word
_LONE_COST: Final = 8.5  # a changed character costlier than this needs a word partner to be kept
_MIN_EQUAL: Final = 3  # changed regions closer than this are one repair (a lone 保 match is chance)
_FOLDED_PUNCT: Final = frozenset(";!,:")


@lru_cache(maxsize=65536)
def word_with(first: str, second: str) -> int:
    """Frequency of the two-character word first+second (any script), 0 if absent or noise."""
    if not (first and second and CJK_RE.match(first) and CJK_RE.match(second)):
        return 0
    freq = word_freq(first + second)
    return freq if freq >= _MIN_WORD_FREQ else 0


def _junk(ch: str) -> bool:
    return not (ch.isascii() or CJK_RE.match(ch) or ch in COMMON_PUNCT)


def _isolated(text: str, i: int, before: str, after: str) -> bool:
    padded = f"{before or ' '}{text}{after or ' '}"
    return not (word_with(padded[i], padded[i + 1]) or word_with(padded[i + 1], padded[i + 2]))


def residue_cuts(fixed: str, regions: list[Span], before: str, after: str, traditional: bool) -> list[Span]:
    """Sorted, merged (start, end) pieces of the re-decoded run `fixed` to cut.

    Cut: symbols (］), rare characters that make no word with a neighbour, and inside the changed
    `regions` also less common characters that make no word (`累` in 斬斷累染: the bytes of 垃 and 污).
    """
    changed = {i for s, e in regions for i in range(s, e)}
    cut: set[int] = set()
    for i, ch in enumerate(fixed):
        if _junk(ch):
            cut.add(i)
        elif CJK_RE.match(ch) and _isolated(fixed, i, before, after):
            limit = _LONE_COST if i in changed else _RARE_COST
            if char_cost(ch, traditional) > limit:
                cut.add(i)
    pieces: list[Span] = []
    for i in sorted(cut):
        if pieces and pieces[-1][1] == i:
            pieces[-1] = (pieces[-1][0], i + 1)
        else:
            pieces.append((i, i + 1))
    return pieces


def changed_regions(old: str, new: str) -> list[Span]:
    """(start, end) regions of `new` that differ from `old`, merging changes split by short equal runs."""
    regions: list[Span] = []
    for tag, _i1, _i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if regions and j1 - regions[-1][1] < _MIN_EQUAL:
            regions[-1] = (regions[-1][0], j2)
        else:
            regions.append((j1, j2))
    return regions


def diff_edits(old: str, new: str) -> list[Edit]:
    """The edits turning `old` into `new` (so spans inside `old` keep their place)."""
    opcodes = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    return [(i1, i2, j2 - j1) for tag, i1, i2, j1, j2 in opcodes if tag != "equal"]

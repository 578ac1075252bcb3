"""Normalize stage: raw scraped text in, clean display text and a report of what changed out.

Enters: the decoded text of one file. Steps: NFKC, GBK mojibake repair (`mojibake`, `residue`, `lexicon`),
pinyin ruby, title and header (`layout`), site boilerplate (`patterns`, data only), paragraphs; every step
reports its edits (`edits`) so damaged spans follow the text. Leaves: `NormalizedText` (title, text, cut
offsets, damaged spans, `NormalizationReport`). Also the script helpers every stage shares (`script`):
fold for matching, convert for display, detect the asker's script; redaction spans (`redactions`); and
`question.clean_question`, which strips escape sequences and invisible characters from a question.

`document` (and the regex tables of mojibake repair and layout it compiles) is imported on first use of its
names: answering from a cached index needs only the script and question helpers.
"""

import importlib
from typing import TYPE_CHECKING

from retrieval.normalize.edits import merge_spans
from retrieval.normalize.question import clean_question
from retrieval.normalize.redactions import find_redactions
from retrieval.normalize.script import detect_script, fold_for_matching, to_script

if TYPE_CHECKING:
    from retrieval.normalize.document import normalize_document, remove_boilerplate, strip_pinyin_ruby

_LAZY = dict.fromkeys(("normalize_document", "remove_boilerplate", "strip_pinyin_ruby"), "document")


def __getattr__(name: str) -> object:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)


__all__ = [
    "clean_question",
    "detect_script",
    "find_redactions",
    "fold_for_matching",
    "merge_spans",
    "normalize_document",
    "remove_boilerplate",
    "strip_pinyin_ruby",
    "to_script",
]

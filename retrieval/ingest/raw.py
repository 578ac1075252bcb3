"""What a format reader hands to normalization: the raw text plus what the file itself says about it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RawDocument:
    """One file's text before normalization, with the metadata its format carries.

    `title` is a title the document marks as such (a Title-styled paragraph, an HTML <h1>/<title>) and wins
    over the normalizer's guess; `fallback_title` (document properties) is used only when nothing else is
    found. `author` and `subject` are what the file's properties say; `attribution` decides whether they
    name a speaker or an occasion. `headings` are (level, line) pairs for lines the format marks as
    headings by style rather than by a 一、-style marker, so the chunker can treat them as headings (see
    `retrieval.chunk.chunker`).
    """

    text: str
    encoding: (
        str  # how the bytes were read: a text encoding, or the format and tool ("docx", "doc · antiword")
    )
    title: str = ""
    fallback_title: str = ""
    date: str = ""  # ISO yyyy-mm-dd from the file's metadata, if any
    author: str = ""  # the file's author property (often an account, filtered in `attribution`)
    subject: str = ""  # a subject/description property, which may state the occasion
    headings: tuple[tuple[int, str], ...] = ()
    # The file is a whole document (an office file, not a web scrape): a text that ends without a full
    # stop (a table, a signature) was not cut off by a site.
    complete: bool = False

"""Reader for saved web pages (.html/.htm, lxml): the article text without the site around it.

Encoding: BOM, else <meta charset> (GB2312/GBK read as GB18030), else the detector (`decode_bytes`). Then
chrome is removed by tag and class/id (`html_rules`), the page is flattened to one line per block, and
link-heavy lines (menus, related lists, breadcrumbs) and footer lines (版权所有, ICP备案 …) are dropped.
The <h1> (or the first part of <title>) is the title; the normalizer then does what it does for text.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

import lxml.html
from lxml.etree import ParserError, _Element

from retrieval.ingest import attribution_rules as A
from retrieval.ingest import html_rules as R
from retrieval.ingest.dates import find_date, parse_date
from retrieval.ingest.encoding import decode_bytes
from retrieval.ingest.raw import RawDocument
from retrieval.ingest.reasons import SkipError

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def decode_html(data: bytes) -> tuple[str, str]:
    """(text, encoding): a BOM wins, then a <meta charset> that decodes strictly, then the detector."""
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode_bytes(data)
    match = R.META_CHARSET.search(data[:4096])
    if match:
        label = match.group(1).decode("ascii").lower()
        encoding = R.CHARSET_SUPERSETS.get(label, label)
        try:
            return data.decode(encoding), encoding
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong label is common on old sites: let the detector decide
    return decode_bytes(data)


def _cjk_chars(element: _Element) -> int:
    return len(_CJK.findall(element.text_content()))


def _is_chrome(element: _Element, page_chars: int) -> bool:
    if not isinstance(element.tag, str):
        return True  # comments and processing instructions
    if element.tag in R.DROP_TAGS:
        return True
    words = " ".join(str(element.get(a) or "") for a in ("class", "id")).lower()
    looks_chrome = element.tag in R.CHROME_TAGS or bool(R.CHROME_WORDS & set(re.split(r"[\s_-]+", words)))
    return looks_chrome and _cjk_chars(element) <= R.CHROME_MAX_SHARE * page_chars


def _lines(root: _Element) -> list[tuple[str, int]]:
    """(line text, link characters in it) per block of the page, chrome elements skipped."""
    lines: list[tuple[str, int]] = []
    page_chars = _cjk_chars(root)
    current: list[str] = []
    links = 0

    def flush() -> None:
        nonlocal links
        text = " ".join("".join(current).split())
        if text:
            lines.append((text, links))
        current.clear()
        links = 0

    def walk(element: _Element, in_link: bool) -> None:
        nonlocal links
        if _is_chrome(element, page_chars):
            if element.tail:
                current.append(element.tail)
            return
        block = element.tag in R.BLOCK_TAGS
        if block:
            flush()
        inside = in_link or element.tag == "a"
        if element.text:
            current.append(element.text)
            links += len(element.text.strip()) if inside else 0
        for child in element:
            walk(child, inside)
        if block:
            flush()
        if element.tail:
            current.append(element.tail)
            links += len(element.tail.strip()) if in_link else 0

    walk(root, False)
    flush()
    return lines


def _title(tree: _Element) -> str:
    h1 = next((" ".join(h.text_content().split()) for h in tree.iter("h1") if h.text_content().strip()), "")
    page_title = " ".join(" ".join(t.text_content().split()) for t in tree.iter("title"))
    parts = [p for p in R.TITLE_SEPARATORS.split(page_title) if p.strip()]
    if h1 and (not page_title or h1 in page_title or not parts):
        return h1
    return parts[0].strip() if parts else h1


def _meta(tree: _Element, names: frozenset[str]) -> list[str]:
    """The non-empty contents of the page's <meta> elements with one of these (lower-case) names."""
    found = []
    for meta in tree.iter("meta"):
        name = str(meta.get("name") or meta.get("property") or "").lower()
        if name in names and (content := " ".join(str(meta.get("content") or "").split())):
            found.append(content)
    return found


def _meta_date(tree: _Element) -> str:
    return next((d for d in map(parse_date, _meta(tree, R.DATE_META_NAMES)) if d), "")


def read_html(path: Path) -> RawDocument:
    text, encoding = decode_html(path.read_bytes())
    try:
        tree = lxml.html.document_fromstring(_XML_DECLARATION.sub("", text))
    except (ParserError, ValueError) as exc:
        raise SkipError("html-unreadable", detail=exc) from exc
    title = _title(tree)
    body = tree.find("body")
    lines = _lines(body if body is not None else tree)
    page_text = "\n".join(line for line, _ in lines)
    kept = [
        line
        for line, link_chars in lines
        if link_chars < R.LINK_SHARE * len(line) and not R.CHROME_LINES.search(line) and line != title
    ]
    if not kept:
        raise SkipError("html-no-article")
    date = _meta_date(tree) or find_date(page_text)
    author = next(iter(_meta(tree, A.AUTHOR_META_NAMES)), "")
    subject = next(iter(_meta(tree, A.OCCASION_META_NAMES)), "")
    return RawDocument(
        "\n".join(kept), f"{encoding} · html", title=title, date=date, author=author, subject=subject
    )

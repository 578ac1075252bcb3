"""Answers and corpus listings as Telegram HTML; every corpus- or user-derived string is escaped here."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callback_data import AnswerButton, View
from bot.html_split import MESSAGE_LIMIT, split_html, visible_length
from bot.texts import text
from retrieval.answer import highlight_spans
from retrieval.normalize import merge_spans, to_script
from retrieval.types import Answer, Hit, Script

Span = tuple[int, int]
TENTATIVE_MARK = "❔ "


def highlight_html(plain: str, spans: Iterable[Span]) -> str:
    """`plain` escaped, with each (start, end) span wrapped in <b>; overlapping spans are merged."""
    parts: list[str] = []
    position = 0
    for start, end in merge_spans(spans, len(plain)):
        parts.append(html.escape(plain[position:start]))
        parts.append(f"<b>{html.escape(plain[start:end])}</b>")
        position = end
    parts.append(html.escape(plain[position:]))
    return "".join(parts)


def answer_page(answer: Answer, view: View, page: int, *, numbered: bool = True) -> str:
    """One page of an answered question: excerpt (or whole paragraph, or the list of sources)."""
    script = answer.script
    if view == "sources":
        lines = [f"<b>{html.escape(text('answer_sources', script))}</b>"]
        lines += [f"{hit.rank}. {html.escape(hit.citation)}" for hit in answer.hits]
        return single_message("\n".join(lines), script)
    hit = answer.hits[page]
    body = _full_paragraph(hit, answer) if view == "full" else highlight_html(hit.excerpt, hit.highlights)
    lines = [f"<i>{html.escape(answer.message)}</i>", ""] if answer.message else []
    if (
        answer.confidence == "low" and lines
    ):  # tentative: a note line of its own, so it never reads as confident
        lines[0] = f"{TENTATIVE_MARK}{lines[0]}"
    lines += [body, "", f"📖 {html.escape(hit.citation)}"]
    lines += [f"⚠️ {html.escape(warning)}" for warning in hit.warnings]
    if numbered and len(answer.hits) > 1:
        lines.append(f"<i>{html.escape(text('page', script, page=page + 1, total=len(answer.hits)))}</i>")
    return single_message("\n".join(lines), script)


def _full_paragraph(hit: Hit, answer: Answer) -> str:
    display = to_script(hit.chunk.text, answer.script)
    return highlight_html(display, highlight_spans(display, answer.terms))


def answer_keyboard(key: str, answer: Answer, view: View, page: int) -> InlineKeyboardMarkup:
    """Previous/next hit, excerpt/full-paragraph toggle and sources; from the sources list, one per hit."""
    script = answer.script
    if view == "sources":
        return InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(str(i + 1), callback_data=AnswerButton(key, "excerpt", i).encode())
                    for i in range(len(answer.hits))
                ]
            ]
        )
    paging: list[InlineKeyboardButton] = []
    if page > 0:
        paging.append(_button(text("button_prev", script), AnswerButton(key, view, page - 1)))
    if page < len(answer.hits) - 1:
        paging.append(_button(text("button_next", script), AnswerButton(key, view, page + 1)))
    toggle_view: View = "excerpt" if view == "full" else "full"
    toggle_label = f"button_{toggle_view}"
    actions = [
        _button(text(toggle_label, script), AnswerButton(key, toggle_view, page)),
        _button(text("button_sources", script), AnswerButton(key, "sources", page)),
    ]
    return InlineKeyboardMarkup([row for row in (paging, actions) if row])


def _button(label: str, target: AnswerButton) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=target.encode())


def off_topic_html(answer: Answer, suggestions: Sequence[str]) -> str:
    """The friendly "not covered" reply: the library's message (or ours), closest topics, no citation."""
    script = answer.script
    lines = [html.escape(answer.message or text("off_topic", script))]
    if suggestions:
        lines += ["", html.escape(text("suggestions", script))]
        lines += [f"• {html.escape(to_script(topic, script))}" for topic in suggestions]
    return single_message("\n".join(lines), script)


def single_message(markup: str, script: Script, limit: int = MESSAGE_LIMIT) -> str:
    """`markup` if it fits one message, else its first part with a visible "cut" note (for editable pages)."""
    if visible_length(markup) <= limit:
        return markup
    parts = split_html(markup, limit - 40)  # room for the note
    return f"{parts[0]}\n<i>{html.escape(text('cut', script))}</i>"

"""What the Bot API rejects, with Telegram's own error descriptions (shared by the fakes in this folder)."""

from __future__ import annotations

import html
import re
from typing import Any

MESSAGE_LIMIT = 4096
CALLBACK_DATA_LIMIT = 64
CALLBACK_ANSWER_LIMIT = 200
INLINE_RESULTS_LIMIT = 50
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024  # getFile refuses bigger files: bots may download up to 20 MB

EMPTY = "Bad Request: message text is empty"
TOO_LONG = "Bad Request: message is too long"
BUTTON_DATA_INVALID = "Bad Request: BUTTON_DATA_INVALID"
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
NOT_FOUND = "Bad Request: message to edit not found"
RESULT_ID_DUPLICATE = "Bad Request: RESULT_ID_DUPLICATE"
RESULTS_TOO_MUCH = "Bad Request: RESULTS_TOO_MUCH"
CALLBACK_ANSWER_TOO_LONG = "Bad Request: MESSAGE_TOO_LONG"

_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "a",
    "code",
    "pre",
    "tg-spoiler",
    "span",
    "blockquote",
    "tg-emoji",
}
_ENTITY = re.compile(r"&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z-]*)((?:\s+[a-z-]+(?:=\"[^\"<>]*\"|='[^'<>]*')?)*)\s*>")


def parse_html(markup: str) -> str:
    """The visible text of Telegram-HTML `markup`; ValueError with Telegram's description if invalid."""
    visible: list[str] = []
    stack: list[str] = []
    position = 0
    while position < len(markup):
        char = markup[position]
        if char == "<":
            match = _TAG.match(markup, position)
            offset = len(markup[:position].encode())
            if match is None:
                kind = "Unexpected end tag" if markup.startswith("</", position) else "Unsupported start tag"
                raise ValueError(f"Bad Request: can't parse entities: {kind} at byte offset {offset}")
            closing, name = match.group(1), match.group(2).lower()
            if name not in _TAGS:
                raise ValueError(
                    f'Bad Request: can\'t parse entities: Unsupported start tag "{name}" '
                    f"at byte offset {offset}"
                )
            if closing:
                if not stack or stack[-1] != name:
                    raise ValueError(
                        f"Bad Request: can't parse entities: Can't find end tag corresponding "
                        f'to start tag "{stack[-1] if stack else name}"'
                    )
                stack.pop()
            else:
                stack.append(name)
            position = match.end()
        elif char == "&":
            match = _ENTITY.match(markup, position)
            if match is None:
                offset = len(markup[:position].encode())
                raise ValueError(
                    f"Bad Request: can't parse entities: Character '&' is reserved and must be "
                    f"escaped at byte offset {offset}"
                )
            visible.append(html.unescape(match.group(0)))
            position = match.end()
        elif char == ">":
            raise ValueError("Bad Request: can't parse entities: Character '>' is reserved")
        else:
            visible.append(char)
            position += 1
    if stack:
        raise ValueError(
            "Bad Request: can't parse entities: Can't find end tag corresponding to start "
            f'tag "{stack[-1]}"'
        )
    return "".join(visible)


def utf16_length(value: str) -> int:
    return len(value.encode("utf-16-le")) // 2


def message_text(params: dict[str, Any]) -> str:
    """Visible text of a sendMessage/editMessageText call; ValueError(description) if Telegram refuses."""
    raw = str(params.get("text", ""))
    visible = parse_html(raw) if str(params.get("parse_mode", "")).upper() == "HTML" else raw
    if not visible.strip():
        raise ValueError(EMPTY)
    if utf16_length(visible) > MESSAGE_LIMIT:
        raise ValueError(TOO_LONG)
    return visible


def check_markup(markup: Any) -> None:
    if not markup:
        return
    for row in markup.get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= CALLBACK_DATA_LIMIT:
                raise ValueError(BUTTON_DATA_INVALID)


def check_inline_results(results: list[dict[str, Any]]) -> None:
    if len(results) > INLINE_RESULTS_LIMIT:
        raise ValueError(RESULTS_TOO_MUCH)
    ids = [str(r.get("id", "")) for r in results]
    if len(set(ids)) != len(ids):
        raise ValueError(RESULT_ID_DUPLICATE)
    for result in results:
        if not 1 <= len(str(result.get("id", "")).encode()) <= 64 or not result.get("title"):
            raise ValueError("Bad Request: RESULT_ID_INVALID")
        content = result.get("input_message_content") or {}
        message_text({"text": content.get("message_text", ""), "parse_mode": content.get("parse_mode", "")})
        check_markup(result.get("reply_markup"))


def check_callback_answer(params: dict[str, Any]) -> None:
    if len(str(params.get("text", ""))) > CALLBACK_ANSWER_LIMIT:
        raise ValueError(CALLBACK_ANSWER_TOO_LONG)

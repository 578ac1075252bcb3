"""Builders for raw Bot API updates (the JSON Telegram sends), shared by handler and end-to-end tests."""

from __future__ import annotations

import itertools
import time
from typing import Any

from tests.bot.fake_api import BOT_ID, BOT_USER, BOT_USERNAME

GROUP_ID = -100123456
_message_ids = itertools.count(1)
_update_ids = itertools.count(1)


def user(user_id: int, language: str = "zh-hans") -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": f"user{user_id}", "language_code": language}


def _chat(chat_id: int) -> dict[str, Any]:
    if chat_id > 0:
        return {"id": chat_id, "type": "private", "first_name": f"user{chat_id}"}
    return {"id": chat_id, "type": "supergroup", "title": "环保学习群"}


def message(
    user_id: int,
    text: str | None = None,
    *,
    chat_id: int | None = None,
    language: str = "zh-hans",
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A new message from `user_id` (in their private chat unless `chat_id` is given)."""
    body: dict[str, Any] = {
        "message_id": next(_message_ids),
        "date": int(time.time()),
        "chat": _chat(chat_id if chat_id is not None else user_id),
        "from": user(user_id, language),
    }
    if text is not None:
        body["text"] = text
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            body["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        mention = f"@{BOT_USERNAME}"
        if mention in text:
            offset = len(text[: text.index(mention)].encode("utf-16-le")) // 2
            entity = {"type": "mention", "offset": offset, "length": len(mention)}
            body.setdefault("entities", []).append(entity)
    body.update(extra or {})
    return {"message": body}


def bot_message(chat_id: int, message_id: int) -> dict[str, Any]:
    """A message the bot sent earlier (what a reply or a button press refers to)."""
    return {
        "message_id": message_id,
        "date": int(time.time()),
        "chat": _chat(chat_id),
        "from": BOT_USER,
        "text": "…",
    }


def reply_to_bot(user_id: int, text: str, chat_id: int, bot_message_id: int) -> dict[str, Any]:
    replied = bot_message(chat_id, bot_message_id)
    return message(user_id, text, chat_id=chat_id, extra={"reply_to_message": replied})


def edited(user_id: int, text: str) -> dict[str, Any]:
    body = message(user_id, text)["message"]
    body["edit_date"] = body["date"]
    return {"edited_message": body}


def sticker(user_id: int) -> dict[str, Any]:
    return message(
        user_id,
        extra={
            "sticker": {
                "file_id": "CAACAgIAAxk",
                "file_unique_id": "AgAD",
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
            }
        },
    )


def callback(user_id: int, chat_id: int, message_id: int, data: str) -> dict[str, Any]:
    shown = bot_message(chat_id, message_id)
    return {
        "callback_query": {
            "id": str(next(_message_ids)),
            "from": user(user_id),
            "chat_instance": "ci",
            "message": shown,
            "data": data,
        }
    }


def inline(user_id: int, query: str) -> dict[str, Any]:
    return {
        "inline_query": {"id": str(next(_message_ids)), "from": user(user_id), "query": query, "offset": ""}
    }


def numbered(update: dict[str, Any]) -> dict[str, Any]:
    """`update` with a fresh update_id (the fake server numbers its own queue instead)."""
    return {"update_id": next(_update_ids), **update}


__all__ = [
    "BOT_ID",
    "GROUP_ID",
    "callback",
    "edited",
    "inline",
    "message",
    "numbered",
    "reply_to_bot",
    "sticker",
    "user",
]


def document(
    user_id: int,
    file_id: str,
    file_name: str,
    size: int,
    *,
    chat_id: int | None = None,
    language: str = "zh-hans",
) -> dict[str, Any]:
    """A file sent as a document (not a photo), as Telegram describes it before anyone downloads it."""
    body = {"file_id": file_id, "file_unique_id": "u" + file_id, "file_name": file_name, "file_size": size}
    return message(user_id, chat_id=chat_id, language=language, extra={"document": body})

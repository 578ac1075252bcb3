"""Versioned inline-button payloads: `a1:<answer key>:<view>:<page>`, always within Telegram's 64 bytes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

View = Literal["excerpt", "full", "sources"]

CALLBACK_DATA_LIMIT = 64  # bytes, Telegram's limit for InlineKeyboardButton.callback_data
VERSION = "a1"  # bump when the payload layout changes so old buttons read as expired, not misparsed
_VIEW_CODES: dict[View, str] = {"excerpt": "e", "full": "f", "sources": "s"}
_CODE_VIEWS: dict[str, View] = {code: view for view, code in _VIEW_CODES.items()}
_PATTERN = re.compile(rf"^{VERSION}:([A-Za-z0-9_-]{{6,24}}):([efs]):(\d{{1,2}})$")


@dataclass(frozen=True)
class AnswerButton:
    key: str  # AnswerStore key of the answer this button belongs to
    view: View
    page: int  # 0-based hit index

    def encode(self) -> str:
        data = f"{VERSION}:{self.key}:{_VIEW_CODES[self.view]}:{self.page}"
        if len(data.encode()) > CALLBACK_DATA_LIMIT:
            raise ValueError(f"callback data over {CALLBACK_DATA_LIMIT} bytes: {data!r}")
        return data


def decode(data: object) -> AnswerButton | None:
    """The button behind `data`, or None for anything this version did not produce."""
    if not isinstance(data, str):
        return None
    match = _PATTERN.match(data)
    if match is None:
        return None
    return AnswerButton(key=match.group(1), view=_CODE_VIEWS[match.group(2)], page=int(match.group(3)))

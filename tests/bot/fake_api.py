"""An in-memory Bot API: records every call, answers like Telegram, refuses what Telegram refuses.

Used directly by `RecordingRequest` (handler tests) and behind HTTP by `fakebot.FakeBotServer` (end to end).
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from tests.bot import telegram_rules as rules

BOT_ID = 7000001
BOT_USERNAME = "speech_qa_bot"
BOT_USER = {
    "id": BOT_ID,
    "is_bot": True,
    "first_name": "讲话问答",
    "username": BOT_USERNAME,
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": True,
}
_JSON_FIELDS = (
    "reply_markup",
    "reply_parameters",
    "results",
    "commands",
    "allowed_updates",
    "link_preview_options",
    "button",
    "scope",
)


@dataclass(frozen=True)
class Call:
    method: str
    params: dict[str, Any]
    at: float
    ok: bool
    result: Any = None


@dataclass
class FakeTelegram:
    calls: list[Call] = field(default_factory=list)
    faults: dict[str, list[tuple[int, dict[str, Any]]]] = field(default_factory=dict)
    _shown: dict[tuple[int, int], tuple[str, Any]] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))
    lock: threading.Lock = field(default_factory=threading.Lock)
    # file_id -> (file_path on the file server, bytes): what users "sent" (see `add_file`)
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    downloads: list[str] = field(default_factory=list)  # file paths fetched from the file route

    def add_file(self, file_id: str, data: bytes) -> None:
        """Make `data` available through getFile(file_id) and the /file/bot<token>/<path> route."""
        with self.lock:
            self.files[file_id] = (f"documents/file_{len(self.files)}", data)

    def download(self, file_path: str) -> tuple[int, bytes]:
        """The file route: bytes of a file getFile named, or 404 as Telegram answers."""
        with self.lock:
            self.downloads.append(file_path)
            for path, data in self.files.values():
                if path == file_path:
                    return 200, data
        return 404, b'{"ok":false,"error_code":404,"description":"Not Found"}'

    def inject(self, method: str, status: int, times: int = 1, retry_after: int | None = None) -> None:
        """Make the next `times` calls of `method` fail with HTTP `status` (429 carries retry_after)."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": status,
            "description": "Too Many Requests: retry after 1" if status == 429 else "Internal Server Error",
        }
        if retry_after is not None:
            body["parameters"] = {"retry_after": retry_after}
        with self.lock:
            self.faults.setdefault(method, []).extend([(status, body)] * times)

    def handle(self, method: str, raw_params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        params = decode_params(raw_params)
        fault = self.pop_fault(method)
        with self.lock:
            if fault is not None:
                self.calls.append(Call(method, params, time.monotonic(), ok=False))
                return fault
            try:
                result = self._result(method, params)
            except ValueError as exc:
                self.calls.append(Call(method, params, time.monotonic(), ok=False))
                return 400, {"ok": False, "error_code": 400, "description": str(exc)}
            self.calls.append(Call(method, params, time.monotonic(), ok=True, result=result))
            return 200, {"ok": True, "result": result}

    def pop_fault(self, method: str) -> tuple[int, dict[str, Any]] | None:
        with self.lock:
            queued = self.faults.get(method)
            return queued.pop(0) if queued else None

    def record(self, method: str, params: dict[str, Any], ok: bool) -> None:
        with self.lock:
            self.calls.append(Call(method, params, time.monotonic(), ok=ok))

    def successful(self, method: str) -> list[dict[str, Any]]:
        with self.lock:
            return [c.params for c in self.calls if c.method == method and c.ok]

    def sent_messages(self) -> list[tuple[dict[str, Any], int]]:
        """(params, message_id) of every delivered sendMessage, oldest first."""
        with self.lock:
            return [
                (c.params, c.result["message_id"]) for c in self.calls if c.method == "sendMessage" and c.ok
            ]

    def refused(self, method: str | None = None) -> list[Call]:
        with self.lock:
            return [c for c in self.calls if not c.ok and method in (None, c.method)]

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method == "sendMessage":
            visible = rules.message_text(params)
            rules.check_markup(params.get("reply_markup"))
            chat_id = int(params["chat_id"])
            message_id = next(self._ids)
            self._shown[(chat_id, message_id)] = (params["text"], params.get("reply_markup"))
            return self._message(chat_id, message_id, visible, params.get("reply_markup"))
        if method == "editMessageText":
            key = (int(params["chat_id"]), int(params["message_id"]))
            if key not in self._shown:
                raise ValueError(rules.NOT_FOUND)
            visible = rules.message_text(params)
            rules.check_markup(params.get("reply_markup"))
            if self._shown[key] == (params["text"], params.get("reply_markup")):
                raise ValueError(rules.NOT_MODIFIED)
            self._shown[key] = (params["text"], params.get("reply_markup"))
            return self._message(key[0], key[1], visible, params.get("reply_markup"))
        if method == "answerCallbackQuery":
            rules.check_callback_answer(params)
            return True
        if method == "answerInlineQuery":
            rules.check_inline_results(params.get("results", []))
            return True
        if method == "getFile":
            if params.get("file_id") not in self.files:
                raise ValueError("Bad Request: invalid file_id")
            path, data = self.files[params["file_id"]]
            if len(data) > rules.MAX_DOWNLOAD_BYTES:
                raise ValueError("Bad Request: file is too big")
            return {
                "file_id": params["file_id"],
                "file_unique_id": "u" + params["file_id"],
                "file_size": len(data),
                "file_path": path,
            }
        if method in ("sendChatAction", "setMyCommands", "deleteWebhook", "setWebhook", "close", "logOut"):
            return True
        raise ValueError(f"Bad Request: method {method} is not supported by the fake")

    @staticmethod
    def _message(chat_id: int, message_id: int, visible: str, markup: Any) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "text": visible,
            "from": BOT_USER,
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
        }
        if markup:
            message["reply_markup"] = markup
        return message


def decode_params(raw: dict[str, Any]) -> dict[str, Any]:
    """Form-encoded calls carry nested objects as JSON strings; decode them to compare and validate."""
    params = dict(raw)
    for name in _JSON_FIELDS:
        value = params.get(name)
        if isinstance(value, str) and value[:1] in "[{":
            params[name] = json.loads(value)
    return params

"""Webhook mode: `qabot serve --webhook URL --port N` registers the URL and answers posted updates."""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.bot import telegram_rules as rules
from tests.bot import updates
from tests.bot.fakebot import FakeBotServer
from tests.bot.serve_process import TOKEN, start_bot, stop_bot

SECRET = "webhook-secret_123"
PUBLIC_URL = "https://bot.example.org/qabot-hook"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def post(port: int, update: dict[str, object], secret: str) -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/qabot-hook",
        data=json.dumps(update).encode(),
        headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret},
    )
    for _ in range(50):  # the listener may come up a moment after setWebhook
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return int(response.status)
        except urllib.error.HTTPError as refused:
            return refused.code
        except urllib.error.URLError:
            time.sleep(0.1)
    raise AssertionError("webhook listener never came up")


def test_webhook_registers_url_and_answers_posted_updates(tmp_path: Path) -> None:
    server = FakeBotServer(TOKEN).start()
    port = free_port()
    args = ("--webhook", PUBLIC_URL, "--port", str(port), "--listen", "127.0.0.1")
    process = start_bot(
        server, tmp_path, {"TELEGRAM_WEBHOOK_SECRET": SECRET}, args, ready_method="setWebhook"
    )
    try:
        [registered] = server.wait_for(lambda c: c.method == "setWebhook")
        assert registered.params["url"] == PUBLIC_URL and registered.params["secret_token"] == SECRET
        question = {"update_id": 1, **updates.message(2001, "秸秆焚烧怎么管？")}
        assert post(port, question, "wrong-secret") == 403
        assert post(port, question, SECRET) == 200
        reply = server.reply_to(question["message"]["message_id"])  # type: ignore[index]
        assert "¶" in rules.message_text(reply.params)
    finally:
        assert stop_bot(process) == 0
        server.stop()

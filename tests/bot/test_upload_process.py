"""The real `qabot serve` process: an admin's document travels getFile -> the HTTP file route -> corpus,
is answered at once, and is still answered after the bot restarts."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.bot import telegram_rules as rules
from tests.bot import updates
from tests.bot.fake_api import Call
from tests.bot.fakebot import FakeBotServer
from tests.bot.serve_process import TOKEN, start_bot, stop_bot
from tests.fixtures.formats.build import TITLE, write_speech_pdf

ADMIN = 4242
SEEDS = Path(__file__).resolve().parents[2] / "corpus"


def _reply(server: FakeBotServer, chat_id: int, needle: str) -> Call:
    def match(call: Call) -> bool:
        ok = call.method == "sendMessage" and call.ok and int(call.params["chat_id"]) == chat_id
        return ok and needle in rules.message_text(call.params)

    return server.wait_for(match, timeout=60)[-1]


def test_upload_over_http_survives_restart(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(next(SEEDS.glob("001_*.txt")), corpus)
    env = {"CORPUS_DIR": str(corpus), "ADMIN_USER_IDS": str(ADMIN)}
    server = FakeBotServer(TOKEN).start()
    try:
        process = start_bot(server, tmp_path, env)
        try:
            server.api.add_file("PDF1", write_speech_pdf(tmp_path / "speech.pdf").read_bytes())
            server.push(updates.document(ADMIN, "PDF1", "讲话.pdf", (tmp_path / "speech.pdf").stat().st_size))
            added = _reply(server, ADMIN, "已添加")
            assert TITLE in rules.message_text(added.params) and server.api.downloads
            server.push(updates.message(ADMIN, "饮用水水源地保护怎么加强？"))
            assert "2025-01-10" in rules.message_text(_reply(server, ADMIN, TITLE).params)
        finally:
            assert stop_bot(process) == 0
        assert [p.name for p in corpus.glob("upload-*.pdf")]
        server.api.calls.clear()
        process = start_bot(server, tmp_path, env)
        try:
            server.push(updates.message(ADMIN + 1, "饮用水水源地保护怎么加强？"))
            _reply(server, ADMIN + 1, TITLE)
        finally:
            assert stop_bot(process) == 0
    finally:
        server.stop()

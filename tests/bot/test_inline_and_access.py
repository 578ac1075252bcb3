"""Inline mode, the allowlist gate and the admin-only /reload."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any
from unittest.mock import ANY

from retrieval.retriever import Retriever
from tests.bot import telegram_rules as rules
from tests.bot.conftest import CORPUS, BotHarness
from tests.bot.updates import GROUP_ID, callback, inline, message

USER, ADMIN, STRANGER = 42, 7, 666


async def test_inline_query_returns_up_to_five_valid_articles(harness: BotHarness) -> None:
    await harness.send(inline(USER, "大气污染防治"))
    [call] = harness.api.successful("answerInlineQuery")
    results = call["results"]
    assert 1 <= len(results) <= 5
    for result in results:
        assert result["title"] and result["description"]
        assert "¶" in rules.message_text(
            {**result["input_message_content"], "text": result["input_message_content"]["message_text"]}
        )


async def test_inline_off_topic_and_empty_queries_return_no_results(harness: BotHarness) -> None:
    await harness.send(inline(USER, "足球比赛谁赢了"))
    await harness.send(inline(USER, "  "))
    assert [c["results"] for c in harness.api.successful("answerInlineQuery")] == [[], []]


async def test_allowlist_refuses_strangers_once_and_shows_no_content(harness_factory: Any) -> None:
    harness: BotHarness = await harness_factory(allowed_user_ids=frozenset({USER}))
    await harness.send(message(STRANGER, "秸秆焚烧怎么管？"))
    await harness.send(message(STRANGER, "/sources"))
    await harness.send(message(STRANGER, "@speech_qa_bot 秸秆", chat_id=GROUP_ID))
    await harness.send(inline(STRANGER, "秸秆焚烧"))
    await harness.send(callback(STRANGER, STRANGER, 1, "a1:AAAAAAAAAAAA:e:1"))
    [refusal] = harness.sent()
    assert "仅限" in rules.message_text(refusal)
    assert harness.api.successful("answerInlineQuery")[0]["results"] == []
    await harness.send(inline(USER, "秸秆焚烧"))
    allowed_results = harness.api.successful("answerInlineQuery")[-1]
    assert allowed_results["results"] and allowed_results["is_personal"] is True  # not shared via the cache
    # already refused once: an empty answer stops the client's spinner, and nothing is said
    assert harness.api.successful("answerCallbackQuery") == [{"callback_query_id": ANY}]
    await harness.send(message(USER, "秸秆焚烧怎么管？"))
    assert "¶" in rules.message_text(harness.sent()[-1])


async def test_reload_by_admin_reports_added_removed_and_changed(
    harness_factory: Any, tmp_path: Path
) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    harness: BotHarness = await harness_factory(admin_user_ids=frozenset({ADMIN}), corpus_dir=corpus)
    state = harness.application.bot_data["qabot_state"]
    state.retriever = Retriever.from_corpus(corpus, use_cache=False)
    files = sorted(corpus.glob("*.txt"))
    removed_id = next(d.doc_id for d in state.retriever.documents if files[0].stem in d.doc_id)
    files[0].unlink()
    changed = files[-1]
    raw = changed.read_bytes().decode(
        "utf-8", errors="surrogateescape"
    )  # keeps any damaged bytes as they are
    changed.write_bytes(raw.replace("生态环境", "生态环保", 1).encode("utf-8", errors="surrogateescape"))
    (corpus / "999_new.txt").write_text(
        "标题:在全市节水工作会议上的讲话 |\n" + "节约用水，人人有责。" * 20, encoding="utf-8"
    )
    await harness.send(message(ADMIN, "/reload"))
    report = "\n".join(rules.message_text(c) for c in harness.sent())
    assert "新增" in report and "999_new" in report
    assert "删除" in report and removed_id in report
    assert "修改" in report and changed.stem in report
    assert state.retriever.documents != ()

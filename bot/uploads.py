"""Admins add speeches by sending them as documents in a private chat, list them in /sources and take
them out with /remove N. Everyone else who sends a file is told that only admins can add documents.

The file size is checked before anything is downloaded (Telegram's own limit for bots is 20 MB), the
download is checked again, and the corpus changes only through `bot.upload_store`. The new retriever is
built with the token cache, so only the new document's chunks are tokenized; it replaces the old one
whole, like /reload, under the same lock.
"""

from __future__ import annotations

import asyncio
import html
import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.access import admin_command, is_admin
from bot.listings import document_note
from bot.state import bot_state
from bot.texts import script_for_update, text
from bot.upload_parse import ParseLimits
from bot.upload_store import Upload, UploadError, list_uploads, remove_upload, save_upload
from retrieval.errors import QabotError
from retrieval.ingest import chinese_reason
from retrieval.normalize import to_script
from retrieval.retriever import Retriever
from retrieval.types import Document, Script

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}"


def refusal(exc: UploadError, script: Script) -> str:
    """The reply for a refused upload, in the asker's script; a reading reason is shown in Chinese."""
    values = dict(exc.values)
    if "reason" in values:
        values["reason"] = chinese_reason(str(values["reason"]))
    return to_script(text(exc.key, script, **values), script)


def _warnings(document: Document, script: Script) -> list[str]:
    out = []
    if document.truncated:
        out.append(text("upload_warn_truncated", script))
    if document.report.redactions:
        out.append(text("upload_warn_redacted", script, count=document.report.redactions))
    if document.report.mojibake_repaired:
        out.append(text("upload_warn_mojibake", script, count=document.report.mojibake_repaired))
    return out


async def receive_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Save, index and confirm a document an admin sent; refuse everyone else without storing anything."""
    message = update.message
    if message is None or message.document is None or message.from_user is None:
        return
    script = script_for_update(update)
    if not is_admin(update, context):
        await message.reply_text(text("upload_not_admin", script))
        return
    sent = message.document
    limit = _megabytes(MAX_UPLOAD_BYTES).removesuffix(".0")
    if (sent.file_size or 0) > MAX_UPLOAD_BYTES:
        await message.reply_text(
            text("upload_too_big", script, size=_megabytes(sent.file_size or 0), limit=limit)
        )
        return
    state = bot_state(context)
    await message.reply_text(text("upload_adding", script))
    try:
        telegram_file = await sent.get_file()
        if (telegram_file.file_size or 0) > MAX_UPLOAD_BYTES:
            raise UploadError("upload_too_big", size=_megabytes(telegram_file.file_size or 0), limit=limit)
        data = bytes(await telegram_file.download_as_bytearray())
    except TelegramError as exc:
        logger.warning("download of an upload failed: %s", exc)
        await message.reply_text(text("upload_download_failed", script))
        return
    except UploadError as exc:
        await message.reply_text(refusal(exc, script))
        return
    if len(data) > MAX_UPLOAD_BYTES:
        await message.reply_text(text("upload_too_big", script, size=_megabytes(len(data)), limit=limit))
        return
    settings = state.settings
    limits = ParseLimits(settings.upload_parse_seconds, settings.upload_max_pages)
    async with state.reload_lock:
        corpus_dir = settings.corpus_dir
        try:
            cache = await asyncio.to_thread(state.documents_cache)
            upload, _ = await asyncio.to_thread(
                save_upload, corpus_dir, data, sent.file_name or "", message.from_user.id, limits, cache
            )
            retriever = await asyncio.to_thread(state.load)
        except UploadError as exc:
            logger.info("upload refused: %s %s", exc.key, exc.values)
            await message.reply_text(refusal(exc, script))
            return
        except QabotError as exc:
            await message.reply_text(refusal(UploadError("upload_refused", reason=str(exc)), script))
            return
        document = next((d for d in retriever.documents if d.path == upload.name), None)
        if document is None:  # read fine on its own, but left out of the corpus: a duplicate of a speech
            skipped = dict(retriever.skipped)
            reason = skipped.get(upload.doc_id) or skipped.get(upload.name, "")
            await asyncio.to_thread(remove_upload, corpus_dir, upload)
            refused = (
                UploadError("upload_refused", reason=reason) if reason else UploadError("upload_not_indexed")
            )
            await message.reply_text(refusal(refused, script))
            return
        state.retriever = retriever
    logger.info("user %s added %s (%s)", message.from_user.id, upload.name, document.title)
    chunks = sum(1 for c in retriever.chunks if c.doc_id == document.doc_id)
    note = document_note(document, script)
    lines = [text("upload_added", script, title=to_script(document.title, script), note=note, chunks=chunks)]
    if warnings := _warnings(document, script):
        lines.append(text("upload_warnings", script, warnings="；".join(warnings)))
    await message.reply_text("\n".join(lines))


def uploads_html(retriever: Retriever, uploads: list[Upload], script: Script) -> str:
    """The numbered list of added documents that /remove N refers to (shown to admins in /sources)."""
    titles = {d.path: d.title for d in retriever.documents}
    lines = [f"<b>{html.escape(text('uploads_header', script))}</b>"]
    for number, upload in enumerate(uploads, start=1):
        title = to_script(titles.get(upload.name) or upload.original_name, script)
        item = text("uploads_item", script, number=number, title=html.escape(title), name="{name}")
        lines.append(item.replace("{name}", f"<code>{html.escape(upload.name)}</code>"))
    return "\n".join(lines)


async def admin_uploads(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """The uploads block for /sources: empty for non-admins and when nothing was added."""
    if not is_admin(update, context):
        return ""
    state = bot_state(context)
    uploads = await asyncio.to_thread(list_uploads, state.settings.corpus_dir)
    return uploads_html(state.retriever, uploads, script_for_update(update)) if uploads else ""


async def remove_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/remove N: take the N-th added document out of the corpus and the index (admins only)."""
    admitted = await admin_command(update, context, "remove_not_admin")
    if admitted is None:
        return
    message, script = admitted
    state = bot_state(context)
    args = context.args or []
    async with state.reload_lock:
        uploads = await asyncio.to_thread(list_uploads, state.settings.corpus_dir)
        if len(args) != 1 or not args[0].isdigit() or not 1 <= int(args[0]) <= len(uploads):
            await message.reply_text(text("remove_usage", script))
            return
        upload = uploads[int(args[0]) - 1]
        title = next(
            (d.title for d in state.retriever.documents if d.path == upload.name), upload.original_name
        )
        await asyncio.to_thread(remove_upload, state.settings.corpus_dir, upload)
        try:
            state.retriever = await asyncio.to_thread(state.load)
        except QabotError as exc:  # e.g. the last document is gone: keep answering from the old index
            logger.warning("reload after /remove failed: %s", exc)
    logger.info("user %s removed %s", message.from_user.id if message.from_user else None, upload.name)
    documents = len(state.retriever.documents)
    await message.reply_text(text("removed", script, title=to_script(title, script), documents=documents))

"""What the bot knows, as HTML: the /start overview, the /sources list and the /reload change report."""

from __future__ import annotations

import html
import os

from bot.texts import text
from retrieval.ingest import beyond_title, chinese_reason
from retrieval.normalize import to_script
from retrieval.retriever import Retriever
from retrieval.types import Document, Script


def _title(doc: Document, script: Script) -> str:
    return html.escape(to_script(doc.title, script))


def document_note(doc: Document, script: Script) -> str:
    """（date）（讲话人：…；场合：…） after a title: the speaker and occasion only where stated and not
    already in the title, as citations show them. Plain text: the caller escapes it."""
    note = text("sources_date", script, date=doc.date) if doc.date else ""
    speaker, occasion = (v if v in beyond_title(doc.title, v) else "" for v in (doc.speaker, doc.occasion))
    parts = [text("sources_speaker", script, speaker=speaker)] if speaker else []
    parts += [text("sources_occasion", script, occasion=occasion)] if occasion else []
    if parts:
        note += text("sources_attribution", script, parts="；".join(parts))
    return to_script(note, script)


def start_html(retriever: Retriever, script: Script, username: str) -> str:
    documents = "\n".join(f"• 《{_title(doc, script)}》" for doc in retriever.documents)
    return text(
        "start",
        script,
        count=len(retriever.documents),
        documents=documents,
        username=html.escape(username),
        example=html.escape(text("example", script)),
    )


def help_html(script: Script) -> str:
    return html.escape(text("help", script))


def sources_html(retriever: Retriever, script: Script, admin: bool = False) -> str:
    """Every document with its chunk count and a note when the scraped page was cut off; skipped files by
    their name inside the corpus folder. Only an admin is also shown where that folder is on the server."""
    per_doc = retriever.index.chunk_counts().per_doc  # over shards: from their metadata, no chunk read
    header = text("sources_header", script, count=len(retriever.documents), chunks=len(retriever.chunks))
    lines = [f"<b>{html.escape(header)}</b>"]
    for doc in retriever.documents:
        line = text("sources_item", script, title=_title(doc, script), chunks=per_doc[doc.doc_id])
        line += html.escape(document_note(doc, script))
        if doc.truncated:
            line += html.escape(text("sources_truncated", script))
        lines.append(f"• {line} <code>{html.escape(doc.doc_id)}</code>")
    if retriever.skipped:
        lines += ["", html.escape(text("sources_skipped", script))]
        lines += [
            f"• {html.escape(_relative(name, retriever))}：{html.escape(_reason(reason, retriever, script))}"
            for name, reason in retriever.skipped
        ]
    if admin and retriever.corpus_dir is not None:
        folder = str(retriever.corpus_dir.resolve())
        lines += ["", html.escape(text("sources_folder", script, folder=folder))]
    return "\n".join(lines)


def _reason(reason: str, retriever: Retriever, script: Script) -> str:
    """A skip reason in Chinese, in the asker's script, without the server's corpus path."""
    return to_script(chinese_reason(_relative(reason, retriever)), script)


def _relative(value: str, retriever: Retriever) -> str:
    """`value` with the corpus folder's server path taken out (a reader's error message may carry it)."""
    if retriever.corpus_dir is None:
        return value
    for folder in {str(retriever.corpus_dir.resolve()), str(retriever.corpus_dir.absolute())}:
        value = value.replace(folder + os.sep, "").replace(folder, ".")
    return value


def reload_report_html(old: Retriever, new: Retriever, script: Script) -> str:
    """Counts after a reload and which documents were added, removed or changed (by doc_id and title)."""
    before = {doc.doc_id: doc for doc in old.documents}
    after = {doc.doc_id: doc for doc in new.documents}
    added = [after[i] for i in sorted(after.keys() - before.keys())]
    removed = [before[i] for i in sorted(before.keys() - after.keys())]
    changed = [
        after[i]
        for i in sorted(after.keys() & before.keys())
        if (after[i].title, after[i].text) != (before[i].title, before[i].text)
    ]
    lines = [html.escape(text("reloaded", script, documents=len(new.documents), chunks=len(new.chunks)))]
    for key, docs in (("reload_added", added), ("reload_removed", removed), ("reload_changed", changed)):
        if docs:
            lines.append(html.escape(text(key, script)))
            lines += [f"• <code>{html.escape(d.doc_id)}</code> 《{_title(d, script)}》" for d in docs]
    if not (added or removed or changed):
        lines.append(html.escape(text("reload_unchanged", script)))
    return "\n".join(lines)

"""Every user-visible bot string, in simplified and traditional script (the reply follows the asker's)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from retrieval.types import Script

if TYPE_CHECKING:
    from telegram import Update

# key: (simplified, traditional). Placeholders are filled with str.format after HTML-escaping the values.
TEXTS: dict[str, tuple[str, str]] = {
    "start": (
        "你好！我根据以下 {count} 篇讲话回答问题，并注明出处：\n{documents}\n\n"
        "直接发送问题即可；在群组里请 @{username} 或使用 /ask。\n例如：{example}",
        "你好！我根據以下 {count} 篇講話回答問題，並註明出處：\n{documents}\n\n"
        "直接發送問題即可；在群組裡請 @{username} 或使用 /ask。\n例如：{example}",
    ),
    "help": (
        "用中文提问，我会找出讲话中最相关的段落并注明出处。\n"
        "/ask 问题 — 提问（群组中使用）\n/sources — 查看资料来源\n/start — 简介\n"
        "按钮：上一条/下一条切换段落，“完整段落”显示整段，“来源”列出所有出处。",
        "用中文提問，我會找出講話中最相關的段落並註明出處。\n"
        "/ask 問題 — 提問（群組中使用）\n/sources — 查看資料來源\n/start — 簡介\n"
        "按鈕：上一條/下一條切換段落，「完整段落」顯示整段，「來源」列出所有出處。",
    ),
    "example": (
        "生态环境保护有哪些重点任务？",
        "生態環境保護有哪些重點任務？",
    ),
    "ask_usage": (
        "请在 /ask 后面写上问题，例如：/ask {example}",
        "請在 /ask 後面寫上問題，例如：/ask {example}",
    ),
    "off_topic": (
        "抱歉，这些讲话没有涉及这个问题。",
        "抱歉，這些講話沒有涉及這個問題。",
    ),
    "suggestions": ("最接近的主题：", "最接近的主題："),
    "search_unavailable": (
        "检索服务暂不可用，请稍后再试。",
        "檢索服務暫不可用，請稍後再試。",
    ),
    "unsupported": (
        "我只能回答文字问题，请用文字提问。",
        "我只能回答文字問題，請用文字提問。",
    ),
    "slow_down": (
        "提问太频繁了，请 {seconds} 秒后再试。",
        "提問太頻繁了，請 {seconds} 秒後再試。",
    ),
    "not_allowed": (
        "抱歉，这个机器人仅限受邀用户使用。",
        "抱歉，這個機器人僅限受邀用戶使用。",
    ),
    "not_admin": (
        "抱歉，只有管理员可以重新加载资料。",
        "抱歉，只有管理員可以重新加載資料。",
    ),
    "expired": (
        "这个回答已过期，请重新提问。",
        "這個回答已過期，請重新提問。",
    ),
    "error": (
        "抱歉，出了点问题，请稍后再试。",
        "抱歉，出了點問題，請稍後再試。",
    ),
    "reloading": ("正在重新加载资料……", "正在重新加載資料……"),
    "reloaded": (
        "已重新加载：{documents} 篇文档，{chunks} 个段落。",
        "已重新加載：{documents} 篇文檔，{chunks} 個段落。",
    ),
    "reload_unchanged": ("文档没有变化。", "文檔沒有變化。"),
    "reload_added": ("新增：", "新增："),
    "reload_removed": ("删除：", "刪除："),
    "reload_changed": ("修改：", "修改："),
    "reload_failed": (
        "重新加载失败，继续使用原有资料：{reason}",
        "重新加載失敗，繼續使用原有資料：{reason}",
    ),
    "sources_header": (
        "资料来源（{count} 篇文档，{chunks} 个段落）：",
        "資料來源（{count} 篇文檔，{chunks} 個段落）：",
    ),
    "sources_item": (
        "《{title}》— {chunks} 个段落",
        "《{title}》— {chunks} 個段落",
    ),
    "sources_truncated": ("（原网页内容不完整）", "（原網頁內容不完整）"),
    "sources_skipped": ("未能读取的文件：", "未能讀取的文件："),
    "sources_folder": ("资料文件夹（仅管理员可见）：{folder}", "資料文件夾（僅管理員可見）：{folder}"),
    "answer_sources": ("本回答的全部出处：", "本回答的全部出處："),
    "page": (
        "第 {page}/{total} 条",
        "第 {page}/{total} 條",
    ),
    "button_prev": ("◀ 上一条", "◀ 上一條"),
    "button_next": ("下一条 ▶", "下一條 ▶"),
    "button_full": ("完整段落", "完整段落"),
    "button_excerpt": ("摘录", "摘錄"),
    "button_sources": ("来源", "來源"),
    "inline_nothing": ("讲话中没有找到相关内容", "講話中沒有找到相關內容"),
    "inline_usage": (
        "输入问题，在讲话中查找答案",
        "輸入問題，在講話中查找答案",
    ),
    "cut": ("……（内容过长，已截断）", "……（內容過長，已截斷）"),
    "command_start": ("简介与示例", "簡介與示例"),
    "command_help": ("使用说明", "使用說明"),
    "command_ask": ("提问：/ask 问题", "提問：/ask 問題"),
    "command_sources": ("资料来源", "資料來源"),
    "sources_date": ("（{date}）", "（{date}）"),
    "sources_speaker": ("讲话人：{speaker}", "講話人：{speaker}"),
    "sources_occasion": ("场合：{occasion}", "場合：{occasion}"),
    "sources_attribution": ("（{parts}）", "（{parts}）"),
    "upload_not_admin": ("抱歉，只有管理员可以添加文档。", "抱歉，只有管理員可以添加文檔。"),
    "upload_too_big": (
        "文件太大（{size} MB），机器人最多能接收 {limit} MB 的文件。",
        "文件太大（{size} MB），機器人最多能接收 {limit} MB 的文件。",
    ),
    "upload_refused": ("未能添加这个文件：{reason}", "未能添加這個文件：{reason}"),
    "upload_unsupported": (
        "未能添加这个文件：不支持这种文件类型（请发送 .docx、.pdf、.doc、.html 或 .txt 文件）。",
        "未能添加這個文件：不支持這種文件類型（請發送 .docx、.pdf、.doc、.html 或 .txt 文件）。",
    ),
    "upload_not_text": (
        "未能添加这个文件：它既不是文档，也不是能识别编码的中文文本。",
        "未能添加這個文件：它既不是文檔，也不是能識別編碼的中文文本。",
    ),
    "upload_exists": ("这个文件之前已经添加过了。", "這個文件之前已經添加過了。"),
    "upload_not_indexed": ("未能添加这个文件：没有被收录。", "未能添加這個文件：沒有被收錄。"),
    "upload_cannot_write": ("无法写入资料文件夹：{detail}", "無法寫入資料文件夾：{detail}"),
    "upload_cannot_save": ("无法保存这个文件：{detail}", "無法保存這個文件：{detail}"),
    "upload_download_failed": (
        "未能从 Telegram 下载这个文件，请稍后再发一次。",
        "未能從 Telegram 下載這個文件，請稍後再發一次。",
    ),
    "upload_adding": ("正在读取并索引这个文件……", "正在讀取並索引這個文件……"),
    "upload_added": (
        "已添加《{title}》{note}：{chunks} 个段落，现在就可以提问。",
        "已添加《{title}》{note}：{chunks} 個段落，現在就可以提問。",
    ),
    "upload_warnings": ("注意：{warnings}", "注意：{warnings}"),
    "upload_warn_truncated": ("原文不完整", "原文不完整"),
    "upload_warn_redacted": ("有 {count} 处被隐去的数字或名称", "有 {count} 處被隱去的數字或名稱"),
    "upload_warn_mojibake": ("修复了 {count} 处乱码", "修復了 {count} 處亂碼"),
    "uploads_header": (
        "通过机器人添加的文档（/remove 编号 删除）：",
        "通過機器人添加的文檔（/remove 編號 刪除）：",
    ),
    "uploads_item": ("{number}. 《{title}》 {name}", "{number}. 《{title}》 {name}"),
    "remove_usage": (
        "请写上要删除的文档编号，例如：/remove 1（编号见 /sources）。",
        "請寫上要刪除的文檔編號，例如：/remove 1（編號見 /sources）。",
    ),
    "remove_not_admin": ("抱歉，只有管理员可以删除文档。", "抱歉，只有管理員可以刪除文檔。"),
    "removed": (
        "已删除《{title}》，现有 {documents} 篇文档。",
        "已刪除《{title}》，現有 {documents} 篇文檔。",
    ),
}

_TRADITIONAL_LANGUAGE_CODES = ("zh-hant", "zh-tw", "zh-hk", "zh-mo")


def text(key: str, script: Script, **values: object) -> str:
    """The UI string `key` in `script`, with `values` substituted (callers escape HTML first)."""
    simplified, traditional = TEXTS[key]
    template = traditional if script == "traditional" else simplified
    return template.format(**values) if values else template


def script_for_language(language_code: str | None) -> Script:
    """Script to greet a user in before they have asked anything, from Telegram's language_code."""
    code = (language_code or "").lower()
    return "traditional" if code.startswith(_TRADITIONAL_LANGUAGE_CODES) else "simplified"


def script_for_update(update: Update) -> Script:
    """Script for replying to an update that carries no question text: the sender's language_code."""
    user = update.effective_user
    return script_for_language(user.language_code if user else None)

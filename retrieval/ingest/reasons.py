"""Why a file was left out, as stable codes with an English and a Chinese (simplified) wording.

Readers raise `SkipError(code, **fields)`, a ValueError whose text is the English wording; that text is
what `Corpus.skipped`, the index cache, `qabot check` and the logs carry. `parse_reason` finds the code
and fields back from such a text, so a Chinese front end can show `chinese_reason(text)` (the bot converts
it to traditional script for traditional askers). Field values that are English words of our own (format
names, kinds of file) are translated too; a tool's own message (`detail`) is shown as the tool wrote it.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Final

# code: (English, Chinese). Fields in braces; the English wording is also what older caches hold.
REASONS: Final[dict[str, tuple[str, str]]] = {
    "no-text-layer": (
        "no text layer — scanned? OCR is not supported",
        "没有文字层（可能是扫描件），无法识别图片中的文字",
    ),
    "pdf-password": (
        "password-protected PDF: save a copy without the password",
        "PDF 设有密码：请另存一份不带密码的副本再发送",
    ),
    "pdf-too-many-pages": (
        "the PDF has {pages} pages, more than the {limit} an upload may have",
        "PDF 共 {pages} 页，超过了上传文件 {limit} 页的上限",
    ),
    "parse-timeout": (
        "reading it took longer than {seconds} s; stopped",
        "读取超过 {seconds} 秒，已停止",
    ),
    "parse-crashed": ("the reader stopped unexpectedly ({detail})", "读取程序意外中止（{detail}）"),
    "doc-no-tool": (
        "legacy .doc needs antiword or LibreOffice installed; save it as .docx",
        "旧版 .doc 文件需要安装 antiword 或 LibreOffice 才能读取；请另存为 .docx",
    ),
    "doc-tool-timeout": ("{tool} took longer than {seconds} s", "{tool} 处理超过 {seconds} 秒"),
    "doc-antiword-failed": ("antiword cannot read it: {detail}", "antiword 无法读取：{detail}"),
    "doc-libreoffice-failed": (
        "LibreOffice cannot convert it (exit {status})",
        "LibreOffice 无法转换（退出码 {status}）",
    ),
    "doc-no-text": ("{tool} found no text in it", "{tool} 没有读出任何文字"),
    "docx-no-text": ("no text in the document body", "文档正文没有文字"),
    "html-unreadable": ("not a readable HTML page: {detail}", "无法解析的网页：{detail}"),
    "html-no-article": ("no article text on the page", "网页上没有正文"),
    "empty-file": ("empty file", "文件是空的"),
    "only-boilerplate": (
        "no speech text left after removing site boilerplate",
        "去掉网站附加内容后没有讲话正文",
    ),
    "not-its-format": ("not {format}: renamed, or damaged", "不是{format}：文件被改名或已损坏"),
    "unsupported-content": ("unsupported content: {format}", "不支持的内容：{format}"),
    "damaged": ("damaged {suffix} file ({detail})", "{suffix} 文件已损坏（{detail}）"),
    "undecodable": (
        "cannot decode: not UTF-8/UTF-16, GB18030/GBK or Big5 text",
        "无法解码：不是 UTF-8/UTF-16、GB18030/GBK 或 Big5 编码的文本",
    ),
    "unreadable": ("cannot read: {detail}", "无法读取：{detail}"),
    "duplicate": ("same text as {doc_id}", "与 {doc_id} 内容相同，不重复收录"),
    "folder-unlistable": ("cannot list folder: {detail}", "无法列出文件夹内容：{detail}"),
    "uninspectable": ("cannot inspect: {detail}", "无法查看文件：{detail}"),
    "not-regular": ("not a regular file ({kind})", "不是普通文件（{kind}）"),
    "link-loop": ("symbolic link loop", "符号链接循环"),
    "link-dangling": (
        "dangling symbolic link (its target does not exist)",
        "符号链接指向的文件不存在",
    ),
    "link-unfollowable": ("symbolic link cannot be followed: {detail}", "无法跟随符号链接：{detail}"),
    "link-to-folder": ("symbolic link to a folder; not followed", "指向文件夹的符号链接，未跟随"),
    "link-outside": (
        "symbolic link to a file outside the corpus folder; not followed",
        "指向资料文件夹以外文件的符号链接，未跟随",
    ),
}
# English field values of our own making, in Chinese.
FIELD_WORDS: Final[dict[str, str]] = {
    "a PDF": "PDF 文件",
    "a Word .docx document": "Word .docx 文档",
    "a Word 97-2003 .doc document": "Word 97-2003 .doc 文档",
    "an HTML page": "网页",
    "a zip archive (not a Word document)": "zip 压缩包（不是 Word 文档）",
    "FIFO": "命名管道",
    "socket": "套接字",
    "device": "设备文件",
    "special file": "特殊文件",
}


class SkipError(ValueError):
    """A file cannot be indexed, for the reason `code` (a key of REASONS); str() is the English wording."""

    def __init__(self, code: str, **fields: object) -> None:
        self.code = code
        self.fields = {name: str(value) for name, value in fields.items()}
        super().__init__(REASONS[code][0].format(**self.fields))


def skip_reason(code: str, **fields: object) -> str:
    """The English wording of a reason (what SkipError says), for callers that record it directly."""
    return str(SkipError(code, **fields))


@cache
def _patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    out = []
    for code, (english, _) in REASONS.items():
        parts = re.split(r"\{(\w+)\}", english)  # literal, field, literal, field, …
        regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts))
        out.append((code, re.compile(regex, re.S)))
    # the most literal text first: "antiword cannot read it: …" before a shorter pattern could claim it
    return tuple(sorted(out, key=lambda item: -len(re.sub(r"\(\?P<\w+>\.\+\?\)", "", item[1].pattern))))


def parse_reason(reason: str) -> tuple[str, dict[str, str]] | None:
    """(code, fields) of a reason's English wording, or None for a text no code makes."""
    for code, pattern in _patterns():
        if match := pattern.fullmatch(reason):
            return code, match.groupdict()
    return None


def chinese_reason(reason: str) -> str:
    """The reason in simplified Chinese (fields translated where they are our own words)."""
    parsed = parse_reason(reason)
    if parsed is None:  # not made by this library (tests hold every reason it makes to a code)
        return reason
    code, fields = parsed
    return REASONS[code][1].format(**{k: FIELD_WORDS.get(v, v) for k, v in fields.items()})

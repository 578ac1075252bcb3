"""Site chrome of Chinese government and essay web pages, as data for the HTML reader.

Elements are dropped by tag, or by a class/id word (split at - _ and spaces, lower-cased); text lines are
dropped when most of their characters are link text (menus, related lists, breadcrumbs) or when they match
a footer/toolbar pattern. Everything here was seen on real pages (gov.cn portals, 范文 sites).
"""

from __future__ import annotations

import re
from typing import Final

# Never text: dropped wherever they are.
DROP_TAGS: Final = frozenset(
    {
        "script",
        "style",
        "noscript",
        "iframe",
        "button",
        "select",
        "input",
        "textarea",
        "template",
        "svg",
        "canvas",
        "object",
        "embed",
        "head",
    }
)
# Chrome by structure: dropped unless they hold most of the page's text (ASP.NET pages wrap the whole
# page in one <form>; some templates put the article inside <header>-less <section class="bottom …">).
CHROME_TAGS: Final = frozenset({"nav", "header", "footer", "aside", "form"})
# A chrome-looking element holding more than this share of the page's CJK characters is the article.
CHROME_MAX_SHARE: Final = 0.5
# class/id words that mark chrome. Compound words are listed whole ("bdshare"), so "content" is never hit.
CHROME_WORDS: Final = frozenset(
    {
        "nav",
        "navbar",
        "menu",
        "submenu",
        "breadcrumb",
        "breadcrumbs",
        "crumb",
        "crumbs",
        "bread",
        "position",
        "location",
        "dqwz",
        "share",
        "bdshare",
        "fenxiang",
        "social",
        "related",
        "relate",
        "xgwz",
        "xgxw",
        "recommend",
        "footer",
        "foot",
        "bottom",
        "copyright",
        "banquan",
        "sidebar",
        "side",
        "header",
        "topbar",
        "toolbar",
        "tools",
        "print",
        "comment",
        "comments",
        "pager",
        "pagination",
        "ad",
        "ads",
        "advert",
        "search",
        "login",
        "qrcode",
        "ewm",
        "friendlink",
        "links",
        "yqlj",
    }
)
BLOCK_TAGS: Final = frozenset(
    {
        "p",
        "div",
        "section",
        "article",
        "main",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "ul",
        "ol",
        "tr",
        "table",
        "tbody",
        "blockquote",
        "pre",
        "dl",
        "dt",
        "dd",
        "center",
        "td",
        "th",
        "br",
        "hr",
        "body",
    }
)
# A line whose link text is at least this share of its characters is navigation, not speech.
LINK_SHARE: Final = 0.5
# Footer, toolbar and byline lines (whole line, after whitespace is collapsed).
CHROME_LINES: Final = re.compile(
    r"版权所有|版權所有|ICP\s*备|ICP\s*備|ICP证|公网安备|网站标识码|網站標識碼|主办单位|主辦單位|承办单位|"
    r"技术支持|技術支持|联系我们|聯繫我們|网站地图|站点地图|^分享到|^【?\s*字[体號号]\s*[:：]|^【?\s*打印|"
    r"关闭窗口|關閉窗口|^当前位置|^當前位置|^您现在的位置|^浏览次数|^访问量|^扫一扫|^上一篇|^下一篇|"
    r"^(?:发布|發布|发文|更新)(?:时间|日期|時間)\s*[:：]|^来源\s*[:：]|^來源\s*[:：]|^相关(?:链接|阅读|文章|新闻)|"
    r"^责任编辑|^責任編輯"
)
# <title> texts end in the site name after one of these separators: 讲话标题_XX市人民政府.
TITLE_SEPARATORS: Final = re.compile(r"\s*(?:_|\||｜|－|—|–|-{1,2})\s*")
# <meta> names that carry a publication date.
DATE_META_NAMES: Final = frozenset(
    {
        "pubdate",
        "publishdate",
        "firstpublishedtime",
        "article:published_time",
        "dc.date",
        "date",
        "releasedate",
        "lastmodifiedtime",
    }
)
META_CHARSET: Final = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", re.I)
# Charset names in <meta> that must be decoded as a superset (pages labelled gb2312 use GBK characters).
CHARSET_SUPERSETS: Final = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "gb_2312-80": "gb18030",
    "big5": "big5hkscs",
}

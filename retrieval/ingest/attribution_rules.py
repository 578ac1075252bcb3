"""How Chinese speeches state who spoke and at what occasion, as data for `retrieval.ingest.attribution`.

Every pattern is matched against the folded text (simplified script, NFKC: `fold_for_matching`), which
keeps one character per character, so a match's span cuts the value out of the text in its own script.
The forms, as seen in speech titles, subtitles and bylines:

    在全市生态环境保护工作推进会议上的讲话             -> occasion 全市生态环境保护工作推进会议
    副市长在市政府就空气质量落后问题约谈开发区会议上的讲话 -> speaker 副市长, occasion 市政府就…会议
    ——在全市生态环境保护大会上的讲话（2024年3月15日）  -> occasion 全市生态环境保护大会
    ——在XX市第十五届人民代表大会第三次会议上            -> occasion XX市第十五届人民代表大会第三次会议
    张三同志在全省生态环境保护座谈会上的讲话            -> speaker 张三
    市委书记 张三 / 市委副书记、市长　李四             -> a byline: speaker 市委书记 张三

Placeholders (XX, ＊＊, 某某, ○○) are not names: they are taken out of a speaker, and a speaker with
nothing else left is empty (a citation reading "XX" would look like a name). An occasion keeps them as
stated ("在XX高新区…约谈会上"): it quotes the speech, whose redaction flags already warn the reader.
"""

from __future__ import annotations

import re
from typing import Final

# Only this many non-blank lines at the top and at the bottom of a text hold a subtitle or a byline.
EDGE_LINES: Final = 6
# A longer line is body text that happens to say "在……会议上的讲话".
MAX_LINE_CHARS: Final = 80
MAX_SPEAKER_CHARS: Final = 24
MAX_OCCASION_CHARS: Final = 60

# What a speech is called in its title: the occasion pattern ends with one of these.
_SPEECH_WORDS = (
    "讲话稿|讲话提纲|总结讲话|动员讲话|主旨讲话|重要讲话|讲话|发言稿|发言|致辞|主持词|工作报告|报告|讲稿"
)
# [dash] [speaker] 在 occasion [上|时|中] 的 讲话 [date or note in brackets]
OCCASION_LINE: Final = re.compile(
    r"^[—–\-－\s]*"
    r"(?:(?P<speaker>[^在，,。；;：:（(]{1,24}?)\s*)?"
    r"在(?P<occasion>[^，,。；;！!？?]{2,60}?)(?:上|时|中|期间)的?(?:" + _SPEECH_WORDS + r")"
    r"\s*(?:[（(][^（()）]{0,30}[)）])?\s*$"
)
# A subtitle under the title names the occasion even without the speech word: "——在……会议上".
SUBTITLE_LINE: Final = re.compile(
    r"^[—–\-－]+\s*在(?P<occasion>[^，,。；;！!？?]{2,60}?)(?:上|时|中|期间)"
    r"(?:的?(?:" + _SPEECH_WORDS + r"))?\s*(?:[（(][^（()）]{0,30}[)）])?\s*$"
)
# What stands before 在 in a line that is not this speech's occasion line: a topic ("关于在全市开展……工作上
# 的讲话"), a heading or a sentence about another speech ("一、深入学习习近平总书记在……大会上的重要讲话").
NOT_SPEAKER: Final = re.compile(
    r"关于|的|和|与|及|暨|是|《|》|“|”|\d|学习|贯彻|落实|传达|领会|根据|按照|围绕|深入|认真|"
    r"^[一二三四五六七八九十]+、"
)

# Titles of office a byline or a title names; a 副 or a place before them is part of the role.
_ROLE_WORDS = (
    "书记|市长|区长|县长|省长|州长|镇长|乡长|旗长|主任|局长|厅长|部长|主席|秘书长|处长|科长|院长|"
    "检察长|组长|委员|常委|理事长|会长|校长|董事长|总经理|署长|司长|巡视员|调研员|队长|站长|所长"
)
ROLE: Final = re.compile(r"[\u4e00-\u9fff、]{0,20}?(?:" + _ROLE_WORDS + r")")
# A byline: role(s), a space, a name of two to four characters (or a placeholder), nothing else.
BYLINE: Final = re.compile(
    r"^[—–\-－\s]*(?P<role>[\u4e00-\u9fff、]{0,20}?(?:" + _ROLE_WORDS + r"))"
    r"[\s\u3000]+(?P<name>[\u4e00-\u9fff·XxＸｘ×＊*○〇□]{2,6}?)(?:同志)?\s*$"
)
# A speaker written as "<name>同志": the honorific is not part of the name.
HONORIFIC: Final = re.compile(r"\s*同志$")

# Placeholder runs the source sites put where a name was: XX, xx, ×× , ＊＊, **, 某某, ○○, □□.
PLACEHOLDER: Final = re.compile(r"[XxＸｘ×＊*○〇□]+|某+")

# A meeting named on its own (a .docx subject, an html description): taken whole only when it names
# a kind of meeting at its end and is short; anything else must read 在……上的讲话.
MEETING: Final = re.compile(
    r"^[\u4e00-\u9fff0-9A-Za-z“”]{2,60}(?:会议|大会|座谈会|推进会|部署会|动员会|调度会|研判会|约谈会|"
    r"交流会|培训班|论坛|开幕式|闭幕式|典礼|仪式|年会|例会|全会|峰会|报告会)$"
)

# Authors office files and web pages name that are accounts or publishers, not speakers: the property
# is used only when it is not one of these and names no organisation.
GENERIC_AUTHORS: Final = frozenset(
    {
        "administrator",
        "admin",
        "user",
        "owner",
        "microsoft",
        "microsoft office user",
        "microsoft 用户",
        "windows user",
        "windows 用户",
        "微软用户",
        "微软中国",
        "雨林木风",
        "番茄花园",
        "深度技术",
        "系统之家",
        "python-docx",
        "匿名",
        "佚名",
        "未知",
        "作者",
        "本站",
        "小编",
        "编辑",
    }
)
ORGANISATION: Final = re.compile(
    r"网|站|办公室|办公厅|中心|门户|编辑部|新闻|报社|电视台|政府$|局$|委$|厅$|部$|处$|司$"
)
# An author property must read like a name or a role: Chinese characters (and a 、 or a space), short.
NAME_LIKE: Final = re.compile(r"^[\u4e00-\u9fff·、\s]{2,24}$")

# Web page <meta> names that carry the author, and those whose text may state the occasion.
AUTHOR_META_NAMES: Final = frozenset({"author", "dc.creator", "article:author", "contentauthor"})
OCCASION_META_NAMES: Final = frozenset({"subject", "dc.subject", "description", "dc.description"})

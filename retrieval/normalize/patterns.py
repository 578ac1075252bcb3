"""Regex and character-set constants used by `normalize` and `mojibake`.

Data only: every pattern is named, documented and compiled here; the logic that applies them lives in
`retrieval.normalize.document` and `retrieval.normalize.mojibake`. Patterns run on NFKC-folded text, so
full-width ASCII punctuation (，：；！？（）) has already become its ASCII form when they are applied.
"""

from __future__ import annotations

import re
from typing import Final

# --- character classes -------------------------------------------------------------------------------

# CJK unified ideographs (basic block, extension A, compatibility ideographs) as a regex class body.
CJK_CLASS: Final = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_RE: Final = re.compile(f"[{CJK_CLASS}]")

# CJK punctuation that survives NFKC plus the ASCII forms NFKC folds full-width punctuation into.
CJK_PUNCT: Final = frozenset("。、“”‘’《》「」『』〈〉【】〔〕…—·,.:;!?()")

# Characters that may end a complete sentence (after NFKC folding); used for mid-sentence truncation.
SENTENCE_END: Final = frozenset("。!?…”’」』)》.;")

# Lower-case pinyin letters incl. tone-marked vowels (ā á ǎ à, ü ǘ ǚ ǜ …) as a regex class body.
PINYIN_LETTERS: Final = r"a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜńňǹḿ"
# Tone-marked vowels: a ruby group must contain one (or be a known neutral-tone syllable) to count.
TONE_VOWELS: Final = frozenset("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ")

# --- pinyin ruby -----------------------------------------------------------------------------------------

# Pinyin ruby after a CJK character or word: 標(biāo) / 會議(huì yì). Checked for a tone mark in code
# so that real parenthesised Latin like (PM2.5) or (VOCs) is never touched.
PINYIN_RUBY: Final = re.compile(
    rf"(?<=[{CJK_CLASS}])\(([{PINYIN_LETTERS}]{{1,7}}(?:[ ']?[{PINYIN_LETTERS}]{{1,7}}){{0,3}})\)"
)
# Pinyin with a tone mark inside parentheses anywhere (used by tests/audits of the output).
PINYIN_LEFTOVER: Final = re.compile(rf"\([{PINYIN_LETTERS}]*[{''.join(sorted(TONE_VOWELS))}][a-z]*\)")

# --- boilerplate (name -> pattern); order matters, applied top to bottom --------------------------------

# An ellipsis run around site notices; NFKC turns "…" into "...".
_DOTS: Final = r"(?:…|\.{3})*"

# Essay-site "N characters omitted, members can read in full" notice: …(快文網http://…省略1275字,正式會員…)…
ELISION: Final = re.compile(_DOTS + r"\([^()\n]{0,80}?省略\d+字[^()\n]{0,40}\)" + _DOTS)

# End-of-preview notice: …(未完,全文共8260字,當前只顯示3314字,請閱讀下面提示信息。收藏TITLE)
TRUNCATION_NOTICE: Final = re.compile(
    _DOTS + r"\((?:未完|全文共\d+字|[當当]前只[顯显]示)[^\n]*?(?:\)(?=\s*(?:上一篇|下一篇|$))|$)"
)

BOILERPLATE: Final[tuple[tuple[str, re.Pattern[str]], ...]] = (
    # Previous/next/related-column navigation that essay sites append after the body.
    ("nav_links", re.compile(r"\s*(?:上一篇|下一篇|相[關关][欄栏]目)[::].*\Z", re.S)),
    # "Preview finished, contact the teacher" paywall tail incl. 👉 contact 👈 / 相关阅读 / 最近更新.
    ("preview_end", re.compile(r"[预預][览覽][阅閱][读讀]已[结結]束.*\Z", re.S)),
    # Disclaimer line: 免责声明:文稿来源网络整理,版权归原作者所有。
    ("disclaimer", re.compile(r"^[^\n]{0,4}免[责責][声聲]明[::][^\n]*$", re.M)),
    # Takedown notice: 若侵犯了您的合法权益,请作者持权属证明与本站联系…
    ("rights_notice", re.compile(r"^[^\n]{0,4}若侵犯了[您你]的合法[权權]益[^\n]*$", re.M)),
    # "First published on" footer: 文稿首发平台:www.example.com(站名)
    ("first_published", re.compile(r"^[^\n]{0,4}文稿首[发發]平[台臺][::][^\n]*$", re.M)),
    # Stray "related reading" / "latest updates" widget headings on their own line.
    ("related_links", re.compile(r"^\s*(?:相[关關][阅閱][读讀]|最近更新|推荐阅读|推薦閱讀)\s*$", re.M)),
)

# Site header line such as "华博范文网 首页" (site name followed by a home link).
SITE_HEADER: Final = re.compile(r"^[^\n]{0,20}?\s*首[页頁]\s*$", re.M)
# Breadcrumb line: 首页 > 讲话范文 > TITLE >
BREADCRUMB: Final = re.compile(r"^\s*首[页頁]\s*>(?P<trail>[^\n]*)$", re.M)
# Date line with an optional site name: 2024-12-09 华博范文网
DATE_LINE: Final = re.compile(r"^\s*\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?(?:\s+[^\s\d]{1,12})?\s*$", re.M)
# Site names (範文網 / 范文网 / 快文網 / 公文堂 …) to strip from a title.
SITE_NAME: Final = re.compile(r"\S{0,6}(?:[范範]文[网網]|快文[網网]|公文堂)")
# Explicit title label on the first line: 標題:TITLE |
TITLE_LABEL: Final = re.compile(r"\A\s*[標标][題题]\s*:\s*(?P<title>[^\n|]+?)\s*\|?\s*(?:\n|\Z)")
# Longest line still accepted as a bare first-line title.
MAX_TITLE_LEN: Final = 80

# --- redactions ----------------------------------------------------------------------------------------

# Placeholder letters: XX / xx / xxx / ×× / X县 — never part of a Latin word (APP, TEXT, xxl…).
PLACEHOLDER_X: Final = re.compile(
    rf"(?<![A-Za-z])(?:[Xx×]{{2,}}|X(?=[{CJK_CLASS}])|(?<=[{CJK_CLASS}])X)(?![A-Za-z])"
)
# Asterisk placeholders (*, **, ***). A '*' that starts a line and is followed by a space is a bullet.
PLACEHOLDER_STAR: Final = re.compile(r"(?<![*])\*{1,3}(?![*])")
BULLET_STAR: Final = re.compile(r"^\*\s", re.M)
# A redacted leader's name left as an underscore: _總書記.
PLACEHOLDER_UNDERSCORE: Final = re.compile(rf"_+(?=[{CJK_CLASS}])")
# Percent sign whose number was removed: 下降%, 達到%.
DROPPED_PERCENT: Final = re.compile(r"(?<![\d.*Xx×%])%")
# Verb directly followed by a measure word with the number missing in between: 進行次業務, 停家, 整改家.
DROPPED_COUNT_AFTER_VERB: Final = re.compile(
    r"(?:共計|共计|共|下降|提升|提高|增加|減少|减少|達到|达到|進行|进行|出動|出动|停|整改|查處|查处|取締|取缔"
    r"|完成|清理|整治|督促|撲滅|扑灭|培訓|培训)"
    r"(?P<gap>)(?:人次|臺次|台次|次|家|個|个|處|处|畝|亩|噸|吨|起|項|项|名|萬元|万元|天)"
)
# Measure word right before punctuation after a non-numeral (火點處, 垃圾噸,) — vetted against the dictionary.
DROPPED_COUNT_BEFORE_PUNCT: Final = re.compile(
    rf"(?<=[{CJK_CLASS}])(?P<gap>)(?:人次|臺次|台次|處|处|個|个|家|噸|吨|畝|亩)(?=[,;、。])"
)
# Characters that make a following measure word a normal phrase (一處, 此處, 各家) rather than a gap.
NUMERAL_OR_DEMONSTRATIVE: Final = frozenset(
    "零〇一二三四五六七八九十百千萬万億亿兩两幾几多每此該该這这那哪各某數数整半全本"
)

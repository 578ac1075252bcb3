"""User-facing wording, in simplified script; `answer` converts it to the asker's script."""

from __future__ import annotations

EMPTY_QUESTION = "请输入一个问题，例如：督察指出的个性问题是什么？"
NO_TERMS = "没有从问题里识别出可检索的词语。请用完整的中文句子提问，例如：秸秆焚烧怎么管？"
TOO_LONG = "问题太长，只按前 {limit} 个字检索。"
NOT_COVERED = "这些讲话里没有找到能回答这个问题的内容。"
SUGGEST_CLOSEST = "最接近的讲话：{titles}。"
SUGGEST_EXAMPLES = "可以这样问：{examples}"
EXAMPLE_QUESTION = "关于“{topic}”讲了什么？"
EXAMPLE_TOPIC_MAX = 16  # longer headings make clumsy example questions
TENTATIVE = "可能相关（未必直接回答）："
NEED_TOPIC = "想问哪方面的内容？请把话题说完整，例如：秸秆焚烧怎么管？"
CONTEXT_NOTE = "接上文：{topic}"
NO_MORE = "上一个回答没有更多相关段落了，可以换个说法或问新的问题。"
CLOSEST = "最接近的段落（仅供参考，未必回答了问题）："

NUMBER_REDACTED = "注意：摘录中有被隐去的数字（XX、* 等），所问的数值在原文中可能缺失。"
WARN_TRUNCATED = "原文在此处被网站截断或省略，内容不完整。"
WARN_DAMAGED = "原文此段有乱码，已尽量修复或删去，个别字句可能不准确。"
WARN_REDACTED = "原文此段有被隐去的数字或名称（如 XX、*），引用时请核实。"

CITATION_FORMAT = "《{title}》{sections} › ¶{paragraph}"
CITATION_PART = " · {part}"  # the speaker, the occasion: appended where stated and not in the title
CITATION_DATE = " · {date}"  # appended to a citation when the speech's date is known
ELLIPSIS = "…"

SEARCH_UNAVAILABLE = "检索服务暂不可用: shard {shard}"

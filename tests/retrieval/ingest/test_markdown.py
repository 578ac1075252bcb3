"""Markdown speeches: markup removed, structure and every sentence kept, then answered like any speech."""

from __future__ import annotations

from pathlib import Path

from retrieval.ingest.markdown import strip_markdown
from retrieval.retriever import Retriever

SPEECH = """---
source: 本地文稿
---
# 在全市河长制工作会议上的讲话

同志们：

今天召开全市河长制工作会议，主要任务是总结去年工作，部署今年任务。

## 一、提高认识，压实河长责任

各级河长要切实履行职责，**定期巡河**，发现问题及时交办。详见[巡河办法](https://example.org/a)。

### （一）健全巡河制度

1. 市级河长每季度巡河不少于一次。
2. 县级河长每月巡河不少于一次。

---

## 二、突出重点，推进黑臭水体治理

- 要加快黑臭水体整治，确保年底前消除城市建成区黑臭水体。
"""


def test_markup_goes_words_stay() -> None:
    plain = strip_markdown(SPEECH)
    assert plain.splitlines()[0] == "在全市河长制工作会议上的讲话"
    for gone in ("#", "**", "](", "source:", "---", "- 要"):
        assert gone not in plain
    assert "定期巡河" in plain and "详见巡河办法。" in plain
    assert "1. 市级河长每季度巡河不少于一次。" in plain


def test_placeholder_stars_are_not_markdown_in_txt(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(
        "在全市会议上的讲话\n为建设美丽**交出了一份亮眼的答卷，全年公示*起。", encoding="utf-8"
    )
    (chunk,) = Retriever.from_corpus(tmp_path, use_cache=False).chunks
    assert "美丽**交出" in chunk.text and chunk.redacted


def test_markdown_speech_is_chunked_and_answered(tmp_path: Path) -> None:
    (tmp_path / "speech.md").write_text(SPEECH, encoding="utf-8")
    retriever = Retriever.from_corpus(tmp_path, use_cache=False)
    (doc,) = retriever.documents
    assert doc.title == "在全市河长制工作会议上的讲话"
    text = "\n".join(c.text for c in retriever.chunks)
    for sentence in ("市级河长每季度巡河不少于一次", "县级河长每月巡河不少于一次", "消除城市建成区黑臭水体"):
        assert sentence in text  # numbered items are body text, not swallowed as headings
    answer = retriever.ask("县级河长多久巡河一次")
    assert answer.answered  # a four-chunk corpus scores low in absolute BM25 terms; shares still decide
    assert "县级河长每月巡河" in answer.hits[0].excerpt
    assert "(一)健全巡河制度" in answer.hits[0].citation

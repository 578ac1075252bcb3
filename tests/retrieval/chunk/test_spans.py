"""Span lookups agree with a scan of every span, and chunking grows linearly with redaction markers."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from retrieval.chunk import chunk_document
from retrieval.chunk.spans import SpanIndex
from retrieval.types import Document, NormalizationReport

CHUNK_PACKAGE = str(Path(__file__).resolve().parents[3] / "retrieval" / "chunk")
spans = st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60)), max_size=20)


@given(spans, st.integers(0, 60), st.integers(0, 60))
def test_span_index_agrees_with_a_scan(items: list[tuple[int, int]], start: int, length: int) -> None:
    end = start + length
    index = SpanIndex(items)
    assert index.overlaps(start, end) == any(s < end and e > start for s, e in items if s < e)
    touched = any((s < end and e > start) if s < e else start <= s <= end for s, e in items)
    assert index.touches(start, end) == touched


def redacted_speech(paragraphs: int) -> Document:
    """A speech whose every paragraph holds placeholders (XX) and is followed by a site cut."""
    line = "同志们：今年全市PM2.5平均浓度为XX微克每立方米，比去年下降XX%，优良天数XX天，我们要继续努力。"
    text = "\n".join(line for _ in range(paragraphs))
    cuts = tuple(i * (len(line) + 1) for i in range(1, paragraphs))
    return Document("d", "d.txt", "讲话", text, "utf-8", cuts, NormalizationReport())


def lines_executed(run: Callable[[], object]) -> int:
    """Python lines executed inside retrieval/chunk/: an operation count that no machine load changes."""
    count = 0

    def tracer(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        if not frame.f_code.co_filename.startswith(CHUNK_PACKAGE):
            return None
        if event == "line":
            count += 1
        return tracer

    sys.settrace(tracer)
    try:
        run()
    finally:
        sys.settrace(None)
    return count


def test_chunking_cost_is_linear_in_redaction_markers() -> None:
    small, large = redacted_speech(150), redacted_speech(600)  # 4x the text, 4x the markers and cuts
    assert all(c.redacted and c.truncated for c in chunk_document(small))
    ratio = lines_executed(lambda: chunk_document(large)) / lines_executed(lambda: chunk_document(small))
    assert ratio < 5, f"4x the input cost {ratio:.1f}x the operations (quadratic would be ~16x)"

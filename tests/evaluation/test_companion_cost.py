"""evaluation.companion_cost builds from real chunk text, with and without the bigram companion."""

from __future__ import annotations

from pathlib import Path

from evaluation.companion_cost import measure_build, synthetic_chunks

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def test_synthetic_chunks_are_seed_sentences_with_their_own_offsets() -> None:
    chunks = synthetic_chunks(CORPUS, 40)
    assert len(chunks) == 40 and len({c.chunk_id for c in chunks}) == 40
    assert all(c.end == len(c.text) > 0 for c in chunks)
    seed_text = "".join(p.read_text(encoding="utf-8") for p in CORPUS.glob("*.txt"))
    assert any(c.text[:6] in seed_text for c in chunks)


def test_the_companion_is_built_only_with_bigram_fusion() -> None:
    words = measure_build(CORPUS, 60, "none")
    fused = measure_build(CORPUS, 60, "bigram")
    assert (words["companion"], fused["companion"]) == (False, True)
    assert words["chunks"] == fused["chunks"] == 60
    assert fused["peak_rss_mb"] >= fused["setup_rss_mb"] > 0 and fused["build_s"] >= 0
    assert fused["build_cpu_s"] > 0  # jieba and the backends do measurable work even on 60 chunks
    assert 0 < fused["companion_s"] <= fused["build_s"] and words["companion_s"] == 0

"""The shipped dev set is well-formed and every evidence string is in the corpus text."""

from __future__ import annotations

import json
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from evaluation.devset import KINDS, DevSetError, load_devset
from evaluation.relevance import fold_for_relevance, strip_pinyin_ruby
from evaluation.runner import relevant_chunk_ids
from retrieval.retriever import Retriever

ROOT = Path(__file__).resolve().parents[2]
DEVSET = ROOT / "corpus" / "eval" / "dev.jsonl"
MIN_PER_KIND = {
    "direct": 15,
    "paraphrase": 15,
    "traditional": 10,
    "colloquial": 10,
    "multi": 8,
    "unanswerable": 18,
}


@pytest.fixture(scope="module")
def folded_corpus() -> dict[str, str]:
    return {
        p.name: fold_for_relevance(strip_pinyin_ruby(p.read_text(encoding="utf-8")))
        for p in sorted((ROOT / "corpus").glob("*.txt"))
    }


def test_devset_counts_per_kind() -> None:
    questions = load_devset(DEVSET)
    counts = Counter(q.kind for q in questions)
    assert len(questions) >= 90
    assert set(counts) == set(KINDS)
    for kind, minimum in MIN_PER_KIND.items():
        assert counts[kind] >= minimum, kind


def test_every_evidence_string_is_short_and_in_the_corpus(folded_corpus: dict[str, str]) -> None:
    for q in load_devset(DEVSET):
        for evidence in q.evidence:
            folded = fold_for_relevance(evidence)
            assert 6 <= len(folded) <= 25, (q.qid, evidence)
            assert any(folded in text for text in folded_corpus.values()), (q.qid, evidence)


def test_questions_cover_all_five_speeches(folded_corpus: dict[str, str]) -> None:
    per_doc: Counter[str] = Counter()
    for q in load_devset(DEVSET):
        docs = {
            name
            for name, text in folded_corpus.items()
            if any(fold_for_relevance(e) in text for e in q.evidence)
        }
        per_doc.update(docs)
    assert len(folded_corpus) == 5
    assert all(per_doc[name] >= 10 for name in folded_corpus), per_doc


def test_traditional_kind_crosses_scripts(folded_corpus: dict[str, str]) -> None:
    # a traditional-kind question is written in the other script than the text that answers it
    for q in load_devset(DEVSET):
        if q.kind == "traditional":
            question_is_traditional = fold_for_relevance(q.question) != _lower_nfkc_letters(q.question)
            evidence_is_traditional = any(fold_for_relevance(e) != _lower_nfkc_letters(e) for e in q.evidence)
            assert question_is_traditional != evidence_is_traditional, q.qid


def _lower_nfkc_letters(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LNM")


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"id": "x", "kind": "nonsense", "question": "q", "evidence": ["abcdef"]}, "unknown kind"),
        ({"id": "x", "kind": "direct", "question": "q", "evidence": []}, "unanswerable"),
        ({"id": "x", "kind": "unanswerable", "question": "q", "evidence": ["abcdef"]}, "unanswerable"),
        ({"id": "x", "kind": "direct", "question": "q"}, "keys"),
    ],
)
def test_malformed_lines_are_rejected(tmp_path: Path, record: dict[str, object], message: str) -> None:
    path = tmp_path / "dev.jsonl"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(DevSetError, match=message):
        load_devset(path)


def test_duplicate_ids_are_rejected(tmp_path: Path) -> None:
    line = json.dumps({"id": "a", "kind": "unanswerable", "question": "q", "evidence": []})
    path = tmp_path / "dev.jsonl"
    path.write_text(line + "\n" + line + "\n", encoding="utf-8")
    with pytest.raises(DevSetError, match="duplicate"):
        load_devset(path)


def test_every_evidence_string_is_inside_one_chunk_of_the_retriever() -> None:
    # judged on chunk texts, an evidence string split by a chunk boundary could never be found
    retriever = Retriever.from_corpus(ROOT / "corpus", use_cache=False)
    questions = load_devset(DEVSET)
    folded_chunks = [fold_for_relevance(c.text) for c in retriever.chunks]
    for q in questions:
        for evidence in q.evidence:
            assert any(fold_for_relevance(evidence) in text for text in folded_chunks), (q.qid, evidence)
    assert all(relevant_chunk_ids(retriever, questions)[q.qid] for q in questions if q.answerable)

"""`qabot shards build` and `--backend xapian --xapian-db`: `ask --json` through local shards and through
two xapian-tcpsrv shard servers equals the in-memory index's; a shard that is down is one line on stderr,
and a shard that comes back serves the next question without a restart."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from retrieval.errors import SearchUnavailable
from retrieval.retriever import Retriever
from tests.qabot.test_cli import run_cli
from tests.xapian_servers import ShardServer, remote_stub, shard_servers, tcpsrv

pytest.importorskip("xapian")

DEV = Path(__file__).resolve().parents[2] / "corpus" / "eval" / "dev.jsonl"
SCORE_TOLERANCE = 1e-6


@pytest.fixture(scope="module")
def shard_dir(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from qabot.cli import main

    out = tmp_path_factory.mktemp("shards") / "v1"
    assert main(["shards", "build", "--corpus", str(corpus_dir), "--shards", "2", "--out", str(out)]) == 0
    return out


def dev_stdin() -> str:
    rows = DEV.read_text(encoding="utf-8").splitlines()
    return "".join(json.loads(line)["question"] + "\n" for line in rows if line)


def without_scores(record: dict[str, Any]) -> tuple[dict[str, Any], list[float]]:
    hits = [{k: v for k, v in hit.items() if k != "score"} for hit in record["hits"]]
    return {**record, "hits": hits}, [hit["score"] for hit in record["hits"]]


def assert_same_json(expected_out: str, got_out: str) -> None:
    expected, got = expected_out.splitlines(), got_out.splitlines()
    assert len(got) == len(expected) > 0
    for a, b in zip(expected, got, strict=True):
        record_a, scores_a = without_scores(json.loads(a))
        record_b, scores_b = without_scores(json.loads(b))
        assert record_b == record_a
        assert scores_b == pytest.approx(scores_a, abs=SCORE_TOLERANCE)


def test_build_writes_shards_a_stub_and_a_progress_bar(
    corpus_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "v1"
    code, stdout, stderr = run_cli(
        ["shards", "build", "--corpus", str(corpus_dir), "--shards", "3", "--out", str(out)], capsys
    )
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == ["shard-0", "shard-1", "shard-2", "shards.stub"]
    assert (out / "shards.stub").read_text() == "auto shard-0\nauto shard-1\nauto shard-2\n"
    assert "shards" in stderr and "chunk" in stderr and "3 shards" in stdout
    code, _, stderr = run_cli(
        ["shards", "build", "--corpus", str(corpus_dir), "--shards", "2", "--out", str(out)], capsys
    )
    assert code == 2 and "not empty" in stderr  # a new corpus version goes to a new folder


def test_parallel_and_sequential_builds_answer_identically(
    corpus_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = []
    for jobs in ("1", "3"):
        out = tmp_path / f"jobs-{jobs}"
        build = ["shards", "build", "--corpus", str(corpus_dir), "--shards", "3", "--jobs", jobs]
        code, stdout, stderr = run_cli([*build, "--out", str(out)], capsys)
        assert code == 0 and "3 shards" in stdout and "chunk" in stderr
        code, got, _ = run_cli(["ask", "--json", "--xapian-db", str(out)], capsys, dev_stdin())
        assert code == 0
        answers.append(got)
    assert answers[0] == answers[1] and answers[0].count("\n") > 10  # byte for byte, scores included
    code, _, stderr = run_cli(
        ["shards", "build", "--shards", "2", "--jobs", "0", "--out", str(tmp_path / "x")], capsys
    )
    assert code == 2 and "--jobs" in stderr


def test_ask_json_through_local_shards_equals_in_memory(
    corpus_dir: Path, shard_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["ask", "--json", "--k", "5"]
    code, expected, _ = run_cli([*base, "--corpus", str(corpus_dir), "--no-cache"], capsys, dev_stdin())
    assert code == 0
    for path in (shard_dir, shard_dir / "shards.stub"):
        code, got, _ = run_cli(
            [*base, "--backend", "xapian", "--xapian-db", str(path), "--corpus", "/nonexistent"],
            capsys,
            dev_stdin(),
        )
        assert code == 0
        assert_same_json(expected, got)


def test_ask_json_through_two_remote_shards_equals_in_memory(
    corpus_dir: Path, shard_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tcpsrv()
    base = ["ask", "--json", "--k", "5"]
    code, expected, _ = run_cli([*base, "--corpus", str(corpus_dir), "--no-cache"], capsys, dev_stdin())
    with shard_servers([shard_dir / "shard-0", shard_dir / "shard-1"]) as servers:
        stub = remote_stub(tmp_path / "remote.stub", servers)
        code, got, _ = run_cli([*base, "--xapian-db", str(stub)], capsys, dev_stdin())
    assert code == 0
    assert_same_json(expected, got)


def test_a_shard_down_is_one_line_and_a_non_zero_exit(
    shard_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tcpsrv()
    with shard_servers([shard_dir / "shard-0", shard_dir / "shard-1"]) as servers:
        stub = remote_stub(tmp_path / "remote.stub", servers)
        servers[1].stop()
        code, out, err = run_cli(["ask", "--xapian-db", str(stub), "秸秆焚烧怎么管？"], capsys)
    assert code != 0 and out == ""
    assert err.splitlines() == [f"qabot: 检索服务暂不可用: shard {servers[1].address}"]


def test_a_shard_that_comes_back_answers_the_next_question(shard_dir: Path, tmp_path: Path) -> None:
    tcpsrv()
    question = "秸秆焚烧怎么管？"
    with shard_servers([shard_dir / "shard-0", shard_dir / "shard-1"]) as servers:
        retriever = Retriever.from_xapian(remote_stub(tmp_path / "remote.stub", servers))
        before = retriever.ask(question)
        assert before.answered
        servers[0].stop()
        with pytest.raises(SearchUnavailable, match=servers[0].address):
            retriever.ask(question)
        with pytest.raises(SearchUnavailable):  # still down: every question says so, none is half-answered
            retriever.ask("大气污染防治怎么做？")
        servers[0].start()  # same port
        after = retriever.ask(question)
    assert [h.chunk.chunk_id for h in after.hits] == [h.chunk.chunk_id for h in before.hits]
    assert after.answered


def test_a_restarted_server_drops_the_connection_and_it_is_reopened(shard_dir: Path, tmp_path: Path) -> None:
    """What the 60 s idle disconnect does to an open connection: the next query reconnects by itself."""
    tcpsrv()
    server = ShardServer(shard_dir / "shard-0")
    second = ShardServer(shard_dir / "shard-1")
    try:
        server.start()
        second.start()
        retriever = Retriever.from_xapian(remote_stub(tmp_path / "remote.stub", [server, second]))
        first = retriever.rank("秸秆焚烧", 3)
        server.stop()
        server.start()
        second.stop()
        second.start()
        assert retriever.rank("秸秆焚烧", 3) == first
    finally:
        server.stop()
        second.stop()


def test_backend_xapian_needs_a_database(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(["ask", "--backend", "xapian", "秸秆焚烧怎么管？"], capsys)
    assert code == 2 and "--xapian-db" in err


def test_eval_over_shards_measures_what_the_in_memory_index_measures(
    corpus_dir: Path, shard_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def summary(*extra: str) -> dict[str, Any]:
        out = tmp_path / "out"
        code, _, _ = run_cli(
            ["eval", "--no-progress", "--json", "--out", str(out), "--corpus", str(corpus_dir), *extra],
            capsys,
        )
        assert code == 0
        config = json.loads((out / "report.json").read_text(encoding="utf-8"))["configurations"][0]
        return {k: v for k, v in config.items() if k not in {"seconds", "settings"}}

    def split(config: dict[str, Any]) -> tuple[dict[str, Any], list[float]]:
        questions = config.pop("questions")
        scores = [q["top_score"] for q in questions]
        return {
            **config,
            "questions": [{k: v for k, v in q.items() if k != "top_score"} for q in questions],
        }, scores

    expected, expected_scores = split(summary())
    got, got_scores = split(summary("--backend", "xapian", "--xapian-db", str(shard_dir)))
    assert set(got) == set(expected)
    for key in expected:
        if key != "sweep":  # thresholds are the top scores themselves
            assert got[key] == expected[key], key
    assert got_scores == pytest.approx(expected_scores, abs=SCORE_TOLERANCE)


def test_concurrent_questions_over_remote_shards_answer_as_one_at_a_time(
    shard_dir: Path, tmp_path: Path
) -> None:
    """The bot asks from worker threads, each over its own connections; all answers are right."""
    from concurrent.futures import ThreadPoolExecutor

    tcpsrv()
    questions = [json.loads(line)["question"] for line in DEV.read_text(encoding="utf-8").splitlines()[:24]]
    local = Retriever.from_xapian(shard_dir)
    expected = [[h.chunk.chunk_id for h in local.ask(q).hits] for q in questions]
    with shard_servers([shard_dir / "shard-0", shard_dir / "shard-1"]) as servers:
        remote = Retriever.from_xapian(remote_stub(tmp_path / "remote.stub", servers))
        with ThreadPoolExecutor(max_workers=4) as pool:
            answers = list(pool.map(remote.ask, questions))
    assert [[h.chunk.chunk_id for h in a.hits] for a in answers] == expected


def test_conversations_through_shards_equal_in_memory(
    corpus_dir: Path, shard_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Follow-ups and 还有呢 read document frequencies and full score vectors: the shards give the same."""
    lines = []
    for row in (corpus_dir / "eval" / "followup.jsonl").read_text(encoding="utf-8").splitlines():
        case = json.loads(row)
        lines += [*case["earlier"], case["question"], "还有呢"]
    stdin = "\n".join(lines) + "\n"
    base = ["ask", "--conversation", "--json"]
    code, expected, _ = run_cli([*base, "--corpus", str(corpus_dir), "--no-cache"], capsys, stdin)
    assert code == 0
    code, got, _ = run_cli([*base, "--xapian-db", str(shard_dir)], capsys, stdin)
    assert code == 0
    assert_same_json(expected, got)


def test_threads_search_the_shards_at_the_same_time_each_on_its_own_connection(
    shard_dir: Path, tmp_path: Path
) -> None:
    """Four threads are inside a shard search at once (a barrier all of them must reach while searching:
    one connection under a lock would let only one in), each with its own database object."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from retrieval.index.backends.xapian_stub import ShardDatabase, parse_stub

    tcpsrv()
    threads = 4
    barrier = threading.Barrier(threads, timeout=20)
    with shard_servers([shard_dir / "shard-0", shard_dir / "shard-1"]) as servers:
        database = ShardDatabase(parse_stub(remote_stub(tmp_path / "remote.stub", servers)))

        def search(_: int) -> tuple[int, int]:
            def inside(db: Any) -> tuple[int, int]:
                barrier.wait()  # raises BrokenBarrierError if the threads cannot all be in here at once
                return id(db), int(db.get_doccount())

            return database.run(inside)

        with ThreadPoolExecutor(max_workers=threads) as pool:
            results = list(pool.map(search, range(threads)))
    assert len({db for db, _ in results}) == threads
    assert len({count for _, count in results}) == 1


@pytest.mark.parametrize("variant", ["l", "plus"])
def test_variants_other_than_okapi_are_refused_in_one_line(
    variant: str, shard_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """BM25L and BM25+ have no exact Xapian form: building, asking and evaluating with them is refused."""
    line = "qabot: the xapian backend reproduces BM25 Okapi only (variant=okapi)"
    config = ["--config", f"variant={variant}"]
    build = ["shards", "build", "--shards", "2", "--out", str(tmp_path / "v"), *config]
    ask = ["ask", "--xapian-db", str(shard_dir), *config, "秸秆焚烧怎么管？"]
    evaluate = ["eval", "--no-progress", "--out", str(tmp_path / "e"), "--xapian-db", str(shard_dir)]
    for argv in (build, ask, [*evaluate, *config], [*evaluate, "--compare", f"variant={variant}"]):
        code, out, err = run_cli(argv, capsys)
        assert (code, out, err.splitlines()) == (2, "", [line]), argv
    assert not (tmp_path / "v").exists()  # refused before anything was written
    code, _, _ = run_cli(["ask", "--xapian-db", str(shard_dir), "--config", "k1=1.2", "秸秆焚烧"], capsys)
    assert code == 0  # k1, b and epsilon apply at query time: any of them works over the same shards

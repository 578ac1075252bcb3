"""Load benchmark for the Telegram bot: many users asking at once through the fake Bot API server.

Runs the real `qabot serve` process against `tests.bot.fakebot` (run from the repository root), pushes
USERS x QUESTIONS private messages in one batch and reports how long each took to be answered.
Usage: python -m evaluation.bench_bot [--users 60] [--questions 5] [--max-sends-per-second 30]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from tests.bot import updates
from tests.bot.fakebot import FakeBotServer, replies_to
from tests.bot.serve_process import TOKEN, start_bot, stop_bot

# Real questions about the corpus, both scripts, plus one off-topic (answered politely, still a reply).
QUESTIONS = (
    "秸秆焚烧怎么管？",
    "大气污染防治有哪些措施？",
    "生態環境保護有哪些重點任務？",
    "中央生态环境保护督察交办的信访问题怎么处理？",
    "空气质量落后的原因是什么？",
    "2025年工作部署有哪些？",
    "如何提高全民生态环境保护意识？",
    "河長制落實得怎麼樣？",
    "明天上海的天气怎么样？",
    "蓝天保卫战的目标是什么？",
)
FIRST_USER = 100_000


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def run(users: int, questions: int, max_sends_per_second: float, timeout: float) -> dict[str, float]:
    server = FakeBotServer(TOKEN).start()
    with tempfile.TemporaryDirectory() as workdir:
        env = {
            "LOG_LEVEL": "WARNING",
            "BOT_MAX_SENDS_PER_SECOND": str(max_sends_per_second),
            "RATE_LIMIT_PER_MINUTE": str(max(20, questions)),
        }
        process = start_bot(server, Path(workdir), env)
        try:
            batch = [
                updates.message(FIRST_USER + u, QUESTIONS[(u + q) % len(QUESTIONS)])
                for u in range(users)
                for q in range(questions)
            ]
            ids = [m["message"]["message_id"] for m in batch]
            started = time.monotonic()
            server.push_many(batch)
            deadline = started + timeout
            while time.monotonic() < deadline and len(_replies(server, ids)) < len(ids):
                time.sleep(0.05)
            replied = _replies(server, ids)
        finally:
            stop_bot(process)
            server.stop()
    latencies = [at - started for at in replied.values()]
    return {
        "sent": len(ids),
        "answered": len(replied),
        "p50_s": percentile(latencies, 0.50) if latencies else float("nan"),
        "p95_s": percentile(latencies, 0.95) if latencies else float("nan"),
        "max_s": max(latencies, default=float("nan")),
        "mean_s": statistics.fmean(latencies) if latencies else float("nan"),
    }


def _replies(server: FakeBotServer, ids: list[int]) -> dict[int, float]:
    wanted = set(ids)
    with server.api.lock:
        calls = list(server.api.calls)
    found: dict[int, float] = {}
    for call in calls:
        target = (call.params.get("reply_parameters") or {}).get("message_id")
        if target in wanted and replies_to(call, target):
            found.setdefault(target, call.at)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=60)
    parser.add_argument("--questions", type=int, default=5, help="questions per user")
    parser.add_argument(
        "--max-sends-per-second",
        type=float,
        nargs="+",
        default=[30.0, 1000.0],
        help="bot-wide send rate(s) to try; Telegram's broadcast ceiling is ~30/s",
    )
    parser.add_argument("--timeout", type=float, default=60.0)
    args = parser.parse_args(argv)
    print(f"{args.users} users x {args.questions} questions pushed at once")
    print(f"{'sends/s':>8} {'answered':>9} {'p50 s':>7} {'p95 s':>7} {'max s':>7}")
    ok = True
    for rate in args.max_sends_per_second:
        result = run(args.users, args.questions, rate, args.timeout)
        print(
            f"{rate:>8g} {result['answered']:>5.0f}/{result['sent']:<3.0f} {result['p50_s']:>7.2f} "
            f"{result['p95_s']:>7.2f} {result['max_s']:>7.2f}"
        )
        ok = ok and result["answered"] == result["sent"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""GBK byte-shift mojibake: real spans from the seed corpus are repaired or cut."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.normalize import to_script
from retrieval.normalize.mojibake import char_cost, repair_mojibake, repair_mojibake_spans

CORPUS = Path(__file__).parents[3] / "corpus"


def _seed(prefix: str) -> str:
    (path,) = CORPUS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("garbled", "expected"),
    [
        # A dangling lead byte (DA) before 這 (DF40); `?cè)` is an orphaned fragment and is cut.
        ("今天,我們?cè)谶@里召開(kāi)全市", "今天,我們這里召開(kāi)全市"),
        # The lost A1 lead byte of 。 (A1A3) is restored: `;鶎迎h` -> `。基層環`.
        ("能力有待提升;鶎迎h(huán)境監管隊(duì)伍", "能力有待提升。基層環(huán)境監管隊(duì)伍"),
        ("機制“滯緩”;鶎訉θ罕娚鷳B(tài)信訪", "機制“滯緩”。基層對群眾生態(tài)信訪"),
        # The lost lead byte of 地 (B5D8) is re-created because 當 + 地 is a word.
        ("不僅影響了當(dāng)?shù)氐纳鷳B(tài)景觀", "不僅影響了當(dāng)地的生態(tài)景觀"),
        # B1 of 保 (B1A3), not A1 of 。: 環 + 保 is a word, so `!俺兄Z` -> `保“承諾`.
        ("開展企業(yè)環(huán)!俺兄Z亮諾踐諾”行動(dòng)", "開展企業(yè)環(huán)保“承諾亮諾踐諾”行動(dòng)"),
    ],
)
def test_repairs_realigned_spans(garbled: str, expected: str) -> None:
    fixed, repaired, _cut = repair_mojibake(garbled, traditional=True)
    assert fixed == expected
    assert repaired >= 1


@pytest.mark.parametrize(
    ("garbled", "expected"),
    [
        ("全市空氣質(zhì)量?jī)?yōu)良天數(shù)", "全市空氣質(zhì)量良天數(shù)"),
        ("恢復(fù)土地原貌畝?h針對(duì)河道", "恢復(fù)土地原貌畝針對(duì)河道"),
    ],
)
def test_cuts_unrepairable_fragments(garbled: str, expected: str) -> None:
    fixed, repaired, cut = repair_mojibake(garbled, traditional=True)
    assert (fixed, repaired, cut) == (expected, 0, 1)


def test_double_loss_is_partly_repaired_and_leftovers_cut() -> None:
    # Original 保“行百里者半九十”，容不得: B1 is lost, then four more bytes; `时］` is cut.
    fixed, repaired, cut = repair_mojibake(
        "生態(tài)環(huán)!靶邪倮镎甙刖攀保莶坏媒z毫懈怠。", traditional=True
    )
    assert fixed == "生態(tài)環(huán)保“行百里者半九不得絲毫懈怠。"
    assert (repaired, cut) == (1, 1)


def test_orphan_after_cjk_cut_and_rest_realigned() -> None:
    # Original 斬斷垃圾污染“鏈條”: 斷 is re-created (斬斷), the leftover `累染` (垃 and 污 halves) is cut.
    fixed, repaired, cut = repair_mojibake("處置高效性,斬?cái)嗬廴尽版湕l”。", traditional=True)
    assert fixed == "處置高效性,斬斷“鏈條”。"
    assert (repaired, cut) == (1, 2)


@pytest.mark.parametrize(
    "clean",
    [
        "今天,我們在這裡召開全市生態環境保護工作推進會議。",
        "PM2.5平均浓度XX微克/立方米,比县(市、区)平均综合指数(5.88)高20.02%;",
        "整合電話、網絡、APP等渠道,加強挥发性有机物(VOCs)综合治理。",
        "这是什么?我们要问一问!",
        "維生素C片和A股市场。",
    ],
)
def test_clean_text_untouched(clean: str) -> None:
    assert repair_mojibake(clean) == (clean, 0, 0)


@pytest.mark.parametrize("prefix", ["001", "002", "004"])
def test_clean_seed_files_untouched(prefix: str) -> None:
    raw = _seed(prefix)
    assert repair_mojibake(raw) == (raw, 0, 0)


def test_rare_characters_are_expensive() -> None:
    assert char_cost("鶎") > char_cost("基") + 8
    assert char_cost("谶", traditional=True) > char_cost("這", traditional=True)


@pytest.mark.parametrize("prefix", ["001", "002", "004"])
def test_clean_seed_files_in_traditional_script_untouched(prefix: str) -> None:
    trad = to_script(_seed(prefix), "traditional")
    assert repair_mojibake(trad) == (trad, 0, 0)


def test_spans_mark_repairs_and_cuts() -> None:
    fix = repair_mojibake_spans("處置高效性,斬?cái)嗬廴尽版湕l”。", traditional=True)
    assert fix.text == "處置高效性,斬斷“鏈條”。"
    assert fix.spans == ((7, 7), (7, 11), (8, 8))
    assert (fix.repaired, fix.cut) == (1, 2)


def test_shipped_character_table_matches_jiebas_dictionary() -> None:
    from retrieval.normalize.lexicon import _char_counts, build_char_counts

    shipped, _ = _char_counts()
    assert shipped == dict(build_char_counts())

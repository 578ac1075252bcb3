"""`--compare` and `--config` argument parsing."""

from __future__ import annotations

import pytest

from evaluation.grid import PRESETS, parse_grid
from retrieval.errors import ConfigError
from retrieval.settings import RetrieverSettings


def test_axes_form_a_cartesian_product_in_order() -> None:
    grid = parse_grid(["k1=1.2,1.5", "b=0.5,0.75"])
    assert [label for label, _ in grid] == ["k1=1.2,b=0.5", "k1=1.2,b=0.75", "k1=1.5,b=0.5", "k1=1.5,b=0.75"]
    assert grid[1][1] == {"k1": "1.2", "b": "0.75"}


def test_preset_expands_to_its_named_ablations() -> None:
    grid = parse_grid(["ablations"])
    assert [label for label, _ in grid] == [label for label, _ in PRESETS["ablations"]]


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_every_preset_names_real_settings(preset: str) -> None:
    for _, overrides in PRESETS[preset]:
        RetrieverSettings().with_overrides(overrides)  # raises ConfigError on an unknown name or bad value


@pytest.mark.parametrize("argument", ["nonsense", "k1=", "=1.2"])
def test_bad_compare_arguments_are_rejected(argument: str) -> None:
    with pytest.raises(ConfigError, match="--compare"):
        parse_grid([argument])

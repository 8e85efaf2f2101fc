"""Intervals and rounding agreement, against values computed independently."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from icansctl.stats import (
    clopper_pearson_interval,
    decimals_of,
    percent_agrees,
    round_half_up,
    wilson_interval,
)


def pct(interval: tuple[float, float]) -> tuple[float, float]:
    return (round_half_up(100 * interval[0], 1), round_half_up(100 * interval[1], 1))


@pytest.mark.parametrize(
    ("events", "total", "expected"),
    [
        (7, 20, (18.1, 56.7)),  # the worked example
        (0, 40, (0.0, 8.8)),
        (20, 20, (83.9, 100.0)),
        (3, 31, (3.3, 24.9)),
    ],
)
def test_wilson_matches_known_values(
    events: int, total: int, expected: tuple[float, float]
) -> None:
    assert pct(wilson_interval(events, total)) == expected


@pytest.mark.parametrize(
    ("events", "total", "expected"),
    [(7, 20, (15.4, 59.2)), (0, 40, (0.0, 8.8)), (20, 20, (83.2, 100.0))],
)
def test_clopper_pearson_matches_known_values(
    events: int, total: int, expected: tuple[float, float]
) -> None:
    assert pct(clopper_pearson_interval(events, total)) == expected


@given(st.integers(1, 500).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_intervals_contain_the_estimate(pair: tuple[int, int]) -> None:
    events, total = pair
    p = events / total
    for low, high in (wilson_interval(events, total), clopper_pearson_interval(events, total)):
        assert 0.0 <= low <= p <= high <= 1.0


@pytest.mark.parametrize(
    ("events", "total", "reported", "agrees"),
    [
        (5, 40, 13, True),  # 12.5 rounded half up
        (5, 40, 12, True),  # 12.5 rounded down
        (23, 40, 58, True),  # 57.5
        (2, 31, 6.4, True),  # 6.45 printed as 6.4
        (3, 31, 9.7, True),
        (8, 40, 21, False),  # 20% exactly
        (7, 20, 36, False),
        (0, 20, 0, True),
    ],
)
def test_percent_agreement(events: int, total: int, reported: float, agrees: bool) -> None:
    assert percent_agrees(events, total, reported) is agrees


def test_half_up_not_bankers() -> None:
    assert round_half_up(12.5) == 13.0
    assert round(12.5) == 12  # the trap this avoids
    assert decimals_of(35.0) == 0 and decimals_of(9.7) == 1

"""Intervals and rounding agreement, against values computed independently."""

from __future__ import annotations

from fractions import Fraction
from math import comb

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from icansctl.stats import (
    ProportionError,
    clopper_pearson_interval,
    decimals_of,
    display_places,
    percent_agrees,
    regularized_beta,
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
    [
        (7, 20, (15.4, 59.2)),  # the audit's spot checks: 7/20, 0/31, 6/31
        (0, 31, (0.0, 11.2)),
        (6, 31, (7.5, 37.5)),
        (0, 40, (0.0, 8.8)),  # 0/n: upper = 1 - 0.025^(1/n) = 8.81% by hand
        (20, 20, (83.2, 100.0)),
    ],
)
def test_clopper_pearson_matches_known_values(
    events: int, total: int, expected: tuple[float, float]
) -> None:
    assert pct(clopper_pearson_interval(events, total)) == expected


@settings(deadline=None)  # interval work, not a speed test: no machine-dependent deadline
@given(st.integers(1, 500).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_intervals_contain_the_estimate(pair: tuple[int, int]) -> None:
    events, total = pair
    p = events / total
    for low, high in (wilson_interval(events, total), clopper_pearson_interval(events, total)):
        assert 0.0 <= low <= p <= high <= 1.0


def binomial_tail_at_least(k: int, n: int, p: float) -> Fraction:
    """P(X >= k) for X ~ Binomial(n, p), summed term by term in exact rationals."""
    q = Fraction(p)
    return sum((comb(n, i) * q**i * (1 - q) ** (n - i) for i in range(k, n + 1)), Fraction(0))


@settings(deadline=None, max_examples=60)
@given(st.integers(1, 60).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_exact_bounds_leave_two_and_a_half_percent_in_each_tail(pair: tuple[int, int]) -> None:
    """The defining property of Clopper-Pearson, by an independent direct binomial sum:
    P(X >= k | p = L) = 0.025 and P(X <= k | p = U) = 0.025.  The trivial interval
    (0, 1) fails it (both tails would be 0)."""
    events, total = pair
    low, high = clopper_pearson_interval(events, total)
    if events > 0:
        assert float(binomial_tail_at_least(events, total, low)) == pytest.approx(0.025, abs=1e-9)
    else:
        assert low == 0.0
    if events < total:
        at_most = 1 - binomial_tail_at_least(events + 1, total, high)
        assert float(at_most) == pytest.approx(0.025, abs=1e-9)
    else:
        assert high == 1.0


def test_exact_interval_agrees_with_scipy() -> None:
    stats = pytest.importorskip("scipy.stats")
    for total in (1, 2, 7, 20, 31, 100, 999, 10_000, 1_000_000, 10_000_000):
        for events in sorted({0, 1, 2, total // 7, total // 2, total - 1, total}):
            if not 0 <= events <= total:
                continue
            low, high = clopper_pearson_interval(events, total)
            beta = stats.beta
            want_low = 0.0 if events == 0 else beta.ppf(0.025, events, total - events + 1)
            want_high = 1.0 if events == total else beta.ppf(0.975, events + 1, total - events)
            assert low == pytest.approx(want_low, rel=1e-9, abs=1e-12), (events, total)
            assert high == pytest.approx(want_high, rel=1e-9, abs=1e-12), (events, total)


def test_regularized_beta_agrees_with_scipy() -> None:
    # ln B(a, b) from lgamma carries ~1e-16 relative error on values of ~1e8 when a, b
    # are millions: about 1e-8 on the result, i.e. 1e-12 on a quantile; hence the slack.
    special = pytest.importorskip("scipy.special")
    for a, b in [(0.5, 0.5), (1, 1), (2, 7), (7, 14), (30, 3), (1e3, 2e3), (4e6, 6e6)]:
        slack = 1e-8 if a + b > 1e6 else 1e-13
        for x in (1e-9, 0.01, 0.2, 0.35, 0.4, 0.5, 0.7, 0.99, 1 - 1e-9):
            assert regularized_beta(x, a, b) == pytest.approx(
                float(special.betainc(a, b, x)), rel=1e-9, abs=slack
            ), (x, a, b)


@pytest.mark.parametrize(
    ("x", "a", "b", "expected"),
    [
        (0.3, 1, 1, 0.3),  # Beta(1, 1) is uniform
        (0.5, 2, 2, 0.5),  # symmetric
        (0.25, 2, 1, 0.0625),  # I_x(2, 1) = x^2
        (0.25, 1, 3, 1 - 0.75**3),  # I_x(1, b) = 1 - (1-x)^b
    ],
)
def test_regularized_beta_closed_forms(x: float, a: float, b: float, expected: float) -> None:
    assert regularized_beta(x, a, b) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    ("events", "total"),
    [(0, 0), (1, 0), (-1, 10), (11, 10), (1, 10_000_001), (10**30, 10**30), (True, 10), (1.0, 2)],
)
def test_intervals_refuse_what_is_not_a_proportion(events: int, total: int) -> None:
    for interval in (wilson_interval, clopper_pearson_interval):
        with pytest.raises(ProportionError):
            interval(events, total)
    assert issubclass(ProportionError, ValueError)


@pytest.mark.parametrize(
    ("events", "total", "reported", "agrees"),
    [
        (5, 40, 13, True),  # 12.5 rounded half up
        (5, 40, 12, True),  # 12.5 rounded half down (or truncated)
        (23, 40, 58, True),  # 57.5
        (2, 31, 6.4, True),  # 6.45.. truncated
        (2, 31, 6.5, True),  # 6.45.. rounded to nearest
        (3, 31, 9.7, True),  # 9.677..
        (8, 40, 21, False),  # 20% exactly
        (7, 20, 36, False),  # 35% exactly
        (0, 20, 0, True),
        (1, 3, 34, False),  # 33.3..: only rounding up gives 34
        (1, 3, 33, True),
        (1, 3, 33.3, True),
        (991, 1100, 91, False),  # 90.09..
        (991, 1100, 90, True),
        (2, 3, 66.7, True),  # 66.66..
        (2, 3, 67, True),
        (2, 3, 66, True),  # truncated
        (2, 3, 66.6, True),
        (1, 2000, 0.1, True),  # 0.05 half up
        (1, 2000, 0, True),  # 0.05 truncated
        (1, 3, 33.4, False),
        (1, 0, 0, False),  # no denominator
    ],
)
def test_percent_agreement(events: int, total: int, reported: float, agrees: bool) -> None:
    assert percent_agrees(events, total, reported) is agrees


def test_half_up_not_bankers() -> None:
    assert round_half_up(12.5) == 13.0
    assert round_half_up(0.125, 2) == 0.13
    # 2.675 is stored as 2.67499999...; rounded as printed it is 2.68 (Python says 2.67).
    assert round_half_up(2.675, 2) == 2.68
    assert decimals_of(35.0) == 0 and decimals_of(9.7) == 1 and decimals_of(6.45) == 2


@pytest.mark.parametrize(
    ("events", "total", "places"),
    [
        (0, 2000, 0),  # 0%
        (2000, 2000, 0),  # 100%
        (7, 20, 0),  # 35%
        (1, 100, 0),  # exactly 1%
        (99, 100, 0),  # exactly 99%
        (1, 200, 1),  # 0.5%
        (1, 2000, 2),  # 0.05%
        (1999, 2000, 2),  # 99.95%
        (1, 30_000, 3),  # 0.00333..%
        (199, 200, 1),  # 99.5%
        (24, 2500, 1),  # 0.96%
    ],
)
def test_display_places(events: int, total: int, places: int) -> None:
    assert display_places(events, total) == places

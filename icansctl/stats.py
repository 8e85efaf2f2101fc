"""Proportions: percentages, confidence intervals and agreement with printed figures.

Pure functions on counts; nothing here knows about YAML or rendering.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

Z_95 = 1.959963984540054  # two-sided 95% normal quantile


def wilson_interval(events: int, total: int, z: float = Z_95) -> tuple[float, float]:
    """Wilson score interval for events/total, as proportions in [0, 1]."""
    if total <= 0:
        raise ValueError("total must be positive")
    if not 0 <= events <= total:
        raise ValueError("events must lie between 0 and total")
    p = events / total
    z2 = z * z
    centre = (p + z2 / (2 * total)) / (1 + z2 / total)
    half = (z / (1 + z2 / total)) * math.sqrt(p * (1 - p) / total + z2 / (4 * total * total))
    low = 0.0 if events == 0 else max(0.0, centre - half)
    high = 1.0 if events == total else min(1.0, centre + half)
    return low, high


def _binomial_cdf(k: int, n: int, p: float) -> float:
    """P(X <= k) for X ~ Binomial(n, p), summed in log space for stability."""
    if p <= 0.0:
        return 1.0
    if p >= 1.0:
        return 1.0 if k >= n else 0.0
    log_p, log_q = math.log(p), math.log1p(-p)
    terms = [
        math.lgamma(n + 1)
        - math.lgamma(i + 1)
        - math.lgamma(n - i + 1)
        + i * log_p
        + (n - i) * log_q
        for i in range(k + 1)
    ]
    top = max(terms)
    return min(1.0, math.exp(top) * sum(math.exp(t - top) for t in terms))


def _bisect(predicate_high: object, low: float = 0.0, high: float = 1.0) -> float:
    f = predicate_high
    for _ in range(100):
        mid = (low + high) / 2
        if f(mid):  # type: ignore[operator]
            high = mid
        else:
            low = mid
    return (low + high) / 2


def clopper_pearson_interval(events: int, total: int, alpha: float = 0.05) -> tuple[float, float]:
    """Exact (Clopper-Pearson) interval for events/total, as proportions in [0, 1]."""
    if total <= 0:
        raise ValueError("total must be positive")
    if not 0 <= events <= total:
        raise ValueError("events must lie between 0 and total")
    tail = alpha / 2
    # lower bound: P(X >= events | p) = tail; P(X >= k) = 1 - cdf(k-1), increasing in p
    low = 0.0 if events == 0 else _bisect(lambda p: 1 - _binomial_cdf(events - 1, total, p) >= tail)
    # upper bound: P(X <= events | p) = tail; cdf decreasing in p
    high = 1.0 if events == total else _bisect(lambda p: _binomial_cdf(events, total, p) <= tail)
    return low, high


def decimals_of(value: float) -> int:
    """How many decimals a printed figure has (35 -> 0, 9.7 -> 1, 6.45 -> 2)."""
    exponent = Decimal(repr(value)).normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def percent_agrees(events: int, total: int, reported: float) -> bool:
    """True when ``reported`` is 100*events/total rounded down or up at its own precision.

    So 5/40 = 12.5 agrees with 13 and with 12, 2/31 = 6.45 agrees with 6.4 and 6.5,
    and 8/40 = 20 agrees only with 20.
    """
    if total <= 0:
        return False
    places = decimals_of(reported)
    scale = 10**places
    exact = Fraction(100 * events, total) * scale
    printed = Fraction(Decimal(repr(reported))) * scale
    return printed in (math.floor(exact), math.ceil(exact))


def round_half_up(value: float, places: int = 0) -> float:
    """Round as journals do (12.5 -> 13), not as Python's banker's rounding (12.5 -> 12)."""
    quantum = Decimal(1).scaleb(-places)
    return float(Decimal(repr(value)).quantize(quantum, rounding="ROUND_HALF_UP"))


def format_number(value: float, places: int) -> str:
    """A number with exactly ``places`` decimals."""
    return f"{value:.{places}f}"

"""Proportions: percentages, confidence intervals and agreement with printed figures.

Pure functions on counts; nothing here knows about YAML or rendering.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

Z_95 = 1.959963984540054  # two-sided 95% normal quantile


# No clinical study counts ten million patients: above this a count is a typo (or an
# attack), ``icansctl check`` says so (ICX047), and the functions here refuse it.
MAX_COUNT = 10_000_000


class ProportionError(ValueError):
    """Counts that no proportion can be computed from (a zero total, events outside
    0..total, a count above MAX_COUNT, not whole numbers)."""


def check_counts(events: int, total: int) -> None:
    """Raise ProportionError unless ``events``/``total`` is a proportion we can compute."""
    for name, value in (("events", events), ("total", total)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ProportionError(f"{name} must be a whole number, not {value!r}")
    if total <= 0:
        raise ProportionError(f"total must be positive (got {total})")
    if total > MAX_COUNT:
        raise ProportionError(f"total {total} is above the cap of {MAX_COUNT:,}")
    if not 0 <= events <= total:
        raise ProportionError(f"events must lie between 0 and total (got {events}/{total})")


def wilson_interval(events: int, total: int, z: float = Z_95) -> tuple[float, float]:
    """Wilson score interval for events/total, as proportions in [0, 1]."""
    check_counts(events, total)
    p = events / total
    z2 = z * z
    centre = (p + z2 / (2 * total)) / (1 + z2 / total)
    half = (z / (1 + z2 / total)) * math.sqrt(p * (1 - p) / total + z2 / (4 * total * total))
    low = 0.0 if events == 0 else max(0.0, centre - half)
    high = 1.0 if events == total else min(1.0, centre + half)
    return low, high


# --- the regularised incomplete beta function and its inverse -----------------------
#
# The Clopper-Pearson bounds are beta quantiles: with k events of n, the lower bound is
# the alpha/2 quantile of Beta(k, n-k+1) and the upper the 1-alpha/2 quantile of
# Beta(k+1, n-k), because P(X >= k | p) = I_p(k, n-k+1) for X ~ Binomial(n, p).  I_x(a, b)
# is evaluated by its continued fraction (modified Lentz), which needs O(sqrt(a + b))
# terms at worst, and inverted by bisection on [0, 1]: a fixed number of halvings,
# whatever the counts, instead of a sum over every possible count at each step.

_TINY = 1e-300  # keeps Lentz's denominators off zero
_CF_EPS = 1e-15
_CF_MAX_TERMS = 100_000  # ~30x what a count of MAX_COUNT needs: a guard, never reached
_HALVINGS = 64  # [0, 1] halved 64 times: below 1e-19, far past the 0.1% we print


def _log_beta(a: float, b: float) -> float:
    return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)


def _beta_fraction(x: float, a: float, b: float) -> float:
    """The continued fraction of I_x(a, b) (converges fast for x < (a+1)/(a+b+2))."""
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c = 1.0
    d = 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > _TINY else _TINY)
    h = d
    for m in range(1, _CF_MAX_TERMS + 1):
        m2 = 2 * m
        # even step
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = 1.0 + aa / c
        c = c if abs(c) > _TINY else _TINY
        h *= d * c
        # odd step
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = 1.0 + aa / c
        c = c if abs(c) > _TINY else _TINY
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < _CF_EPS:
            return h
    raise ProportionError(f"the incomplete beta fraction did not converge (a={a}, b={b})")


def regularized_beta(x: float, a: float, b: float, log_beta: float | None = None) -> float:
    """I_x(a, b), the regularised incomplete beta function (the Beta(a, b) CDF at x).

    ``log_beta`` (ln B(a, b)) may be passed when the same a, b are used many times.
    """
    if a <= 0 or b <= 0:
        raise ProportionError(f"beta parameters must be positive (a={a}, b={b})")
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    if log_beta is None:
        log_beta = _log_beta(a, b)
    front = math.exp(a * math.log(x) + b * math.log1p(-x) - log_beta)
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _beta_fraction(x, a, b) / a
    return 1.0 - front * _beta_fraction(1.0 - x, b, a) / b


def beta_quantile(q: float, a: float, b: float) -> float:
    """The x in [0, 1] with I_x(a, b) = q, by bisection (I_x increases with x)."""
    if not 0.0 < q < 1.0:
        raise ProportionError(f"a quantile needs 0 < q < 1 (got {q})")
    log_beta = _log_beta(a, b)
    low, high = 0.0, 1.0
    for _ in range(_HALVINGS):
        mid = (low + high) / 2
        if regularized_beta(mid, a, b, log_beta) < q:
            low = mid
        else:
            high = mid
    return (low + high) / 2


def clopper_pearson_interval(events: int, total: int, alpha: float = 0.05) -> tuple[float, float]:
    """Exact (Clopper-Pearson) interval for events/total, as proportions in [0, 1].

    The bounds L and U solve P(X >= events | L) = alpha/2 and P(X <= events | U) = alpha/2
    for X ~ Binomial(total, p), through the beta quantiles above.
    """
    check_counts(events, total)
    if not 0.0 < alpha < 1.0:
        raise ProportionError(f"alpha must lie between 0 and 1 (got {alpha})")
    tail = alpha / 2
    low = 0.0 if events == 0 else beta_quantile(tail, events, total - events + 1)
    high = 1.0 if events == total else beta_quantile(1.0 - tail, events + 1, total - events)
    return low, high


def decimals_of(value: float) -> int:
    """How many decimals a printed figure has (35 -> 0, 9.7 -> 1, 6.45 -> 2)."""
    exponent = Decimal(repr(value)).normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def percent_agrees(events: int, total: int, reported: float) -> bool:
    """True when ``reported`` is 100*events/total at its own precision, either rounded to
    the nearest (an exact half either way) or truncated.

    So 5/40 = 12.5 agrees with 13 and with 12; 2/31 = 6.45.. with 6.5 (nearest) and 6.4
    (truncated); 1/3 = 33.3.. only with 33, because 34 is rounded up, which no journal
    does; 8/40 = 20 only with 20.  A total of 0 agrees with nothing.
    """
    if total <= 0:
        return False
    places = decimals_of(reported)
    scale = 10**places
    exact = Fraction(100 * events, total) * scale
    printed = Fraction(Decimal(repr(reported))) * scale
    truncated = math.floor(exact)
    if printed == truncated:
        return True
    return bool(printed == truncated + 1 and exact - truncated >= Fraction(1, 2))


def counts_agreeing(total: int, reported: float, limit: int = 3) -> list[int]:
    """The whole counts k of ``total`` with ``percent_agrees(k, total, reported)``, in
    order, at most ``limit`` of them (enough to tell none, one and several apart).

    A count may be derived from a printed percent only when exactly one k agrees:
    64% of 101 gives [65] (64/101 = 63.4% neither rounds nor truncates to 64), but
    28% of 101 gives [28, 29] (27.7% rounds to 28, 28.7% truncates to 28).
    """
    if total <= 0 or total > MAX_COUNT:
        return []
    unit = Fraction(1, 10 ** decimals_of(reported))
    printed = Fraction(Decimal(repr(reported)))
    # 100k/total must lie in [printed - unit/2, printed + unit): nearest or truncated.
    low = max(0, math.ceil((printed - unit / 2) * total / 100))
    high = min(total, math.ceil((printed + unit) * total / 100))
    found: list[int] = []
    for k in range(low, high + 1):
        if percent_agrees(k, total, reported):
            found.append(k)
            if len(found) >= limit:
                break
    return found


def display_places(events: int, total: int) -> int:
    """How many decimals a computed percent is printed with.

    None at 0% and 100% and from 1% to 99%.  Below 1% or above 99%, one decimal, or
    as many as the first significant digit of the distance to 0% or 100% needs
    (1/2000 = 0.05%, 1999/2000 = 99.95%, 1/30000 = 0.003%): a count above zero never
    reads 0%, and a count short of the total never reads 100%.
    """
    if total <= 0 or events <= 0 or events >= total:
        return 0
    exact = Fraction(100 * events, total)
    gap = min(exact, 100 - exact)
    if gap >= 1:
        return 0
    places = 1
    while gap * 10**places < 1:
        places += 1
    return places


def round_half_up(value: float, places: int = 0) -> float:
    """Round as journals do (12.5 -> 13), not as Python's banker's rounding (12.5 -> 12)."""
    quantum = Decimal(1).scaleb(-places)
    return float(Decimal(repr(value)).quantize(quantum, rounding="ROUND_HALF_UP"))


def format_number(value: float, places: int) -> str:
    """A number with exactly ``places`` decimals."""
    return f"{value:.{places}f}"

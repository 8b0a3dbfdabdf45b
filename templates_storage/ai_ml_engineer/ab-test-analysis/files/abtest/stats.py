"""Frequentist A/B statistics in the standard library only.

The distributions (normal, Student t, chi-square) come from statistics.NormalDist and the
regularized incomplete beta and gamma functions below (continued fractions, as in
Numerical Recipes), so the kit runs anywhere Python does and its numbers can be checked
against textbook tables.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist, fmean

NORMAL = NormalDist()
ALTERNATIVES = ("two-sided", "greater")


def z_critical(alpha: float, alternative: str) -> float:
    return NORMAL.inv_cdf(1 - alpha / 2) if alternative == "two-sided" else NORMAL.inv_cdf(1 - alpha)


def _p_from_z(z: float, alternative: str) -> float:
    return 2 * (1 - NORMAL.cdf(abs(z))) if alternative == "two-sided" else 1 - NORMAL.cdf(z)


# --- special functions ----------------------------------------------------------------


def _betacf(a: float, b: float, x: float) -> float:
    tiny, qab, qap, qam = 1e-300, a + b, a + 1, a - 1
    c, d = 1.0, 1 - qab * x / qap
    d = 1 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 300):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1 + aa * d
        d = 1 / (d if abs(d) > tiny else tiny)
        c = 1 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1 + aa * d
        d = 1 / (d if abs(d) > tiny else tiny)
        c = 1 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1) < 1e-14:
            break
    return h


def incomplete_beta(a: float, b: float, x: float) -> float:
    """Regularized incomplete beta function I_x(a, b)."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log(1 - x))
    if x < (a + 1) / (a + b + 2):
        return front * _betacf(a, b, x) / a
    return 1 - front * _betacf(b, a, 1 - x) / b


def t_sf(t: float, df: float) -> float:
    """P(T > t) for Student's t with df degrees of freedom."""
    tail = 0.5 * incomplete_beta(df / 2, 0.5, df / (df + t * t))
    return tail if t >= 0 else 1 - tail


def t_ppf(q: float, df: float) -> float:
    """Quantile of Student's t (bisection on t_sf; monotone, so it always converges)."""
    lo, hi = -1e3, 1e3
    for _ in range(200):
        mid = (lo + hi) / 2
        if 1 - t_sf(mid, df) < q:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def chi2_sf(x: float, df: int) -> float:
    """P(X > x) for a chi-square variable: the regularized upper incomplete gamma Q(df/2, x/2)."""
    if x <= 0:
        return 1.0
    a, z = df / 2, x / 2
    if z < a + 1:  # series for the lower function
        term = total = 1 / a
        n = a
        while abs(term) > abs(total) * 1e-15:
            n += 1
            term *= z / n
            total += term
        return 1 - total * math.exp(-z + a * math.log(z) - math.lgamma(a))
    # continued fraction for the upper function
    tiny = 1e-300
    b, c, d = z + 1 - a, 1 / tiny, 1 / (z + 1 - a)
    h = d
    for i in range(1, 300):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = 1 / (d if abs(d) > tiny else tiny)
        c = b + an / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        if abs(d * c - 1) < 1e-15:
            break
    return math.exp(-z + a * math.log(z) - math.lgamma(a)) * h


# --- planning -------------------------------------------------------------------------


def sample_size_proportions(baseline: float, relative_mde: float, alpha: float, power: float, alternative: str) -> int:
    """Units per arm to detect baseline * (1 + relative_mde) with the given power."""
    p1, p2 = baseline, baseline * (1 + relative_mde)
    if not 0 < p1 < 1 or not 0 < p2 < 1:
        raise ValueError("baseline and baseline * (1 + mde) must be rates in (0, 1)")
    pooled = (p1 + p2) / 2
    z_a, z_b = z_critical(alpha, alternative), NORMAL.inv_cdf(power)
    top = z_a * math.sqrt(2 * pooled * (1 - pooled)) + z_b * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    return math.ceil(top**2 / (p2 - p1) ** 2)


def sample_size_means(sd: float, absolute_mde: float, alpha: float, power: float, alternative: str) -> int:
    """Units per arm to detect a difference of means of absolute_mde when the metric's sd is sd."""
    if sd <= 0 or absolute_mde == 0:
        raise ValueError("sd must be positive and the effect non-zero")
    z_a, z_b = z_critical(alpha, alternative), NORMAL.inv_cdf(power)
    return math.ceil(2 * ((z_a + z_b) * sd / absolute_mde) ** 2)


# --- checks and tests -----------------------------------------------------------------


def sample_ratio_mismatch(counts: list[int], shares: list[float]) -> float:
    """p-value of the chi-square goodness-of-fit of the assignment counts to the planned shares.

    A tiny p-value (below 0.001 by convention) means the split is broken (bots, redirects,
    a bucketing bug) and no result of this experiment can be trusted.
    """
    total = sum(counts)
    expected = [total * s / sum(shares) for s in shares]
    statistic = sum((o - e) ** 2 / e for o, e in zip(counts, expected, strict=True))
    return chi2_sf(statistic, len(counts) - 1)


@dataclass
class Comparison:
    control: float
    treatment: float
    difference: float
    relative_lift: float
    statistic: float
    p_value: float
    ci_low: float
    ci_high: float


def two_proportion_test(
    conversions_c: int, n_c: int, conversions_t: int, n_t: int, alpha: float, alternative: str
) -> Comparison:
    """Pooled two-proportion z-test; the interval on the difference is the unpooled Wald interval."""
    p_c, p_t = conversions_c / n_c, conversions_t / n_t
    pooled = (conversions_c + conversions_t) / (n_c + n_t)
    z = (p_t - p_c) / math.sqrt(pooled * (1 - pooled) * (1 / n_c + 1 / n_t))
    se = math.sqrt(p_c * (1 - p_c) / n_c + p_t * (1 - p_t) / n_t)
    crit = z_critical(alpha, alternative)
    high = p_t - p_c + crit * se if alternative == "two-sided" else math.inf
    return Comparison(p_c, p_t, p_t - p_c, (p_t - p_c) / p_c, z, _p_from_z(z, alternative), p_t - p_c - crit * se, high)


def welch_test(control: list[float], treatment: list[float], alpha: float, alternative: str) -> Comparison:
    """Welch's unequal-variance t-test with Welch-Satterthwaite degrees of freedom."""
    n_c, n_t = len(control), len(treatment)
    if n_c < 2 or n_t < 2:
        raise ValueError("each arm needs at least two units")
    m_c, m_t = fmean(control), fmean(treatment)
    v_c = sum((x - m_c) ** 2 for x in control) / (n_c - 1)
    v_t = sum((x - m_t) ** 2 for x in treatment) / (n_t - 1)
    se2 = v_c / n_c + v_t / n_t
    df = se2**2 / ((v_c / n_c) ** 2 / (n_c - 1) + (v_t / n_t) ** 2 / (n_t - 1))
    t = (m_t - m_c) / math.sqrt(se2)
    p = 2 * t_sf(abs(t), df) if alternative == "two-sided" else t_sf(t, df)
    crit = t_ppf(1 - alpha / 2, df) if alternative == "two-sided" else t_ppf(1 - alpha, df)
    half = crit * math.sqrt(se2)
    high = m_t - m_c + half if alternative == "two-sided" else math.inf
    return Comparison(m_c, m_t, m_t - m_c, (m_t - m_c) / m_c if m_c else math.nan, t, p, m_t - m_c - half, high)


def cuped(values: list[float], covariates: list[float]) -> list[float]:
    """CUPED: y - theta * (x - mean(x)), theta = cov(x, y) / var(x), x a pre-experiment metric.

    The adjusted values have the same mean and a variance smaller by the share the
    covariate explains, so the same experiment detects smaller effects. Compute theta on
    both arms together (as here), never per arm.
    """
    mx, my = fmean(covariates), fmean(values)
    var_x = sum((x - mx) ** 2 for x in covariates)
    if var_x == 0:
        return list(values)
    theta = sum((x - mx) * (y - my) for x, y in zip(covariates, values, strict=True)) / var_x
    return [y - theta * (x - mx) for x, y in zip(covariates, values, strict=True)]


def adjust(p_values: list[float], method: str) -> list[float]:
    """Family-wise error correction: Holm's step-down, Bonferroni, or none."""
    m = len(p_values)
    if method == "none":
        return list(p_values)
    if method == "bonferroni":
        return [min(1.0, p * m) for p in p_values]
    if method != "holm":
        raise ValueError(f"unknown correction {method!r}")
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted, running = [0.0] * m, 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[i]))
        adjusted[i] = running
    return adjusted

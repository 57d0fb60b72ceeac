"""The Pareto/NBD model of repeat purchasing (Schmittlein, Morrison & Colombo 1987).

A customer buys at rate lambda while alive (Poisson; lambda ~ Gamma(r, alpha) across
customers) and stays alive for an exponential time with rate mu (mu ~ Gamma(s, beta)): unlike
BG/NBD, drop-out can happen at any moment, also before the first repeat purchase.

References: D. C. Schmittlein, D. G. Morrison, R. Colombo, "Counting your customers: who are
they and what will they do next?", Management Science 33(1), 1987; P. S. Fader, B. G. S.
Hardie, "A note on deriving the Pareto/NBD model and related expressions", 2005
(brucehardie.com/notes/009), whose equations are used here. On the CDNOW sample (2,357
customers, 39-week calibration, weeks) Fader, Hardie & Lee (2005) report r = 0.553,
alpha = 10.578, s = 0.606, beta = 11.669, log-likelihood -9,595.0.

Speed: the likelihood needs D(t) (:func:`log_dead_term`) only at the distinct (x, t) pairs,
t = t_x or T, of which transaction dates give far fewer than customers (a few thousand for
150,000 customers); :class:`PreparedCustomers` finds them once per fit. The Gaussian
hypergeometric series of D(t) is summed directly (:func:`hyp2f1_one`), with its derivatives,
so the fit has an analytic gradient.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from core.customers.fitting import PURCHASE_RATE_MEANINGS, Distinct, PurchaseModel, distinct_pairs

#: The series of :func:`hyp2f1_one` is summed where z is at most this (at most about 400
#: terms); above it the connection formula to 1 - z, or scipy's hyp2f1, gives the value.
SERIES_MAX_Z = 0.9
#: Distance of d - c - 1 from a whole number below which scipy takes over from the connection formula.
_NEAR_INTEGER = 0.01
#: The series loops check convergence every this many terms.
_CHECK_EVERY = 8
#: Relative size below which the bound on the rest of a series stops the summation.
_SERIES_TOLERANCE = 1e-17
#: The connection formula's value counts only when it is above this fraction of the sum of its
#: two terms' sizes (at most 8 of 16 digits lost to cancellation).
_CANCELLATION = 1e-8
#: Relative step of the central differences in c and d where scipy gives the value.
_PARAMETER_STEP = 1e-6


def hyp2f1_one(c, d, z, *, derivatives: bool = False):
    """ln 2F1(1, c; d; z) for 0 < c < d and 0 <= z < 1, and optionally its derivatives.

    Parameters
    ----------
    c, d, z : array-like of one shape
        Parameters and argument (dimensionless).
    derivatives : bool
        Also return the derivatives of ln 2F1 in c, d and z.

    Returns
    -------
    ln F, or (ln F, d ln F / dc, d ln F / dd, d ln F / dz) : ndarray

    Notes
    -----
    F = sum over n >= 0 of q_n z^n with q_0 = 1 and q_(n+1) = q_n (c+n) / (d+n): every term is
    positive and at most z times the one before, so after the term u_n the rest is below
    u_n z / (1 - z), and the summation stops for each element once that bound is under 1e-17
    of the sum (at z = 0.5 after about 55 terms). The derivatives are summed in the same loop:
    d u_n / dc = u_n sum_(k<n) 1/(c+k), d u_n / dd = -u_n sum_(k<n) 1/(d+k),
    d u_n / dz = n u_n / z, with their own bounds on the rest. Elements with z above
    :data:`SERIES_MAX_Z` (slow to converge) take the connection formula to 1 - z
    (:func:`_connection_values`), or scipy.special.hyp2f1 (:func:`_scipy_values`) where
    that formula would cancel: d - c - 1 within 0.01 of a whole number, or (1 - z) max(c, d - 1)
    of 0.5 or more (many purchases; scipy is fast there).

    Examples
    --------
    2F1(1, 1; 2; z) = -ln(1 - z) / z; at z = 0.5 that is 2 ln 2 = 1.386294:

    >>> round(float(np.exp(hyp2f1_one(1.0, 2.0, 0.5))), 6)
    1.386294
    >>> float(hyp2f1_one(3.0, 4.0, 0.0))
    0.0
    """
    c, d, z = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (c, d, z)))
    shape = z.shape
    c, d, z = c.ravel(), d.ravel(), z.ravel()
    outputs = [np.empty(z.size) for _ in range(4 if derivatives else 1)]
    outputs[0][:] = np.nan  # z >= 1 (1 - z rounded to 0): no value; the caller has no value
    for o in outputs[1:]:
        o[:] = np.nan
    valid = z < 1
    near_one = valid & (z > SERIES_MAX_Z)
    series = np.flatnonzero(valid & ~near_one)
    _sum_series(c[series], d[series], z[series], series, outputs)
    # the connection formula divides by e = d - c - 1 and its distance to a whole number, and
    # its series has large terms of both signs unless w (c + e) is well below 1
    e = d - c - 1
    by_scipy = near_one & ((np.abs(e - np.round(e)) < _NEAR_INTEGER) | ((1 - z) * (c + np.maximum(e, 0)) >= 0.5))
    connection = np.flatnonzero(near_one & ~by_scipy)
    _connection_values(c[connection], d[connection], z[connection], connection, outputs)
    if by_scipy.any():
        _scipy_values(c[by_scipy], d[by_scipy], z[by_scipy], np.flatnonzero(by_scipy), outputs)
    outputs = [o.reshape(shape) for o in outputs]
    return tuple(outputs) if derivatives else outputs[0]


def _sum_series(c, d, z, where, outputs):
    """Sum the series for each element, dropping elements from the loop as they converge.

    Convergence is checked every :data:`_CHECK_EVERY` terms (a check costs more than a term);
    terms added after the bound was met only make the sum more exact.
    """
    derivatives = len(outputs) > 1
    n = z.size
    total, term = np.ones(n), np.ones(n)
    if derivatives:
        harmonic_c, harmonic_d = np.zeros(n), np.zeros(n)
        sum_c, sum_d, sum_n = np.zeros(n), np.zeros(n), np.zeros(n)
    ratio_rest = z / (1 - z)
    k = 0
    while where.size:
        c_k, d_k = c + k, d + k
        slope = term * (c_k / d_k)  # q_(k+1) z^k, the term's derivative in z over (k+1)
        term = slope * z
        total += term
        if derivatives:
            harmonic_c += 1 / c_k
            harmonic_d += 1 / d_k
            sum_c += term * harmonic_c
            sum_d += term * harmonic_d
            sum_n += (k + 1) * slope
        k += 1
        if k % _CHECK_EVERY:
            continue
        done = term * ratio_rest <= _SERIES_TOLERANCE * total
        if derivatives:
            square = ratio_rest / (1 - z)
            done &= term * (harmonic_c * ratio_rest + square / c) <= _SERIES_TOLERANCE * sum_c
            done &= term * (harmonic_d * ratio_rest + square / d) <= _SERIES_TOLERANCE * sum_d
            done &= term * (k * ratio_rest + square) <= _SERIES_TOLERANCE * sum_n * z
        if done.any():
            finished = where[done]
            outputs[0][finished] = np.log(total[done])
            if derivatives:
                outputs[1][finished] = sum_c[done] / total[done]
                outputs[2][finished] = -sum_d[done] / total[done]
                outputs[3][finished] = sum_n[done] / total[done]
            keep = ~done
            where, c, d, z, total, term, ratio_rest = (v[keep] for v in (where, c, d, z, total, term, ratio_rest))
            if derivatives:
                harmonic_c, harmonic_d, sum_c, sum_d, sum_n = (
                    v[keep] for v in (harmonic_c, harmonic_d, sum_c, sum_d, sum_n)
                )


def _connection_values(c, d, z, where, outputs):
    """ln 2F1(1, c; d; z) and its derivatives near z = 1, by the connection formula to w = 1 - z.

    With e = d - c - 1 (not a whole number), DLMF 15.8.4 for a = 1 gives

        2F1(1, c; d; z) = (d-1)/e 2F1(1, c; 1-e; w) + w^e z^(1-d) G(d) G(-e) / G(c)

    (G the gamma function; the second series of 15.8.4 sums to z^(1-d) here). The remaining
    series has terms q_n w^n, q_(n+1) = q_n (c+n) / (1-e+n), which shrink like w^n once
    1-e+n > 0; its derivatives in c, in its third parameter and in w are summed alongside.
    """
    e = d - c - 1
    w = 1 - z
    g = 1 - e
    series, d_c, d_g, d_w = _signed_series(c, g, w)
    first = (d - 1) / e
    log_second = e * np.log(w) + (1 - d) * np.log(z) + special.gammaln(d) + special.gammaln(-e) - special.gammaln(c)
    second = special.gammasgn(-e) * np.exp(log_second)
    value = first * series + second
    # two large terms of opposite sign (d large, as when s and beta run off together) leave a
    # difference with few or no correct digits: those elements get NaN (no value)
    scale = np.abs(first * series) + np.abs(second)
    reliable = np.isfinite(value) & (value > _CANCELLATION * scale)
    value = np.where(reliable, value, np.nan)
    with np.errstate(invalid="ignore"):
        outputs[0][where] = np.log(value)
    if len(outputs) > 1:
        log_w, log_z = np.log(w), np.log(z)
        psi_e = special.digamma(-e)
        outputs[1][where] = (first * (series / e + d_c + d_g) + second * (-log_w + psi_e - special.digamma(c))) / value
        # d (first S) / dd with first = (d-1)/e: first (S/(d-1) - S/e - dS/dg), whose first term is
        # S/e, also at d = 1 (first = 0), where it is taken so rather than as 0 times infinity
        with np.errstate(divide="ignore", invalid="ignore"):
            by_d = first * (series / (d - 1) - series / e - d_g)
        by_d = np.where(d == 1, series / e, by_d)
        outputs[2][where] = (by_d + second * (log_w - log_z + special.digamma(d) - psi_e)) / value
        outputs[3][where] = (-first * d_w + second * (-e / w + (1 - d) / z)) / value


def _signed_series(c, g, w):
    """sum of q_n w^n (q_0 = 1, q_(n+1) = q_n (c+n)/(g+n), g not 0, -1, -2, ...) and its derivatives in c, g, w.

    Terms may change sign while g + n < 0; once g + n > 0 the ratio of successive terms moves
    monotonically towards w < 1, so with rho = max(that ratio, w) < 1 the rest is below
    |u_n| rho / (1 - rho), and the loop stops for an element when that bound, widened for the
    derivative sums, is under 1e-17 of the sum.
    """
    n_elements = w.size
    results = [np.empty(n_elements) for _ in range(4)]
    where = np.arange(n_elements)
    total, term = np.ones(n_elements), np.ones(n_elements)
    harmonic_c, harmonic_g = np.zeros(n_elements), np.zeros(n_elements)
    sum_c, sum_g, sum_n = np.zeros(n_elements), np.zeros(n_elements), np.zeros(n_elements)
    k = 0
    while where.size:
        c_k, g_k = c + k, g + k
        term *= c_k / g_k * w
        harmonic_c += 1 / c_k
        harmonic_g += 1 / g_k
        total += term
        sum_c += term * harmonic_c
        sum_g -= term * harmonic_g
        sum_n += (k + 1) * term
        k += 1
        if k % _CHECK_EVERY:
            continue
        rho = np.maximum(w * (c + k) / (g + k), w)
        with np.errstate(divide="ignore", invalid="ignore"):
            widened = (
                np.abs(term)
                * rho
                / (1 - rho) ** 2
                * (1 + np.abs(harmonic_c) + np.abs(harmonic_g) + k + 1 / c + 1 / np.abs(g + k))
            )
            done = (g + k > 0) & (rho < 1) & (widened <= _SERIES_TOLERANCE * np.abs(total))
        if done.any():
            finished = where[done]
            for result, value in zip(results, (total, sum_c, sum_g, sum_n / w)):
                result[finished] = value[done]
            keep = ~done
            where, c, g, w, total, term, harmonic_c, harmonic_g, sum_c, sum_g, sum_n = (
                v[keep] for v in (where, c, g, w, total, term, harmonic_c, harmonic_g, sum_c, sum_g, sum_n)
            )
    return results


def _scipy_values(c, d, z, where, outputs):
    """ln 2F1(1, c; d; z) from scipy, and its derivatives, for the elements near z = 1.

    scipy's hyp2f1 is slow there (up to 50 microseconds an element), so d/dz takes no call:
    2F1(1, c; d; z) = (d-1) z^(1-d) (1-z)^(d-c-1) B_z(d-1, c-d+1) (B_z the incomplete beta
    function, whose derivative in z is elementary) gives
    d ln F / dz = (1-d)/z - (d-c-1)/(1-z) + (d-1) / (z (1-z) F);
    the derivatives in c and d are central differences.
    """
    log_value = _log_positive(special.hyp2f1(1.0, c, d, z))
    outputs[0][where] = log_value
    if len(outputs) > 1:
        step_c, step_d = _PARAMETER_STEP * c, _PARAMETER_STEP * d
        outputs[1][where] = (
            _log_positive(special.hyp2f1(1.0, c + step_c, d, z)) - _log_positive(special.hyp2f1(1.0, c - step_c, d, z))
        ) / (2 * step_c)
        outputs[2][where] = (
            _log_positive(special.hyp2f1(1.0, c, d + step_d, z)) - _log_positive(special.hyp2f1(1.0, c, d - step_d, z))
        ) / (2 * step_d)
        outputs[3][where] = (1 - d) / z - (d - c - 1) / (1 - z) + (d - 1) / (z * (1 - z) * np.exp(log_value))


def _log_positive(values: np.ndarray) -> np.ndarray:
    """ln of each value that is positive and finite, NaN (no value) for 0, negative, inf or NaN."""
    good = np.isfinite(values) & (values > 0)
    return np.where(good, np.log(np.where(good, values, 1.0)), np.nan)


def log_dead_term(params: np.ndarray, x: np.ndarray, t: np.ndarray, *, gradient: bool = False):
    """ln D(t) = ln[ 2F1(a, b; a+1; z) / (m+t)^a ], the piece of A0 at time t, computed stably.

    With a = r+s+x, m = max(alpha, beta), z = |alpha - beta| / (m + t), and b = s+1 when
    alpha >= beta, else r+x (Fader & Hardie 2005, eq. 22). Euler's transformation
    2F1(a, b; a+1; z) = (1-z)^(1-b) 2F1(1, a+1-b; a+1; z) leaves a series of positive terms
    each below the one before (ratio (a+1-b+n)/(a+1+n) z < z), summed by :func:`hyp2f1_one`
    without the overflow of the original for many purchases, and 1 - z = (min + t)/(m + t) is
    taken as that ratio, so nothing cancels when alpha and beta are far apart.

    Parameters
    ----------
    params : (r, alpha, s, beta), alpha and beta in the time unit of t
    x : repeat purchases; t : time from the first purchase (arrays of one shape)
    gradient : also return d ln D / d(r, alpha, s, beta), an array of shape (n, 4)

    Examples
    --------
    With alpha = beta, z = 0 and the term is (alpha + t)^-(r+s+x): for r = s = 1, x = 0,
    alpha = beta = 1, t = 1 it is ln(2^-2).

    >>> round(float(log_dead_term(np.array([1.0, 1.0, 1.0, 1.0]), np.array([0.0]), np.array([1.0]))[0]), 6)
    -1.386294
    """
    r, alpha, s, beta = params
    a = r + s + x
    alpha_high = alpha >= beta
    high, low = (alpha, beta) if alpha_high else (beta, alpha)
    b = s + 1 if alpha_high else r + x
    log_high, log_low = np.log(high + t), np.log(low + t)
    z = (high - low) / (high + t)
    log_one_minus_z = log_low - log_high
    series = hyp2f1_one(a + 1 - b, a + 1, z, derivatives=gradient)
    log_series = series[0] if gradient else series
    value = (1 - b) * log_one_minus_z + log_series - a * log_high
    if not gradient:
        return value
    _, d_c, d_d, d_z = series
    # d z / d high = (low + t) / (high + t)^2, d z / d low = -1 / (high + t)
    d_high = -(1 - b) / (high + t) + d_z * (low + t) / (high + t) ** 2 - a / (high + t)
    d_low = (1 - b) / (low + t) - d_z / (high + t)
    if alpha_high:  # c = r + x, d = r + s + x + 1, 1 - b = -s
        d_r = d_c + d_d - log_high
        d_s = -log_one_minus_z + d_d - log_high
        d_alpha, d_beta = d_high, d_low
    else:  # c = s + 1, d = r + s + x + 1, 1 - b = 1 - r - x
        d_r = -log_one_minus_z + d_d - log_high
        d_s = d_c + d_d - log_high
        d_alpha, d_beta = d_low, d_high
    return value, np.stack([d_r, d_alpha, d_s, d_beta], axis=-1)


class PreparedCustomers:
    """Customers' (x, t_x, T) with the distinct values the likelihood needs, found once per fit.

    D(t) (:func:`log_dead_term`) depends on the customer only through (x, t), t = t_x or T;
    with dates counted in days there are far fewer distinct pairs than customers, so the
    likelihood evaluates D once per pair (``pair_x``, ``pair_t``) and looks it up through
    ``at_last`` (pair of (x, t_x)) and ``at_end`` (pair of (x, T)). Likewise the functions of
    x alone and of T alone are evaluated once per distinct value (``x_values``/``x_index``,
    ``T_values``/``T_index``).

    Examples
    --------
    >>> prepared = PreparedCustomers(np.array([1.0, 1.0, 0.0]), np.array([2.0, 2.0, 0.0]), np.array([5.0, 2.0, 5.0]))
    >>> prepared.pair_t.tolist(), prepared.at_last.tolist(), prepared.at_end.tolist()
    ([0.0, 5.0, 2.0, 5.0], [2, 2, 0], [3, 2, 1])
    """

    def __init__(self, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> None:
        self.x, self.t_x, self.T = x, t_x, T
        n = x.size
        (self.pair_x, self.pair_t), inverse = distinct_pairs(np.concatenate([x, x]), np.concatenate([t_x, T]))
        self.at_last, self.at_end = inverse[:n], inverse[n:]
        frequencies, ages = Distinct.of(x), Distinct.of(T)
        self.x_values, self.x_index = frequencies.values, frequencies.index
        self.T_values, self.T_index = ages.values, ages.index
        self.gap = T - t_x  # time since the last purchase
        self.bought_since = T > t_x


def _log_likelihood_parts(params: np.ndarray, customers: PreparedCustomers, *, gradient: bool = False):
    """(common, alive, dead): ln L = common + logaddexp(alive, dead), Fader & Hardie 2005 eq. (19)-(22).

    common = ln G(r+x) - ln G(r) + r ln alpha
    alive  = -(r+x) ln(alpha+T) - s ln(1 + T/beta)      (alive through T)
    dead   = ln s - ln(r+s+x) + ln A0 + s ln beta,   A0 = D(t_x) - D(T), D(t) = exp(:func:`log_dead_term`)
                                         (dropped out somewhere in (t_x, T])

    The s ln beta of the likelihood is carried in alive and dead rather than in common: alive is
    then exact however large s and beta (s ln beta and s ln(beta+T), ~1e14 each when they run
    off together, would cancel to a few hundredths), and so is dead where it is integrated.

    With ``gradient``, also the three parts' derivatives in (r, alpha, s, beta): those of
    common and alive as four columns each, that of dead as an (n, 4) array; the derivative of
    ln A0 is (D'(t_x) - D'(T)) / (D(t_x) - D(T)) from the derivatives of ln D.
    """
    r, alpha, s, beta = params
    x, t_x, T = customers.x, customers.t_x, customers.T
    log_alpha_T = np.log(alpha + customers.T_values)[customers.T_index]
    log1p_beta_T = np.log1p(customers.T_values / beta)[customers.T_index]
    common = (special.gammaln(r + customers.x_values) - special.gammaln(r))[customers.x_index] + r * np.log(alpha)
    alive = -(r + x) * log_alpha_T - s * log1p_beta_T
    pairs = log_dead_term(params, customers.pair_x, customers.pair_t, gradient=gradient)
    log_d = pairs[0] if gradient else pairs
    at_last, at_end = log_d[customers.at_last], log_d[customers.at_end]
    with np.errstate(invalid="ignore"):  # both D terms underflow to 0 far out: the likelihood is then NaN, refused
        gap = np.minimum(at_end - at_last, 0.0)
    with np.errstate(divide="ignore"):
        log_a0 = at_last + np.log(-np.expm1(gap))
    # the functions of x alone once per distinct x, gathered (the same numbers as per customer)
    shape_values = r + s + customers.x_values
    dead = np.log(s) - np.log(shape_values)[customers.x_index] + log_a0 + s * np.log(beta)
    # D(t_x) - D(T) cancels when T is close to t_x: there the integral itself is evaluated
    # (s / (r+s+x)) A0 = s * integral over (t_x, T] of (alpha+tau)^-(r+x) (beta+tau)^-(s+1).
    short = customers.gap * (shape_values + 1)[customers.x_index] / (min(alpha, beta) + t_x) < _SHORT_GAP
    # where D has no reliable value (its series cancels or 1 - z rounds to 0, as when s and beta
    # run off together) the likelihood has no value: NaN, which the fit treats as impossible
    # and the interval draws leave out and count (a barrier the fit relied on before: along
    # that ridge the likelihood is nearly flat, see the report of branch n-pfix)
    unreliable = ~short & customers.bought_since & ~(np.isfinite(at_last) & np.isfinite(at_end))
    dead[unreliable] = np.nan
    if np.any(short):
        short_integral = _log_short_integral(params, x[short], t_x[short], T[short], gradient=gradient)
        dead[short] = np.log(s) + (short_integral[0] if gradient else short_integral)
    if not gradient:
        return common, alive, dead
    d_common = (
        (special.digamma(r + customers.x_values) - special.digamma(r))[customers.x_index] + np.log(alpha),
        r / alpha,
        0.0,
        0.0,
    )
    d_alive = (
        -log_alpha_T,
        -(r + x) / (alpha + customers.T_values)[customers.T_index],
        -log1p_beta_T,
        (s * customers.T_values / (beta * (beta + customers.T_values)))[customers.T_index],
    )
    d_log_d = pairs[1]
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        ratio = np.exp(gap)[:, None]
        # np.take on rows: an order of magnitude faster than fancy indexing of a 2-D array
        d_dead = (np.take(d_log_d, customers.at_last, axis=0) - ratio * np.take(d_log_d, customers.at_end, axis=0)) / (
            1 - ratio
        )
    shape_term = (1 / shape_values)[customers.x_index]
    d_dead[:, 0] -= shape_term
    d_dead[:, 2] += 1 / s - shape_term + np.log(beta)
    d_dead[:, 3] += s / beta
    d_dead[unreliable] = np.nan
    if np.any(short):
        d_dead[short] = short_integral[1] + np.array([0.0, 0.0, 1 / s, 0.0])
    return (common, alive, dead), (d_common, d_alive, d_dead)


#: Below this (T - t_x) (r+s+x+1) / (min(alpha, beta) + t_x) the integrand changes by under 5 %
#: over the gap and 8-point Gauss-Legendre is exact to rounding.
_SHORT_GAP = 0.05
_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(8)


def _log_short_integral(params, x, t_x, T, *, gradient: bool = False):
    """ln of beta^s times the integral over (t_x, T] of (alpha+tau)^-(r+x) (beta+tau)^-(s+1), by Gauss-Legendre.

    With ``gradient``, also its derivatives in (r, alpha, s, beta): the node values' own,
    weighted by each node's share of the sum.
    """
    half = (T - t_x) / 2
    tau = (t_x + half)[:, None] + half[:, None] * _NODES[None, :]
    return _log_node_sum(params, x, tau, half[:, None] * _WEIGHTS[None, :], gradient=gradient)


def _log_node_sum(params, x, tau, weights, *, gradient: bool = False):
    """ln of sum over nodes of weight (alpha+tau)^-(r+x) (beta+tau)^-(s+1) beta^s (rows: customers),
    and with ``gradient`` its derivatives in (r, alpha, s, beta), each node's own weighted by
    its share of the sum."""
    r, alpha, s, beta = params
    log_alpha, log1p_beta = np.log(alpha + tau), np.log1p(tau / beta)
    # times beta^s: (beta+tau)^-(s+1) beta^s = (1 + tau/beta)^-(s+1) / beta, exact for large s and beta
    log_values = -(r + x)[:, None] * log_alpha - (s + 1) * log1p_beta - np.log(beta)
    with np.errstate(divide="ignore"):
        log_integral = special.logsumexp(log_values, b=weights, axis=1)
    if not gradient:
        return log_integral
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        share = weights * np.exp(log_values - log_integral[:, None])
    share = np.nan_to_num(share)
    d_beta = s * tau / (beta * (beta + tau)) - 1 / (beta + tau)
    d_values = np.stack([-log_alpha, -(r + x)[:, None] / (alpha + tau), -log1p_beta, d_beta], axis=-1)
    return log_integral, np.einsum("nk,nkp->np", share, d_values)


def _growth(k: float, log_ratio: np.ndarray) -> np.ndarray:
    """(1 - exp(-k L)) / k, and L at k = 0: the integral of exp(-k u) over u in [0, L]."""
    if abs(k) < 1e-12:
        return log_ratio
    return -np.expm1(-k * log_ratio) / k


def _log_likelihood_terms(params: np.ndarray, customers: PreparedCustomers):
    """Per-customer log-likelihood and its gradient in the log-parameters (n, 4)."""
    (common, alive, dead), (d_common, d_alive, d_dead) = _log_likelihood_parts(params, customers, gradient=True)
    log_sum = np.logaddexp(alive, dead)
    w_alive = np.exp(alive - log_sum)
    w_dead = np.exp(dead - log_sum)[:, None]
    # where dying is impossible (T = t_x) its derivative is not defined and carries no weight
    weighted_dead = np.where(w_dead > 0, w_dead * d_dead, 0.0)
    gradient = np.empty_like(weighted_dead)
    for j in range(4):
        gradient[:, j] = (d_common[j] + w_alive * d_alive[j] + weighted_dead[:, j]) * params[j]
    return common + log_sum, gradient


class ParetoNBDModel(PurchaseModel):
    """Pareto/NBD model: fit on (frequency, recency, T) per customer, then predict.

    Attributes (after :meth:`fit`): ``params_`` (r, alpha, s, beta; alpha and beta in the
    time unit of recency and T), ``standard_errors_``, ``log_likelihood_``, ``n_customers_``.

    Notes
    -----
    P(alive | x, t_x, T) = 1 / (1 + s/(r+s+x) (alpha+T)^(r+x) (beta+T)^s A0) (Fader & Hardie
    2005 eq. 26), from the log-likelihood parts, so it is exact also when A0 is tiny.

    E[purchases in (T, T+t] | x, t_x, T] = (r+x)(beta+T) / ((alpha+T)(s-1))
    [1 - ((beta+T)/(beta+T+t))^(s-1)] x P(alive) (eq. 27), written as
    (r+x)/(alpha+T) (beta+T) (1 - e^(-(s-1)L))/(s-1) with L = ln((beta+T+t)/(beta+T)), which
    stays finite at s = 1 (it becomes L) and grows like t^(1-s) for s < 1 when t is large.

    The fit uses the analytic gradient of the log-likelihood (:func:`_log_likelihood_terms`).

    Examples
    --------
    >>> model = ParetoNBDModel()
    >>> model.params_ = {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669}
    >>> round(float(model.expected_purchases_new(39)), 3)
    1.213
    """

    name = "Pareto/NBD"
    parameter_names = ("r", "alpha", "s", "beta")
    time_parameters = ("alpha", "beta")
    meanings = {
        **PURCHASE_RATE_MEANINGS,
        "s": "shape of the drop-out-rate distribution (Gamma)",
        "beta": "scale of the drop-out-rate distribution, in time units; mean drop-out rate = s / beta",
    }
    alive_sentence = (
        "Pareto/NBD: a customer may drop out at any moment, so P(alive) falls the longer a "
        "customer has not bought, for one-time buyers too."
    )

    def _terms(self, params, x, t_x, T, frequencies=None):
        return _log_likelihood_terms(params, PreparedCustomers(x, t_x, T))

    def _likelihood(self, x, t_x, T):
        prepared = PreparedCustomers(x, t_x, T)
        return lambda params: _log_likelihood_terms(params, prepared)

    def _log_odds_dead(self, params, x, t_x, T):
        _, alive, dead = _log_likelihood_parts(params, PreparedCustomers(x, t_x, T))
        return dead - alive

    def _expected_if_alive(self, params, t, x, t_x, T):
        r, alpha, s, beta = params
        log_ratio = np.log(beta + T + t) - np.log(beta + T)
        return (r + x) / (alpha + T) * (beta + T) * _growth(s - 1, log_ratio)

    def _expected_if_alive_grid(self, params, t, x, T):
        """:meth:`_expected_if_alive` of the pairs (x, T) (length p) at the times t (p x m), with
        the factors of the pair alone, (r+x)/(alpha+T) (beta+T) and ln(beta+T), computed once per
        pair rather than at each of its m times: each element is the same product, in the same
        order, of the same numbers, so the same to the bit.

        >>> model = ParetoNBDModel()
        >>> params = np.array([0.553, 10.578, 0.606, 11.669])
        >>> x, T, t = np.array([0.0, 3.0]), np.array([39.0, 20.0]), np.array([[1.0, 52.0], [0.5, 39.0]])
        >>> each = model._expected_if_alive(params, t.ravel(), np.repeat(x, 2), 0 * t.ravel(), np.repeat(T, 2))
        >>> bool(np.array_equal(model._expected_if_alive_grid(params, t, x, T).ravel(), each))
        True
        """
        r, alpha, s, beta = params
        at_age = beta + T
        scale = (r + x) / (alpha + T) * at_age
        log_ratio = np.log(at_age[:, None] + t) - np.log(at_age)[:, None]
        return scale[:, None] * _growth(s - 1, log_ratio)

    def _expected_new(self, params, t):
        """E[X(t)] for a new customer over t time units: r beta / (alpha (s-1)) [1 - (beta/(beta+t))^(s-1)]."""
        r, alpha, s, beta = params
        return r / alpha * beta * _growth(s - 1, np.log(beta + t) - np.log(beta))

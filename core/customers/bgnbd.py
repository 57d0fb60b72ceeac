"""The BG/NBD model of repeat purchasing (Fader, Hardie & Lee 2005), fitted by maximum likelihood.

A customer buys at rate lambda while alive (Poisson; lambda ~ Gamma(r, alpha) across
customers) and after each purchase drops out with probability p (p ~ Beta(a, b)). From each
customer's (frequency x, recency t_x, age T) the model gives the expected number of purchases
in a future period and the probability the customer is still alive.

Reference: P. S. Fader, B. G. S. Hardie, K. L. Lee, "Counting your customers the easy way: an
alternative to the Pareto/NBD model", Marketing Science 24(2), 2005, 275-284; equation
numbers below are the paper's. On the CDNOW sample (2,357 customers, 39-week calibration,
weeks) the maximum-likelihood estimates are r = 0.243, alpha = 4.414, a = 0.793, b = 2.426
with log-likelihood -9,582.4.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import numpy as np
from scipy import linalg, special
from scipy.linalg import lapack

from core.customers.fitting import PURCHASE_RATE_MEANINGS, Distinct, PurchaseModel


def _log_likelihood_terms(
    params: np.ndarray,
    x: np.ndarray,
    t_x: np.ndarray,
    T: np.ndarray,
    frequencies: Distinct | None = None,
    recencies: Distinct | None = None,
    ages: Distinct | None = None,
):
    """Per-customer log-likelihood (FHL eq. 6 in log form) and its gradient in the log-parameters.

    ln L = ln G(r+x) - ln G(r) + r ln alpha + ln B(a, b+x) - ln B(a, b)
           + ln[ (alpha+T)^-(r+x) + [x>0] a/(b+x-1) (alpha+t_x)^-(r+x) ]
    using B(a+1, b+x-1) / B(a, b+x) = a / (b+x-1); the last line is a log-sum-exp. The
    functions of x alone are evaluated once per distinct x (``frequencies``), those of t_x and
    of T once per distinct t_x and T (``recencies``, ``ages``; each found here when not given).
    """
    r, alpha, a, b = params
    frequencies = frequencies or Distinct.of(x)
    recencies, ages = recencies or Distinct.of(t_x), ages or Distinct.of(T)
    values, index = frequencies.values, frequencies.index
    repeat_values = values > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        log_odds_values = np.where(repeat_values, np.log(a) - np.log(b + values - 1), -np.inf)
        inverse_b_values = np.where(repeat_values, 1 / (b + values - 1), 0.0)
    psi_ab, psi_abx = special.digamma(a + b), special.digamma(a + b + values)
    constant = (
        special.gammaln(r + values)
        - special.gammaln(r)
        + r * np.log(alpha)
        + special.betaln(a, b + values)
        - special.betaln(a, b)
    )[index]
    d_r_values = special.digamma(r + values) - special.digamma(r) + np.log(alpha)
    d_a_values = psi_ab - psi_abx
    d_b_values = special.digamma(b + values) - special.digamma(b) + psi_ab - psi_abx
    age_values, last_values = alpha + ages.values, alpha + recencies.values
    log_age = np.log(age_values)[ages.index]
    log_last = np.log(last_values)[recencies.index]
    shape = (r + values)[index]
    u_alive = -shape * log_age
    u_dropped = log_odds_values[index] - shape * log_last
    log_sum = np.logaddexp(u_alive, u_dropped)
    w_alive = np.exp(u_alive - log_sum)
    w_dropped = np.exp(u_dropped - log_sum)
    gradient = np.empty((x.size, 4))
    gradient[:, 0] = (d_r_values[index] - w_alive * log_age - w_dropped * log_last) * r
    gradient[:, 1] = (
        r / alpha - shape * (w_alive / age_values[ages.index] + w_dropped / last_values[recencies.index])
    ) * alpha
    gradient[:, 2] = (d_a_values[index] + w_dropped / a) * a
    gradient[:, 3] = (d_b_values[index] - w_dropped * inverse_b_values[index]) * b
    return constant + log_sum, gradient


def expected_if_alive(r, alpha, a, b, t, x, T):
    """E[purchases in (T, T+t] | alive at T, x] of BG/NBD (the bracket of FHL eq. 10, see the class Notes).

    (a+b+x-1)/(a-1) [1 - (1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z)], z = t/(alpha+T+t); t, T in
    the unit of alpha. Where scipy's hyp2f1 overflows (a and b in the thousands: the drop-out
    probability is nearly the same for everyone) and a > 1, the same value comes from Euler's
    integral, :func:`_expected_by_quadrature`.

    Examples
    --------
    A new customer (x = 0, T = 0) with a = 2, b = 1: (a+b-1)/(a-1) = 2 and the bracket is
    1 - (alpha/(alpha+t))^r 2F1(r, 1; 2; z); for r = 1, alpha = 1, t = 1 that is
    2 [1 - 1/2 * 2 ln 2] = 2 - 2 ln 2 = 0.613706, by either route:

    >>> one = np.ones(1)
    >>> round(float(expected_if_alive(1.0, 1.0, 2.0, 1.0, one, 0 * one, 0 * one)[0]), 6)
    0.613706
    >>> round(float(_expected_by_quadrature(1.0, 1.0, 2.0, 1.0, one, 0 * one, 0 * one)[0]), 6)
    0.613706
    """
    t, x, T = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (t, x, T)))
    z = t / (alpha + T + t)
    log_one_minus_z = np.log(alpha + T) - np.log(alpha + T + t)
    with np.errstate(over="ignore", invalid="ignore"):
        hyper = special.hyp2f1(a + b - 1 - r, a - 1, a + b + x - 1, z)
        expected = (a + b + x - 1) / (a - 1) * (1 - np.exp((a - 1) * log_one_minus_z) * hyper)
    overflowed = ~np.isfinite(expected)
    if a > 1 and overflowed.any():
        expected = np.array(expected, dtype=float)
        expected[overflowed] = _expected_by_quadrature(r, alpha, a, b, t[overflowed], x[overflowed], T[overflowed])
    return expected


#: Gauss nodes per Beta distribution in :func:`_expected_by_quadrature`: within 1e-10 of the
#: hypergeometric form over the tests' grid (48 nodes were off by 1e-10 where the integrand is steep
#: near 0: many purchases, a short age, a long horizon).
_BETA_NODES = 96
#: The two small Gauss rules :func:`_expected_by_quadrature` tries first, and how close (relative)
#: their sums must be, every one, for the larger one's to be taken.
_SMALL_RULES = (12, 16)
_RULES_AGREE = 1e-13


def _expected_by_quadrature(r, alpha, a, b, t, x, T):
    """The bracket of FHL eq. (10) from Euler's integral, for a > 1.

    Euler's integral of 2F1 turns the bracket into an expectation over v ~ Beta(a-1, b+x):
    (a+b+x-1)/(a-1) [1 - (1-z)^(r+x) 2F1(r+x, b+x; a+b+x-1; z)]
    = E[1 - (1 + v t/(alpha+T))^-(r+x)] / E[v], with E[v] = (a-1)/(a+b+x-1).
    The expectation is a Gauss-Jacobi sum (:func:`beta_gauss_rules`, all distinct x at once)
    per distinct x; the integrand lies between 0 and 1, so nothing overflows however large a
    and b are.

    The route is taken when a and b run into the hundreds or thousands: the Beta distribution is
    then narrow and the integrand nearly a polynomial across it, and a Gauss rule of 16 nodes is
    exact to rounding. So the sums of the two :data:`_SMALL_RULES` are made first (the rules cost
    the square of their nodes, the sums their nodes: together under a third of the large rule's
    cost); when every one agrees to :data:`_RULES_AGREE`, the larger rule's are the values (the
    difference of the two rules bounds the error of the smaller, and the larger's is far below it).
    Otherwise (a wide Beta, an integrand steep near 0) every value is the :data:`_BETA_NODES`
    rule's.

    Examples
    --------
    A narrow Beta (a and b in the thousands, as the million order lines' fit has them): the
    small rules agree, to rounding, with the large one.

    >>> x, T, t = np.array([0.0, 2.0, 30.0]), np.array([10.0, 39.6, 60.0]), np.full(3, 52.0)
    >>> small = _expected_by_quadrature(0.49, 1.18, 1592.9, 14563.2, t, x, T)
    >>> large = _gauss_sums(0.49, 1.18, 1592.9, 14563.2, t / (1.18 + T), *np.unique(x, return_inverse=True), 96)
    >>> bool(np.allclose(small, large, rtol=1e-14, atol=0))
    True
    """
    values, index = np.unique(x, return_inverse=True)
    index = index.ravel()
    share = t / (alpha + T)
    smaller, larger = (_gauss_sums(r, alpha, a, b, share, values, index, n) for n in _SMALL_RULES)
    with np.errstate(invalid="ignore"):
        agree = np.abs(smaller - larger) <= _RULES_AGREE * np.abs(larger)
    if agree.all():
        return larger
    return _gauss_sums(r, alpha, a, b, share, values, index, _BETA_NODES)


def _gauss_sums(r, alpha, a, b, share, values, index, count):
    """:func:`_expected_by_quadrature`'s values by the ``count``-node Gauss rule of each distinct x
    (``values``; ``index``: each element's), ``share`` = t / (alpha + T) per element."""
    result = np.empty(share.size)
    nodes, weights = beta_gauss_rules(a - 1, b + values, count)
    # nodes whose weight is below 1e-20 of the rule's largest add less than the sum's own rounding
    # (the integrand lies in [0, 1]): with large a and b, a third of them at each end
    kept = np.flatnonzero((weights > _NEGLIGIBLE_WEIGHT * weights.max(axis=1, keepdims=True)).any(axis=0))
    nodes, weights = nodes[:, kept[0] : kept[-1] + 1], weights[:, kept[0] : kept[-1] + 1]
    scale = (a + b + values - 1) / (a - 1)
    shape = r + values
    for start in range(0, share.size, _QUADRATURE_ROWS):
        rows = slice(start, start + _QUADRATURE_ROWS)
        k = index[rows]
        bought = -np.expm1(-shape[k, None] * np.log1p(share[rows, None] * nodes[k]))
        result[rows] = np.einsum("ij,ij->i", bought, weights[k]) * scale[k]
    return result


#: Gauss nodes of :func:`_expected_by_quadrature` whose weight is below this share of the rule's
#: largest (for every distinct x) are left out of its sums: their terms are below the sums' rounding.
_NEGLIGIBLE_WEIGHT = 1e-20
#: Rows of :func:`_expected_by_quadrature` evaluated at once (bounds its memory to this many x
#: :data:`_BETA_NODES` numbers).
_QUADRATURE_ROWS = 8192


def _jacobi_matrices(p: float, q: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Diagonals (len(q) x n) and off-diagonals (len(q) x n-1) of the Jacobi matrices of
    Beta(p, q_i): the recurrence of the Jacobi weight (1-y)^(q-1) (1+y)^(p-1) on [-1, 1]."""
    al, be = np.asarray(q, dtype=float)[:, None] - 1.0, p - 1.0
    k = np.arange(n, dtype=float)
    s = 2 * k + al + be
    with np.errstate(invalid="ignore", divide="ignore"):
        diagonal = np.where(k == 0, (be - al) / (al + be + 2), (be**2 - al**2) / (s * (s + 2)))
    m = k[1:]
    s = 2 * m + al + be
    off = np.sqrt(4 * m * (m + al) * (m + be) * (m + al + be) / (s**2 * (s + 1) * (s - 1)))
    return diagonal, off


def beta_gauss(p: float, q: float, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Gauss nodes on [0, 1] and weights summing to 1 for v ~ Beta(p, q) (Golub-Welsch).

    The Jacobi recurrence for the weight (1-y)^(q-1) (1+y)^(p-1) on [-1, 1], v = (1+y)/2; the
    weights are normalised here, so the Beta function (which overflows for large p, q) is not needed.
    The reference for :func:`beta_gauss_rules`, which gives the same rules faster.

    >>> nodes, weights = beta_gauss(3.0, 5.0, 8)
    >>> round(float(weights @ nodes), 12), round(float(weights.sum()), 12)
    (0.375, 1.0)
    """
    diagonal, off = _jacobi_matrices(p, np.array([q]), n)
    y, vectors = linalg.eigh_tridiagonal(diagonal[0], off[0])
    weights = vectors[0] ** 2
    return (1 + y) / 2, weights / weights.sum()


def beta_gauss_rules(p: float, q: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """:func:`beta_gauss` for Beta(p, q_i), each q_i: nodes and weights, len(q) x n.

    The nodes are the eigenvalues of each Jacobi matrix (LAPACK ``dsterf``, no eigenvectors);
    a weight is the squared first component of the normalised eigenvector, which for a Jacobi
    matrix is 1 / sum_k P_k(y)^2 with P_k the orthonormal polynomials (the three-term
    recurrence, P_0 = 1), evaluated for all the rules at once. A rule whose sums are not
    finite (an extreme p or q) is solved by :func:`beta_gauss`.

    >>> nodes, weights = beta_gauss_rules(3.0, np.array([5.0, 7.0]), 8)
    >>> (weights * nodes).sum(axis=1).round(12).tolist()  # p / (p + q)
    [0.375, 0.3]
    >>> reference = beta_gauss(3.0, 7.0, 8)
    >>> bool(np.allclose(nodes[1], reference[0], rtol=0, atol=1e-14))
    True
    >>> bool(np.allclose(weights[1], reference[1], rtol=1e-12, atol=0))
    True
    """
    diagonal, off = _jacobi_matrices(p, q, n)
    y = np.empty_like(diagonal)
    solved = np.ones(len(diagonal), dtype=bool)
    sterf = _sterf()
    for i in range(len(diagonal)):
        values, info = sterf(diagonal[i], off[i])
        y[i] = values
        solved[i] = info == 0
    with np.errstate(all="ignore"):
        previous, current = np.zeros_like(y), np.ones_like(y)
        squares = np.ones_like(y)
        for k in range(n - 1):
            following = ((y - diagonal[:, k, None]) * current - (off[:, k - 1, None] * previous if k else 0.0)) / off[
                :, k, None
            ]
            previous, current = current, following
            squares += current * current
        weights = 1 / squares
        weights /= weights.sum(axis=1, keepdims=True)
    nodes = (1 + y) / 2
    redo = ~(solved & np.isfinite(weights).all(axis=1) & np.isfinite(nodes).all(axis=1))
    for i in np.flatnonzero(redo):
        nodes[i], weights[i] = beta_gauss(p, float(q[i]), n)
    return nodes, weights


def _sterf_released() -> Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, int]] | None:
    """LAPACK ``dsterf`` called through ctypes, which lets other threads run meanwhile; None where
    it cannot be reached (no ctypes, as in Pyodide, or scipy without its Cython LAPACK).

    scipy's f2py wrapper, :func:`scipy.linalg.lapack.dsterf`, holds the GIL for the whole
    call: the holdout check's range (about 60 rules a draw, 200 draws) then stops the fits
    running beside it on the other core for as long. This is the same routine of the same library
    (scipy's ``cython_lapack`` hands out its address) on copies of the same arrays, so it
    gives the same eigenvalues, to the bit. Not in Pyodide (xlwings Lite), which starts no thread:
    there scipy's wrapper loses nothing.
    """
    if sys.platform == "emscripten":
        return None
    try:
        import ctypes

        from scipy.linalg import cython_lapack

        capsule = cython_lapack.__pyx_capi__["dsterf"]
        name_of, pointer_of = ctypes.pythonapi.PyCapsule_GetName, ctypes.pythonapi.PyCapsule_GetPointer
        name_of.restype, name_of.argtypes = ctypes.c_char_p, [ctypes.py_object]
        pointer_of.restype, pointer_of.argtypes = ctypes.c_void_p, [ctypes.py_object, ctypes.c_char_p]
        address = pointer_of(capsule, name_of(capsule))
    except Exception:  # no ctypes or no such capsule: scipy's wrapper (pyodide: one thread anyway)
        return None
    integer, double = ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_double)
    routine = ctypes.CFUNCTYPE(None, integer, double, double, integer)(address)

    def sterf(diagonal: np.ndarray, off: np.ndarray) -> tuple[np.ndarray, int]:
        values = np.array(diagonal, dtype=np.float64, order="C")
        work = np.array(off, dtype=np.float64, order="C")
        size, info = ctypes.c_int(values.size), ctypes.c_int(0)
        routine(ctypes.byref(size), values.ctypes.data_as(double), work.ctypes.data_as(double), ctypes.byref(info))
        return values, info.value

    return sterf


_STERF: list = []


def _sterf() -> Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, int]]:
    """The ``dsterf`` :func:`beta_gauss_rules` calls: :func:`_sterf_released`, else scipy's wrapper
    (found once)."""
    if not _STERF:
        _STERF.append(_sterf_released() or lapack.dsterf)
    return _STERF[0]


class BetaGeoModel(PurchaseModel):
    """BG/NBD model: fit on (frequency, recency, T) per customer, then predict.

    Attributes (after :meth:`fit`): ``params_`` (r, alpha in the time unit of recency and T,
    a, b), ``standard_errors_``, ``log_likelihood_``, ``n_customers_``; see
    :class:`core.customers.fitting.PurchaseModel`.

    Notes
    -----
    frequency x is the number of repeat purchase occasions (distinct purchase days after the
    first), recency t_x the time from first to last purchase, T the time from first purchase to
    the end of the observation period, t_x and T in the same unit (weeks for CDNOW). The fit
    maximises the sum of FHL eq. (6) over customers with the analytic gradient
    (:func:`core.customers.fitting.fit_max_likelihood`).

    P(alive | x, t_x, T) = 1 / (1 + [x>0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)) (FHL
    technical note eq. A11); 1 for x = 0, because a BG/NBD customer can only drop out right
    after a repeat purchase.

    E[purchases in (T, T+t] | x, t_x, T] (FHL eq. 10) =
    (a+b+x-1)/(a-1) [1 - ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; z)] x P(alive),
    z = t/(alpha+T+t). Euler's transformation 2F1(A, B; C; z) = (1-z)^(C-A-B) 2F1(C-A, C-B; C; z)
    turns the bracket into 1 - (1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z) (Fader & Hardie's note
    on the BG/NBD "#NUM!" error): the same value, with no overflow for many purchases or long t.

    Examples
    --------
    >>> model = BetaGeoModel().fit([0, 1, 2, 0, 3, 1, 0, 5, 2, 0, 1, 0],
    ...                            [0, 5, 20, 0, 30, 2, 0, 35, 10, 0, 25, 0],
    ...                            [40, 38, 39, 36, 40, 30, 35, 40, 39, 38, 37, 40])
    >>> float(model.probability_alive(0, 0, 40)[0])
    1.0
    """

    name = "BG/NBD"
    parameter_names = ("r", "alpha", "a", "b")
    time_parameters = ("alpha",)
    meanings = {
        **PURCHASE_RATE_MEANINGS,
        "a": "drop-out probability Beta shape a",
        "b": "drop-out probability Beta shape b; mean drop-out after a purchase = a / (a + b)",
    }
    alive_sentence = (
        "BG/NBD: a customer can only drop out right after a repeat purchase, so a one-time buyer "
        "counts as alive (100 %) however long ago the purchase was."
    )

    def _terms(self, params, x, t_x, T, frequencies=None):
        return _log_likelihood_terms(params, x, t_x, T, frequencies)

    def _likelihood(self, x, t_x, T):
        frequencies, recencies, ages = Distinct.of(x), Distinct.of(t_x), Distinct.of(T)
        return lambda params: _log_likelihood_terms(params, x, t_x, T, frequencies, recencies, ages)

    def _log_odds_dead(self, params, x, t_x, T):
        r, alpha, a, b = params
        repeat = x > 0
        log_odds = np.full_like(x, -np.inf)
        log_odds[repeat] = (
            np.log(a)
            - np.log(b + x[repeat] - 1)
            + (r + x[repeat]) * (np.log(alpha + T[repeat]) - np.log(alpha + t_x[repeat]))
        )
        return log_odds

    def _expected_if_alive(self, params, t, x, t_x, T):
        return expected_if_alive(*params, t, x, T)

    def _expected_new(self, params, t):
        """E[X(t)] for a new customer over t time units, FHL eq. (9).

        E = (a+b-1)/(a-1) [1 - (alpha/(alpha+t))^r 2F1(r, b; a+b-1; t/(alpha+t))]: the
        conditional expectation (:func:`expected_if_alive`) at x = 0, T = 0.
        """
        return expected_if_alive(*params, t, np.zeros_like(t), np.zeros_like(t))

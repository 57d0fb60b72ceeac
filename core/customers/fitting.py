"""Maximum-likelihood fitting shared by the customer models (BG/NBD, MBG/NBD, Pareto/NBD, Gamma-Gamma).

One bounded optimiser on log-parameters, one check that no parameter ran to 0 or infinity,
standard errors from the curvature of the log-likelihood, and one parameter table. Each model
supplies only its log-likelihood; :class:`PurchaseModel` adds what the three purchase models
share (input checks on frequency, recency and T, grouping identical customers, the fitted
table and the refusal messages).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize

from core.errors import SegmenterInputError
from core.parallel import run_together, workers_for

#: Log-parameters are searched within +-LOG_BOUND (time-scaled ones relative to a typical time);
#: an optimum at the bound means a parameter is running to 0 or infinity (a degenerate fit).
LOG_BOUND = 10.0
#: Likely causes of a purchase-model parameter running to 0 or infinity, as the error says them.
PURCHASE_HINT = (
    "too few customers or repeat purchases, no sign of customers dropping out, or recency/T in the wrong unit"
)
#: Relative change of the mean log-likelihood below which a parameter at a search bound counts
#: as fitting the data as well as the optimum (a degenerate fit).
_FLAT = 1e-12
#: Step in log-parameters for the finite-difference curvature (relative step of 0.1 %).
_HESSIAN_STEP = 1e-3

#: A log-likelihood: log-parameters -> (per-row log-likelihood, per-row gradient in the
#: log-parameters or None when the model has no analytic gradient).
LogLikelihood = Callable[[np.ndarray], tuple[np.ndarray, "np.ndarray | None"]]


@dataclass(frozen=True)
class FitResult:
    """A maximum-likelihood fit.

    Attributes
    ----------
    params:
        Parameter name -> estimate (in natural units).
    standard_errors:
        Parameter name -> asymptotic standard error (NaN when the curvature is not negative
        definite, which :attr:`note` then explains).
    log_likelihood:
        Total (weighted) log-likelihood at the optimum.
    n:
        Sum of weights (customers fitted).
    note:
        Empty, or why the standard errors are missing.
    log_covariance:
        Covariance matrix of the log-parameters (ln theta, in ``params`` order) from the
        inverse observed information, or None when it is not available: what the intervals
        of :mod:`core.customers.intervals` draw parameters from.
    """

    params: dict[str, float]
    standard_errors: dict[str, float]
    log_likelihood: float
    n: float
    note: str = ""
    log_covariance: np.ndarray | None = None


def fit_max_likelihood(
    terms: LogLikelihood,
    names: Sequence[str],
    counts: np.ndarray,
    *,
    model: str,
    scale: Sequence[float] | None = None,
    start: Sequence[float] | None = None,
    column: str = "frequency",
    hint: str = PURCHASE_HINT,
) -> FitResult:
    """Maximise sum(counts * terms) over positive parameters; refuse degenerate fits.

    Parameters
    ----------
    terms:
        Function of the *natural* parameters (array, in ``names`` order) returning the per-row
        log-likelihood and its gradient with respect to the log-parameters (or None).
    names:
        Parameter names, in order.
    counts:
        Weight of each row (customers it stands for).
    model:
        Model name for messages ("BG/NBD").
    scale:
        Typical size of each parameter (1 for shapes, a typical time for time scales): the
        search runs on log(parameter / scale), starting at ``start`` (default 0, i.e. the scale).
    column:
        Column named in the errors.
    hint:
        What to say when a parameter runs off (the likely causes, in the data's words).

    Returns
    -------
    FitResult

    Raises
    ------
    SegmenterInputError
        The optimum lies at a search bound, or moving one parameter alone to a bound fits as
        well (a parameter running to 0 or infinity: the data do not support the model), the
        likelihood is not finite, or the optimiser failed.

    Notes
    -----
    L-BFGS-B on u = log(theta / scale) within +-:data:`LOG_BOUND`, with the analytic gradient
    when ``terms`` gives one and central differences otherwise. The standard errors come
    from the observed information: H = the finite-difference Hessian of -log L in u at the
    optimum; cov(u) = H^-1; se(theta) = theta * sqrt(diag cov(u)) (delta method; at the
    optimum the gradient is 0, so this equals the Hessian in theta).

    Examples
    --------
    Exponential waiting times with rate lambda: the MLE is n / sum(t) and its standard error
    lambda / sqrt(n). For 4 waits summing to 8: lambda = 0.5, se = 0.25.

    >>> t = np.array([1.0, 2.0, 2.0, 3.0])
    >>> fit = fit_max_likelihood(lambda p: (np.log(p[0]) - p[0] * t, None), ["rate"], np.ones(4), model="toy")
    >>> round(fit.params["rate"], 4), round(fit.standard_errors["rate"], 4)
    (0.5, 0.25)
    """
    counts = np.asarray(counts, dtype=float)
    total = float(counts.sum())
    scale_array = np.ones(len(names)) if scale is None else np.asarray(scale, dtype=float)
    start_array = np.zeros(len(names)) if start is None else np.asarray(start, dtype=float)

    def negative_mean(u: np.ndarray) -> float:
        with np.errstate(all="ignore"):
            ll, _ = terms(np.exp(u) * scale_array)
        value = -float(counts @ ll) / total
        return value if np.isfinite(value) else np.inf

    analytic = []  # whether ``terms`` gave a gradient, seen on the optimiser's first call

    def objective(u: np.ndarray):
        with np.errstate(all="ignore"):
            ll, gradient = terms(np.exp(u) * scale_array)
        if not analytic:
            analytic.append(gradient is not None)
        value = -float(counts @ ll) / total
        if gradient is None:
            gradient_total = _central_gradient(negative_mean, u)
        else:
            gradient_total = -(counts @ gradient) / total
        if not np.isfinite(value):
            return 1e300, np.zeros_like(u)
        return value, gradient_total

    result = optimize.minimize(
        objective,
        start_array,
        jac=True,
        method="L-BFGS-B",
        bounds=[(-LOG_BOUND, LOG_BOUND)] * len(names),
        options={"maxiter": 3000, "gtol": 1e-9, "ftol": 1e-15},
    )
    workers = workers_for(counts.size)
    if np.any(np.abs(result.x) > LOG_BOUND - 0.1) or _runs_off(negative_mean, result.x, result.fun, workers):
        raise SegmenterInputError(
            f"{model} fit ran a parameter to 0 or infinity; the data do not support the model ({hint})", column=column
        )
    if not np.isfinite(result.fun) or result.fun >= 1e299:
        raise SegmenterInputError(f"{model} fit found no finite likelihood", column=column)
    if not result.success and np.linalg.norm(result.jac, np.inf) > 1e-5:
        raise SegmenterInputError(f"{model} fit did not converge ({result.message})", column=column)
    params = np.exp(result.x) * scale_array
    gradient = (lambda u: objective(u)[1]) if analytic[0] else None
    errors, note, covariance = _standard_errors(negative_mean, gradient, result.x, params, total, workers)
    return FitResult(
        params=dict(zip(names, params.tolist())),
        standard_errors=dict(zip(names, errors.tolist())),
        log_likelihood=float(-result.fun * total),
        n=total,
        note=note,
        log_covariance=covariance,
    )


def _runs_off(negative_mean: Callable[[np.ndarray], float], u: np.ndarray, value: float, workers: int = 1) -> bool:
    """True when moving one log-parameter alone to a search bound does not lower the likelihood.

    An exact gradient lets the optimiser stop inside the bounds on a likelihood that still
    rises, ever more slowly, as a parameter runs to 0 or infinity (Pareto/NBD with no sign of
    drop-out: s to 0 and beta to infinity); there the fit is as degenerate as at the bound.
    Both bounds of a parameter are tried at once on ``workers`` threads (each value is the same
    on any thread).
    """

    def at(i: int, bound: float) -> float:
        moved = u.copy()
        moved[i] = bound
        return negative_mean(moved)

    for i in range(u.size):
        values = run_together([lambda i=i, b=bound: at(i, b) for bound in (-LOG_BOUND, LOG_BOUND)], workers)
        if any(moved <= value + _FLAT * max(abs(value), 1.0) for moved in values):
            return True
    return False


def _central_gradient(function: Callable[[np.ndarray], float], u: np.ndarray, step: float = 1e-6) -> np.ndarray:
    gradient = np.empty_like(u)
    for i in range(u.size):
        shift = np.zeros_like(u)
        shift[i] = step
        gradient[i] = (function(u + shift) - function(u - shift)) / (2 * step)
    return gradient


def _standard_errors(
    negative_mean: Callable[[np.ndarray], float],
    gradient: Callable[[np.ndarray], np.ndarray] | None,
    u: np.ndarray,
    params: np.ndarray,
    total: float,
    workers: int = 1,
) -> tuple[np.ndarray, str, np.ndarray | None]:
    """Delta-method standard errors from the finite-difference Hessian of -log L in log-parameters.

    Central differences of the analytic gradient when there is one (2k evaluations), else of
    the function values (4 per entry). Also returns the covariance of the log-parameters
    (u = ln theta; the search's log(theta / scale) differs by a constant, so its covariance is
    the same), or None with the note.
    """
    k, h = u.size, _HESSIAN_STEP
    hessian = np.empty((k, k))
    if gradient is not None:  # the 2k gradients on ``workers`` threads (each the same on any thread)
        shifts = [np.eye(k)[i] * h for i in range(k)]
        tasks = [lambda e=e, sign=sign: gradient(u + sign * e) for e in shifts for sign in (1.0, -1.0)]
        gradients = run_together(tasks, workers)
        for i in range(k):
            hessian[:, i] = (gradients[2 * i] - gradients[2 * i + 1]) / (2 * h)
        hessian = (hessian + hessian.T) / 2 * total
    else:
        for i in range(k):
            for j in range(i, k):
                e_i, e_j = np.eye(k)[i] * h, np.eye(k)[j] * h
                value = (
                    negative_mean(u + e_i + e_j)
                    - negative_mean(u + e_i - e_j)
                    - negative_mean(u - e_i + e_j)
                    + negative_mean(u - e_i - e_j)
                ) / (4 * h * h)
                hessian[i, j] = hessian[j, i] = value * total
    try:
        eigenvalues = np.linalg.eigvalsh(hessian)
        if not np.all(np.isfinite(eigenvalues)) or eigenvalues.min() <= 0:
            raise np.linalg.LinAlgError
        covariance = np.linalg.inv(hessian)
    except np.linalg.LinAlgError:
        return np.full(k, np.nan), "standard errors not available: the likelihood is flat in some direction", None
    return params * np.sqrt(np.diag(covariance)), "", covariance


def parameter_table(
    fit: FitResult, meanings: dict[str, str], *, model: str, fitted_what: str = "customers"
) -> pd.DataFrame:
    """``model, parameter, value, standard_error, meaning``: the estimates, log-likelihood and count.

    Examples
    --------
    >>> fit = FitResult({"r": 0.25}, {"r": 0.01}, -10.0, 12.0)
    >>> parameter_table(fit, {"r": "shape"}, model="M")["parameter"].tolist()
    ['r', 'log_likelihood', 'customers']
    """
    names = list(fit.params)
    note = f"; {fit.note}" if fit.note else ""
    return pd.DataFrame(
        {
            "model": model,
            "parameter": names + ["log_likelihood", fitted_what],
            "value": [fit.params[n] for n in names] + [fit.log_likelihood, fit.n],
            "standard_error": [fit.standard_errors[n] for n in names] + [np.nan, np.nan],
            "meaning": [meanings[n] + (note if i == 0 else "") for i, n in enumerate(names)]
            + ["log-likelihood at the maximum", f"{fitted_what.replace('_', ' ')} fitted"],
        }
    )


def check_rfm_inputs(frequency, recency, T, *, weights=None) -> tuple[np.ndarray, ...]:
    """Validate (x, t_x, T) per customer; return float arrays (frequency, recency, T, weights).

    Raises :class:`SegmenterInputError` naming the first offending customer (1-based position)
    for: different lengths, missing or infinite values, frequency not a whole number >= 0,
    recency < 0, T < recency, recency > 0 with frequency 0 or recency 0 with frequency > 0
    (a repeat purchase happens after the first), and weights that are not positive.

    Examples
    --------
    >>> check_rfm_inputs([0, 2], [0, 3.5], [4, 5])[1].tolist()
    [0.0, 3.5]
    """
    arrays = [np.asarray(v, dtype=float).ravel() for v in (frequency, recency, T)]
    n = arrays[0].size
    weight_array = np.ones(n) if weights is None else np.asarray(weights, dtype=float).ravel()
    if any(a.size != n for a in (*arrays, weight_array)):
        raise SegmenterInputError("frequency, recency, T (and weights) must have one value per customer")
    x, t_x, age = arrays
    checks = (
        (~np.isfinite(x), "frequency", "is missing or not a number"),
        (~np.isfinite(t_x), "recency", "is missing or not a number"),
        (~np.isfinite(age), "T", "is missing or not a number"),
        ((x < 0) | (x != np.round(x)), "frequency", "must be a whole number of repeat purchases, 0 or more"),
        (t_x < 0, "recency", "is negative (time from first to last purchase cannot be)"),
        (age < t_x, "T", "is below recency (the customer's age must cover the last purchase)"),
        ((x == 0) & (t_x != 0), "recency", "is above 0 but frequency is 0 (no repeat purchase to date it)"),
        ((x > 0) & (t_x == 0), "recency", "is 0 but frequency is above 0 (a repeat purchase comes later)"),
        (~np.isfinite(weight_array) | (weight_array <= 0), "weights", "must be positive numbers"),
    )
    for bad, column, reason in checks:
        if bad.any():
            first = int(np.flatnonzero(bad)[0])
            raise SegmenterInputError(
                f"{reason}; customer {first + 1} of {n} ({int(bad.sum())} customers affected)", column=column
            )
    return x, t_x, age, weight_array


@dataclass(frozen=True)
class Distinct:
    """The distinct values of an array and the position of each element among them.

    A function of one value per customer (a gamma function of the frequency, a log of the
    age) is then evaluated once per distinct value and gathered: ``f(values)[index]``. Order
    lists give a few hundred distinct frequencies and ages for 100,000s of customers.

    Examples
    --------
    >>> frequencies = Distinct.of(np.array([2.0, 0.0, 2.0]))
    >>> frequencies.values.tolist(), frequencies.index.tolist()
    ([0.0, 2.0], [1, 0, 1])
    """

    values: np.ndarray
    index: np.ndarray

    @classmethod
    def of(cls, array: np.ndarray) -> Distinct:
        values, index = np.unique(array, return_inverse=True)
        return cls(values, index.ravel())


def distinct_pairs(first: np.ndarray, second: np.ndarray) -> tuple[tuple[np.ndarray, np.ndarray], np.ndarray]:
    """((distinct first, distinct second) in sorted order, index of each input pair among them).

    One lexsort (numpy's unique over rows is several times slower on 100,000s of customers).

    >>> distinct_pairs(np.array([1.0, 0.0, 1.0]), np.array([5.0, 2.0, 5.0]))
    ((array([0., 1.]), array([2., 5.])), array([1, 0, 1]))
    """
    order = np.lexsort((second, first))
    a, b = first[order], second[order]
    new = np.ones(a.size, dtype=bool)
    new[1:] = (a[1:] != a[:-1]) | (b[1:] != b[:-1])
    inverse = np.empty(a.size, dtype=np.int64)
    inverse[order] = np.cumsum(new) - 1
    return (a[new], b[new]), inverse


def group_identical(x: np.ndarray, t_x: np.ndarray, T: np.ndarray, weight: np.ndarray):
    """Unique (x, t_x, T) rows with their summed weights: the likelihood is then evaluated once per row.

    The rows come sorted, so the fit does not depend on the order of the customers (sums taken
    in another order round differently, and the optimiser's path with them).
    """
    grouped = pd.DataFrame({"x": x, "t_x": t_x, "T": T, "w": weight}).groupby(["x", "t_x", "T"], sort=True)["w"].sum()
    keys = grouped.index
    return (
        keys.get_level_values(0).to_numpy(float),
        keys.get_level_values(1).to_numpy(float),
        keys.get_level_values(2).to_numpy(float),
        grouped.to_numpy(float),
    )


def prediction_times(t) -> np.ndarray:
    """Prediction lengths as a float array (any shape), checked finite and >= 0."""
    t = np.asarray(t, dtype=float)
    if np.any(~np.isfinite(t) | (t < 0)):
        raise SegmenterInputError("the prediction period t must be a number of time units, 0 or more")
    return t


def horizon(t, n: int) -> np.ndarray:
    """A prediction length per customer (scalar broadcast), checked finite and >= 0."""
    return np.broadcast_to(prediction_times(t), (n,))


#: What the purchase-rate parameters mean; the Gamma mixing of Poisson rates is common to all three models.
PURCHASE_RATE_MEANINGS = {
    "r": "shape of the purchase-rate distribution (Gamma)",
    "alpha": "scale of the purchase-rate distribution, in time units; mean rate = r / alpha",
}


class PurchaseModel:
    """What BG/NBD, MBG/NBD and Pareto/NBD share: fit on (frequency, recency, T), then predict.

    Subclasses set :attr:`name`, :attr:`parameter_names`, :attr:`time_parameters` (those in
    time units, searched relative to the mean age T), :attr:`meanings` and
    :attr:`alive_sentence`, and implement :meth:`_terms` (per-row log-likelihood and
    log-gradient or None), :meth:`_log_odds_dead` and :meth:`_expected_if_alive`.

    Attributes (after :meth:`fit`)
    ------------------------------
    params_ : dict
        Maximum-likelihood estimates.
    standard_errors_ : dict
    log_likelihood_ : float
        Total log-likelihood at the optimum (weighted sum over customers).
    n_customers_ : float
        Customers fitted (sum of weights).
    """

    name = ""
    parameter_names: tuple[str, ...] = ()
    time_parameters: tuple[str, ...] = ()
    meanings: dict[str, str] = {}
    #: One plain sentence on what P(alive) means in this model (shown on the sheets).
    alive_sentence = ""
    min_customers = 10

    def __init__(self) -> None:
        self.params_: dict[str, float] | None = None
        self.standard_errors_: dict[str, float] | None = None
        self.log_likelihood_: float | None = None
        self.n_customers_: float | None = None
        self._fit: FitResult | None = None

    def _terms(
        self, params: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray, frequencies: Distinct | None = None
    ):
        raise NotImplementedError

    def _likelihood(self, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> LogLikelihood:
        """:meth:`_terms` on these customers as a function of the parameters alone (what the
        fit calls), with the distinct frequencies found once; a model may prepare more here."""
        frequencies = Distinct.of(x)
        return lambda params: self._terms(params, x, t_x, T, frequencies)

    def _log_odds_dead(self, params: np.ndarray, x, t_x, T) -> np.ndarray:
        raise NotImplementedError

    def _expected_if_alive(self, params: np.ndarray, t, x, t_x, T) -> np.ndarray:
        raise NotImplementedError

    def fit(self, frequency, recency, T, weights=None):
        """Fit the parameters by maximum likelihood; raise when the data cannot support it.

        Parameters
        ----------
        frequency, recency, T : array-like
            One value per customer: repeat purchase occasions x, time of the last purchase
            t_x and age T, both from the first purchase, in one time unit.
        weights : array-like, optional
            Number of customers each row stands for (for pre-grouped data).

        Returns
        -------
        self, fitted.

        Raises
        ------
        SegmenterInputError
            Invalid inputs (see :func:`check_rfm_inputs`); fewer than 10 customers; no repeat
            buyer (drop-out is then not identified); a degenerate fit (see
            :func:`fit_max_likelihood`).
        """
        x, t_x, age, weight = check_rfm_inputs(frequency, recency, T, weights=weights)
        total = float(weight.sum())
        if total < self.min_customers:
            raise SegmenterInputError(
                f"{self.name} needs at least {self.min_customers} customers to fit, got {total:g}", column="frequency"
            )
        if not (x > 0).any():
            raise SegmenterInputError(
                "no customer has a repeat purchase, so the drop-out rate cannot be estimated", column="frequency"
            )
        x, t_x, age, counts = group_identical(x, t_x, age, weight)
        typical_time = max(float(np.average(age, weights=counts)), 1e-9)
        scale = [typical_time if n in self.time_parameters else 1.0 for n in self.parameter_names]
        fit = fit_max_likelihood(
            self._likelihood(x, t_x, age), self.parameter_names, counts, model=self.name, scale=scale
        )
        self._fit = fit
        self.params_ = fit.params
        self.standard_errors_ = fit.standard_errors
        self.log_likelihood_ = fit.log_likelihood
        self.n_customers_ = fit.n
        return self

    def _fitted(self) -> np.ndarray:
        if self.params_ is None:
            raise SegmenterInputError(f"the {self.name} model is not fitted yet; call fit first")
        return np.array([self.params_[name] for name in self.parameter_names])

    def summary(self) -> pd.DataFrame:
        """Fitted parameters: ``model, parameter, value, standard_error, meaning``."""
        self._fitted()
        fit = self._fit or FitResult(
            self.params_,
            {n: np.nan for n in self.params_},
            float(self.log_likelihood_ or np.nan),
            float(self.n_customers_ or np.nan),
        )
        return parameter_table(fit, self.meanings, model=self.name)

    def probability_alive(self, frequency, recency, T) -> np.ndarray:
        """P(the customer is still active at T | x, t_x, T), between 0 and 1."""
        params = self._fitted()
        x, t_x, age, _ = check_rfm_inputs(frequency, recency, T)
        with np.errstate(over="ignore"):
            return 1.0 / (1.0 + np.exp(self._log_odds_dead(params, x, t_x, age)))

    def expected_purchases(self, t, frequency, recency, T) -> np.ndarray:
        """E[repeat purchases in (T, T + t] | x, t_x, T]; t in the unit of T, scalar or per customer."""
        return self.expected_purchases_over([t], frequency, recency, T)[:, 0]

    def expected_purchases_over(self, horizons, frequency, recency, T) -> np.ndarray:
        """:meth:`expected_purchases` for several horizons at once, P(alive) computed once.

        Parameters
        ----------
        horizons : sequence
            Prediction lengths in the unit of T, each a scalar or one per customer.
        frequency, recency, T : array-like
            One value per customer.

        Returns
        -------
        ndarray of shape (customers, len(horizons))

        Raises
        ------
        SegmenterInputError
            A prediction is not finite (the hypergeometric function overflows for these
            parameters): the model is then not usable, rather than giving NaN figures.

        Examples
        --------
        >>> from core.customers.bgnbd import BetaGeoModel
        >>> model = BetaGeoModel()
        >>> model.params_ = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
        >>> model.expected_purchases_over([0, 39], [2], [30.43], [38.86]).round(3).tolist()
        [[0.0, 1.226]]
        """
        params = self._fitted()
        x, t_x, age, _ = check_rfm_inputs(frequency, recency, T)
        alive = self.probability_alive(x, t_x, age)
        # the expectation given alive depends on x and T alone (not on t_x): for a horizon common
        # to all customers it is evaluated once per distinct (x, T) and gathered
        pairs = None
        columns = []
        for length in horizons:
            t = horizon(length, x.size)
            with np.errstate(divide="ignore", invalid="ignore"):
                if np.ndim(length) == 0:
                    if pairs is None:
                        (pair_x, pair_T), pair_index = distinct_pairs(x, age)
                        pairs = np.zeros(pair_x.size)
                    if_alive = self._expected_if_alive(params, t[: pairs.size], pair_x, pairs, pair_T)[pair_index]
                else:
                    if_alive = self._expected_if_alive(params, t, x, t_x, age)
                expected = if_alive * alive
            columns.append(np.where(t == 0, 0.0, expected))
        result = np.column_stack(columns) if columns else np.empty((x.size, 0))
        return self._finite(result, "expected purchases")

    def expected_purchases_new(self, t) -> np.ndarray:
        """E[X(t)], the repeat purchases of a new customer over t time units (scalar or array).

        Raises
        ------
        SegmenterInputError
            A value is not finite (see :meth:`expected_purchases_over`).
        """
        t = prediction_times(t)
        return self._finite(
            self._expected_new(self._fitted(), t),
            f"expected purchases for a new customer over {float(np.max(t, initial=0.0)):.1f} time units",
        )

    def _expected_new(self, params: np.ndarray, t: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _finite(self, values: np.ndarray, what: str) -> np.ndarray:
        """``values``, or the refusal of a model whose prediction overflowed at its parameters."""
        if not np.isfinite(values).all():
            raise SegmenterInputError(
                f"{self.name} gives no finite {what} at its fitted parameters "
                f"({', '.join(f'{n} {v:.4g}' for n, v in zip(self.parameter_names, self._fitted()))})",
                column="frequency",
            )
        return values

    def log_likelihood(self, frequency, recency, T) -> np.ndarray:
        """Per-customer log-likelihood under the fitted parameters."""
        params = self._fitted()
        x, t_x, age, _ = check_rfm_inputs(frequency, recency, T)
        with np.errstate(divide="ignore"):
            return self._terms(params, x, t_x, age)[0]

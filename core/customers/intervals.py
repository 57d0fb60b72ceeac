"""80 % intervals (P10, P50, P90) of model CLV and expected purchases, per customer and rolled up.

How sure is a model figure? The fitted parameters are estimates; their uncertainty is what the
intervals here carry. Method (one pass, no refitting):

1. Draw parameter sets from the normal approximation of each fit: ln theta ~ N(ln theta_hat,
   H^-1), H the observed information in the log-parameters (the covariance the standard
   errors come from, :attr:`core.customers.fitting.FitResult.log_covariance`). The purchase
   model and the spend model are fitted separately and drawn independently.
2. For each draw, recompute every customer's expected purchases and CLV exactly as
   :func:`core.customers.model_clv.model_clv` does (same periods, discounting and margin).
3. Sum per group (tier, RFM segment, the whole list) within each draw, then take the 10th,
   50th and 90th percentiles of those sums across draws. A group's P10 is therefore *not* the
   sum of its customers' P10s: the customers share the parameters, so their errors move together.

Why not a bootstrap (CLVTools' ``uncertainty = "boots"``)? It refits the models on resampled
customers hundreds of times: minutes on 100,000s of customers, and a refit that fails on a
resample has no good answer. The draws reuse the curvature the fit already computed, so 200 draws
cost about as much as 200 predictions; for the hundreds-to-millions of customers this tool sees,
the normal approximation of the log-parameters is what the bootstrap would converge to.

What the ranges leave out: they are ranges of the *expected* figures. A single customer's actual
purchases vary around their expectation (a whole number, Poisson-like) far more than the
expectation itself; for totals over thousands of customers that noise is small beside the
parameter uncertainty, though not nil (the holdout check on the Model check sheet shows it).
And they assume the model is right: a model that does not fit the list (Model check) is off by
more than its range.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse, special

from core.customers.bgnbd import BetaGeoModel
from core.customers.fitting import FitResult, PurchaseModel, check_rfm_inputs
from core.customers.mbgnbd import ModifiedBetaGeoModel
from core.customers.pareto_nbd import ParetoNBDModel, PreparedCustomers, _log_likelihood_parts
from core.errors import SegmenterInputError
from core.groups import known_sums
from core.parallel import run_together, workers_for

#: Parameter draws per interval: the 10th and 90th percentiles of 200 draws are within about
#: +-2 percentile points of the true ones.
DRAWS = 200
#: Draws when the purchase model is Pareto/NBD: its P(alive) needs a hypergeometric series per
#: customer, about 10 times BG/NBD's cost, so half the draws (P10 and P90 within about +-3
#: percentile points) keep the ranges of 100,000 customers within seconds.
SLOW_MODEL_DRAWS = 100
#: Fixed seed: the same list gives the same ranges on every run.
SEED = 20_071_001
QUANTILES = (0.1, 0.5, 0.9)
SUFFIXES = ("p10", "p50", "p90")
#: Customers handled at once when taking per-customer quantiles (bounds the memory to
#: CHUNK x DRAWS numbers).
CHUNK = 20_000
WHOLE_LIST = "Whole list"


def draw_parameters(fit: FitResult, draws: int = DRAWS, rng: np.random.Generator | None = None) -> np.ndarray:
    """``draws`` x k parameter sets (natural units) from N(ln theta_hat, covariance of the log-parameters).

    Raises
    ------
    SegmenterInputError
        The fit has no covariance (its likelihood was flat in some direction: no range can be given).

    Examples
    --------
    >>> fit = FitResult({"rate": 2.0}, {"rate": 0.2}, -1.0, 100.0, log_covariance=np.array([[0.01]]))
    >>> sample = draw_parameters(fit, 20_000, np.random.default_rng(1))
    >>> round(float(np.log(sample).std()), 2), round(float(np.exp(np.log(sample).mean())), 2)
    (0.1, 2.0)
    """
    if fit.log_covariance is None:
        raise SegmenterInputError(f"no range: {fit.note or 'the fit has no standard errors'}", column="frequency")
    rng = rng or np.random.default_rng(SEED)
    centre = np.log(np.array(list(fit.params.values()), dtype=float))
    with np.errstate(over="ignore"):  # a draw past e^709 is inf: its predictions are not finite, left out
        return np.exp(rng.multivariate_normal(centre, fit.log_covariance, size=draws, method="eigh"))


@dataclass(frozen=True)
class ClvIntervals:
    """Ranges of the expected purchases and model CLV.

    Attributes
    ----------
    customers:
        One row per customer, in input order: ``expected_purchases_p10, _p50, _p90,
        model_clv_p10, _p50, _p90`` (and ``profit_clv_p10, _p50, _p90`` with a cost per purchase).
    totals:
        ``grouping, group, customers, expected_purchases, expected_purchases_p10, _p50, _p90,
        model_clv, model_clv_p10, _p50, _p90`` (and ``profit_clv`` with its ranges with a cost per
        purchase): the whole list first, then each grouping's groups
        (the point figures are the sums of the customers' point values).
    draws:
        Parameter draws used.
    note:
        How the ranges were made, and draws left out (a prediction that was not finite), if any.
    """

    customers: pd.DataFrame
    totals: pd.DataFrame
    draws: int
    note: str


#: Chebyshev nodes per (x, T) for the expectation over the horizon's periods (see :class:`_Horizon`).
NODES = (8, 12, 16, 32)
#: Chebyshev nodes in ln w per distinct x for BG/NBD and MBG/NBD (see :class:`_Horizon`).
RATIO_NODES = (16, 32)
#: Largest relative error of the interpolated figures, checked against the exact ones at the fit.
INTERPOLATION_TOLERANCE = 1e-7


class _Horizon:
    """E if alive at every period end of the horizon, per distinct (x, T), for many parameter sets.

    The discounted sum needs E at every period end (52 for a year in weeks, 365 in days), and
    the draws need it for every parameter set. E(t) given x and T is smooth in
    u = ln(tau + T + t) (tau: half the smallest time parameter): its singularities (t = -(alpha
    + T), a branch cut of 2F1) lie at least pi away in the complex u plane. So it is evaluated
    at :data:`NODES` Chebyshev nodes in u and the sums are fixed linear combinations of those
    values (weights computed once). The interpolated figures are checked against the exact ones
    at the fitted parameters; more nodes, then the exact per-period evaluation, take over when
    they are off by more than :data:`INTERPOLATION_TOLERANCE`.

    All three purchase models' expectation given alive depends on x and T only (not on t_x),
    so it is evaluated once per distinct (x, T): order lists have a few thousand of those for
    100,000s of customers. P(alive), which does depend on t_x, multiplies it per customer.

    BG/NBD's and MBG/NBD's expectation depends on T and t only through w = (alpha + T) / (alpha
    + T + t) (FHL eq. 10 in Euler's form: 1 - w^(a-1) 2F1(..; 1 - w)), so for each parameter set
    it is evaluated at :data:`RATIO_NODES` Chebyshev nodes in ln w per distinct x (a few
    dozen x for 1000s of (x, T)) and interpolated; in ln w its singularities (the branch cut of
    2F1) lie pi away from the real axis. Checked against the exact figures as the time nodes are.
    """

    def __init__(
        self,
        model: PurchaseModel,
        x: np.ndarray,
        T: np.ndarray,
        horizon: float,
        factors: np.ndarray,
        fitted: np.ndarray,
    ) -> None:
        self.model, self.x, self.T = model, x, T
        self.ends = np.minimum(np.arange(1, factors.size + 1, dtype=float), horizon)
        self.factors = factors
        steps = np.zeros((self.ends.size, 2))
        steps[:, 0] = np.r_[factors[:-1] - factors[1:], factors[-1]]  # sum_k E_k (f_k - f_k+1) + E_K f_K
        steps[-1, 1] = 1.0  # E at the horizon
        self.steps = steps
        exact = self._exact(fitted)
        self.nodes = None
        self.ratio_nodes = 0
        times = [fitted[model.parameter_names.index(n)] for n in model.time_parameters]
        tau = 0.5 * min(times) if times else 1.0
        for position, count in enumerate(NODES):
            if count >= self.ends.size:
                break
            following = NODES[position + 1] if position + 1 < len(NODES) else None
            # a count found off on one block of pairs is off on all: the next is tried at once,
            # unless this one's weights would be kept (no next count to try)
            stop_early = following is None or following < self.ends.size
            if not self._prepare(count, tau, (fitted, exact) if stop_early else None):
                continue
            guess = self(fitted)
            with np.errstate(invalid="ignore", divide="ignore"):
                error = np.abs(guess - exact) / np.maximum(np.abs(exact), 1e-300)
            if np.all(np.isfinite(guess)) and float(np.max(error, initial=0.0)) <= INTERPOLATION_TOLERANCE:
                break
        else:
            self.nodes = None
        if isinstance(model, (BetaGeoModel, ModifiedBetaGeoModel)):
            self.x_values, self.x_index = np.unique(x, return_inverse=True)
            for count in RATIO_NODES:
                self.ratio_nodes = count
                guess = self(fitted)
                with np.errstate(invalid="ignore", divide="ignore"):
                    error = np.abs(guess - exact) / np.maximum(np.abs(exact), 1e-300)
                if np.all(np.isfinite(guess)) and float(np.max(error, initial=0.0)) <= INTERPOLATION_TOLERANCE:
                    return
            self.ratio_nodes = 0

    def _expected(self, params: np.ndarray, t: np.ndarray) -> np.ndarray:
        """E if alive at times t (pairs x m) for one parameter set."""
        if self.ratio_nodes and t.shape[1] > 1:
            return self._by_ratio(params, t)
        return _on_grid(self.model, params, t, self.x, self.T)

    def _exact(self, params: np.ndarray) -> np.ndarray:
        t = np.broadcast_to(self.ends, (self.x.size, self.ends.size))
        return _on_grid(self.model, params, t, self.x, self.T) @ self.steps

    def _by_ratio(self, params: np.ndarray, t: np.ndarray) -> np.ndarray:
        """BG/NBD's E if alive at times t (pairs x m) through Chebyshev interpolation in ln w per x."""
        alpha = params[1]
        s = np.log(alpha + self.T[:, None]) - np.log(alpha + self.T[:, None] + t)
        low = float(s.min())
        if low == 0:
            return np.zeros_like(t)
        count = self.ratio_nodes
        j = np.arange(count)
        node = np.cos(np.pi * (j + 0.5) / count)
        barycentric = (-1.0) ** j * np.sin(np.pi * (j + 0.5) / count)
        times = alpha * np.expm1(-(low / 2 + low / 2 * node))  # t at w = exp(s_node), T = 0
        xs = np.repeat(self.x_values, count)
        with np.errstate(all="ignore"):
            values = self.model._expected_if_alive(
                params, np.tile(times, self.x_values.size), xs, np.zeros_like(xs), np.zeros_like(xs)
            ).reshape(self.x_values.size, count)
        y = (s - low / 2) / (low / 2)
        difference = y[:, :, None] - node[None, None, :]
        hit = np.abs(difference) < 1e-14
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = barycentric / difference
        if hit.any():
            terms = np.where(hit.any(axis=2, keepdims=True), hit.astype(float), terms)
        return np.einsum("pmn,pn->pm", terms, values[self.x_index]) / terms.sum(axis=2)

    def _prepare(self, count: int, tau: float, check: tuple[np.ndarray, np.ndarray] | None = None) -> bool:
        """Node times per pair and the weights turning node values into the two sums (barycentric form).

        With ``check`` (the fitted parameters and the exact sums per pair), each block of pairs is
        checked as it is made, and False returned (the weights left unfinished) at the first
        block whose interpolated sums are off by more than :data:`INTERPOLATION_TOLERANCE`.
        """
        j = np.arange(count)
        s_nodes = np.cos(np.pi * (j + 0.5) / count)
        barycentric = (-1.0) ** j * np.sin(np.pi * (j + 0.5) / count)
        low = np.log(tau + self.T)
        high = np.log(tau + self.T + self.ends[-1])
        mid, half = (high + low) / 2, (high - low) / 2
        self.nodes = np.exp(mid[:, None] + half[:, None] * s_nodes[None, :]) - tau - self.T[:, None]
        weights = np.zeros((self.x.size, count, 2))
        for start in range(0, self.x.size, 2000):
            rows = slice(start, start + 2000)
            s = (np.log(tau + self.T[rows, None] + self.ends[None, :]) - mid[rows, None]) / half[rows, None]
            difference = s[:, :, None] - s_nodes[None, None, :]
            hit = np.abs(difference) < 1e-14
            with np.errstate(divide="ignore", invalid="ignore"):
                terms = barycentric / difference
            if hit.any():  # a period end on a node (rare): its value there, exactly
                terms = np.where(hit.any(axis=2, keepdims=True), hit.astype(float), terms)
            matrix = terms / terms.sum(axis=2, keepdims=True)  # pairs x ends x nodes
            weights[rows] = np.einsum("pkn,kc->pnc", matrix, self.steps)
            if check is not None and not _close(self._interpolated(check[0], rows, weights[rows]), check[1][rows]):
                return False
        self.weights = weights
        return True

    def _interpolated(self, params: np.ndarray, rows: slice, weights: np.ndarray) -> np.ndarray:
        """The two sums of the pairs ``rows`` from their node values and ``weights``."""
        values = _on_grid(self.model, params, self.nodes[rows], self.x[rows], self.T[rows])
        return np.einsum("pn,pnc->pc", values, weights)

    def __call__(self, params: np.ndarray) -> np.ndarray:
        """(discounted E, E at the horizon) if alive, per pair: pairs x 2."""
        if self.nodes is None:
            return self._exact(params)
        return np.einsum("pn,pnc->pc", self._expected(params, self.nodes), self.weights)


def _on_grid(model: PurchaseModel, params: np.ndarray, t: np.ndarray, x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """E if alive of the pairs (x, T) at times t (pairs x m): the model's ``_expected_if_alive`` on
    every element, or its ``_expected_if_alive_grid`` (the same numbers, what depends on the pair
    alone computed once per pair) when it has one."""
    with np.errstate(all="ignore"):
        grid = getattr(model, "_expected_if_alive_grid", None)
        if grid is not None:
            return grid(params, t, x, T)
        xs, Ts = np.broadcast_to(x[:, None], t.shape).ravel(), np.broadcast_to(T[:, None], t.shape).ravel()
        return model._expected_if_alive(params, np.ravel(t), xs, np.zeros_like(xs), Ts).reshape(t.shape)


def _row_quantiles(values: np.ndarray) -> np.ndarray:
    """The :data:`QUANTILES` of each row (rows x 3): ``np.quantile(values, QUANTILES, axis=1).T``,
    taken on each row sorted first.

    The quantiles are interpolated between order statistics, which are the same numbers whatever
    the order of the row, so sorting first gives the same quantiles to the bit; numpy sorts short
    rows with its vector sort, and partitioning sorted rows is quick: on 100,000 rows of 100
    draws, 0.1 s where partitioning the rows as they come took 0.35 s.

    >>> _row_quantiles(np.array([[1.0, 2.0, 3.0], [5.0, 4.0, 6.0]])).tolist()
    [[1.2, 2.0, 2.8], [4.2, 5.0, 5.8]]
    """
    return np.quantile(np.sort(values, axis=1), QUANTILES, axis=1, overwrite_input=True).T  # (the sorted copy is ours)


def _close(guess: np.ndarray, exact: np.ndarray) -> bool:
    """Whether every interpolated figure is finite and within :data:`INTERPOLATION_TOLERANCE` of the exact one."""
    with np.errstate(invalid="ignore", divide="ignore"):
        error = np.abs(guess - exact) / np.maximum(np.abs(exact), 1e-300)
    return bool(np.all(np.isfinite(guess))) and float(np.max(error, initial=0.0)) <= INTERPOLATION_TOLERANCE


def each_draw(function: Callable[[int], None], draws: int, workers: int | None = None) -> None:
    """``function(d)`` for each draw d in 0 .. draws-1, on :data:`core.parallel.WORKERS`
    threads (:func:`core.parallel.run_together`); ``function`` writes its draw's results
    to its own place (a column, an element).

    >>> squares = np.zeros(5)
    >>> def square(d):
    ...     squares[d] = d * d
    >>> each_draw(square, 5)
    >>> squares.tolist()
    [0.0, 1.0, 4.0, 9.0, 16.0]
    """
    run_together([lambda d=d: function(d) for d in range(draws)], workers)


def draws_for(model: PurchaseModel) -> int:
    """Parameter draws for ``model``: :data:`DRAWS`, or :data:`SLOW_MODEL_DRAWS` for Pareto/NBD."""
    return SLOW_MODEL_DRAWS if model.name == "Pareto/NBD" else DRAWS


def _distinct(*columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows of the columns (rows x columns) and each element's row among them (a hash
    grouping: numpy's unique over rows sorts, several times slower on 100,000s of customers)."""
    frame = pd.DataFrame({k: c for k, c in enumerate(columns)})
    index = frame.groupby(list(frame.columns), sort=False).ngroup().to_numpy()
    return frame.to_numpy(float)[_first_rows(index, int(index.max()) + 1 if index.size else 0)], index


def _first_rows(index: np.ndarray, groups: int) -> np.ndarray:
    """The first position of each group number in ``index``."""
    first = np.full(groups, -1)
    first[index[::-1]] = np.arange(index.size)[::-1]
    return first


def _alive_function(model: PurchaseModel, x, t_x, T):
    """params -> P(alive) of these customers; Pareto/NBD's customer preparation (distinct pairs,
    sorted once) is done here once rather than per draw."""
    if isinstance(model, ParetoNBDModel):
        prepared = PreparedCustomers(x, t_x, T)

        def log_odds(params):
            _, alive, dead = _log_likelihood_parts(params, prepared)
            return dead - alive
    else:

        def log_odds(params):
            return model._log_odds_dead(params, x, t_x, T)

    def alive(params: np.ndarray) -> np.ndarray:
        # a draw far out along a flat direction of the likelihood (s and beta running off
        # together) may overflow: its P(alive) is then not finite and the draw is left out and
        # counted, as the callers do with every draw whose predictions are not finite
        with np.errstate(all="ignore"):
            return special.expit(-log_odds(params))  # 1 / (1 + e^log_odds)

    return alive


def _spend_draws(
    spend_model, frequency: np.ndarray, monetary: np.ndarray, draws: int, rng: np.random.Generator
) -> tuple[np.ndarray | None, np.ndarray]:
    """(Gamma-Gamma draws p, q, v as draws x 3, or None for a fixed average spend; draws kept)."""
    fit = getattr(spend_model, "_fit", None)
    if fit is None or fit.log_covariance is None:
        return None, np.ones(draws, dtype=bool)
    sample = draw_parameters(fit, draws, rng)
    return sample, sample[:, 1] > 1  # q <= 1: infinite mean spend


def clv_intervals(
    purchase_model: PurchaseModel,
    spend_model,
    frequency,
    recency,
    T,
    monetary,
    margin,
    *,
    horizon: float,
    unit_discount: float,
    groups: Mapping[str, np.ndarray] | None = None,
    point_purchases=None,
    point_clv=None,
    draws: int = DRAWS,
    seed: int = SEED,
    cost_per_purchase=None,
    point_profit=None,
) -> ClvIntervals:
    """P10, P50 and P90 of expected purchases and model CLV, per customer and per group.

    Parameters
    ----------
    purchase_model, spend_model:
        Fitted models (:class:`core.customers.model_clv.ClvResult` carries them); the spend
        model is Gamma-Gamma or :class:`core.customers.model_clv.AverageSpend` (then the spend
        is taken as known and only the purchase model is drawn).
    frequency, recency, T, monetary, margin:
        One value per customer, as :func:`core.customers.model_clv.model_clv` reads them
        (``monetary`` the mean repeat spend, ``margin`` a fraction, NaN where unknown).
    horizon, unit_discount:
        Valuation periods and discount per period, as in ``model_clv``.
    groups:
        Grouping name -> one label per customer (tier, RFM segment, channel); the whole list
        is always given.
    point_purchases, point_clv:
        The point figures per customer, summed into ``totals`` beside the ranges (default:
        the sums are left blank).
    draws, seed:
        Parameter draws and the random seed (fixed: the same list gives the same ranges).
    cost_per_purchase, point_profit:
        Cost to serve per purchase per customer (NaN where unknown) and the point profit CLV
        (:mod:`core.customers.profit_clv`): when given, ``customers`` and ``totals`` also carry
        ``profit_clv`` ranges, each draw's expected purchases x (spend x margin - cost), discounted.

    Returns
    -------
    ClvIntervals

    Raises
    ------
    SegmenterInputError
        The purchase fit has no covariance, or fewer than half the draws give finite figures.

    Notes
    -----
    See the module docstring. Customers with margin NaN get NaN CLV ranges and count as 0 in
    the sums, as the point total (a NaN-skipping sum) counts them.
    """
    x, t_x, age, _ = check_rfm_inputs(frequency, recency, T)
    monetary = np.where(x > 0, np.asarray(monetary, dtype=float), 0.0)
    margin = np.broadcast_to(np.asarray(margin, dtype=float), x.shape)
    rng = np.random.default_rng(seed)
    purchase_draws = draw_parameters(purchase_model._fit, draws, rng)
    spend_sample, spend_ok = _spend_draws(spend_model, x, monetary, draws, rng)
    # a spend taken as known (average or each customer's own): computed once for all customers
    known_spend = None if spend_sample is not None else spend_model.expected_avg_spend(x, monetary).astype(np.float32)
    with_cost = cost_per_purchase is not None
    cost = np.broadcast_to(np.asarray(cost_per_purchase if with_cost else np.nan, dtype=float), x.shape)

    pairs, pair_index = _distinct(x, age)
    triples, triple_index = _distinct(x, t_x, age)
    periods = max(math.ceil(horizon), 1)
    factors = (1 + unit_discount) ** -np.arange(1, periods + 1, dtype=float)
    sums_over = _Horizon(
        purchase_model,
        pairs[:, 0],
        pairs[:, 1],
        horizon,
        factors,
        np.array([purchase_model.params_[n] for n in purchase_model.parameter_names]),
    )

    total_pair = np.empty((pairs.shape[0], draws))
    discounted_pair = np.empty((pairs.shape[0], draws))
    alive = np.empty((triples.shape[0], draws), dtype=np.float32)
    alive_at = _alive_function(purchase_model, *triples.T)

    def predict(d: int) -> None:
        discounted_pair[:, d], total_pair[:, d] = sums_over(purchase_draws[d]).T
        alive[:, d] = alive_at(purchase_draws[d])

    each_draw(predict, draws, workers_for(triples.shape[0]))
    finite = (
        np.isfinite(total_pair).all(axis=0)
        & np.isfinite(discounted_pair).all(axis=0)
        & np.isfinite(alive).all(axis=0)
        & spend_ok
    )
    kept = int(finite.sum())
    if kept < draws / 2:
        raise SegmenterInputError(
            f"no range: only {kept} of {draws} parameter draws give finite predictions", column="frequency"
        )
    if kept < draws:  # (copies of 100,000s x draws numbers: only when a draw is left out)
        total_pair, discounted_pair, alive = total_pair[:, finite], discounted_pair[:, finite], alive[:, finite]
    if spend_sample is not None:
        p, q, v = (spend_sample[finite, k] for k in range(3))

    labels = {WHOLE_LIST: np.full(x.size, WHOLE_LIST, dtype=object), **(groups or {})}
    codes = {}
    for name, values in labels.items():
        code, uniques = pd.factorize(pd.Series(np.asarray(values, dtype=object)).fillna("(blank)"), sort=True)
        codes[name] = (code, uniques)
    sums = {name: tuple(np.zeros((len(u), kept)) for _ in range(3)) for name, (_, u) in codes.items()}
    per_customer = np.full((x.size, 9), np.nan)
    # a customer's expected purchases depend on (x, t_x, T) alone: their quantiles once per distinct
    # triple, blocks of triples on two threads (each row's quantiles are its own)
    chance_pair = np.empty((triples.shape[0], kept), dtype=np.float32)
    triple_pair = pair_index[_first_rows(triple_index, triples.shape[0])]
    triple_quantiles = np.empty((triples.shape[0], len(QUANTILES)))

    def chances(start: int) -> None:
        rows = slice(start, start + CHUNK)
        chance_pair[rows] = alive[rows] * total_pair[triple_pair[rows]]
        triple_quantiles[rows] = _row_quantiles(chance_pair[rows])

    run_together(
        [lambda start=start: chances(start) for start in range(0, triples.shape[0], CHUNK)],
        workers_for(triples.shape[0]),
    )
    per_customer[:, :3] = triple_quantiles[triple_index]
    known = np.isfinite(margin)
    margin_used = np.where(known, margin, 0.0).astype(np.float32)
    cost_known = known & np.isfinite(cost)
    cost_used = np.where(cost_known, cost, 0.0).astype(np.float32)
    kinds = 3 if with_cost else 2

    def chunk(start: int) -> dict[str, np.ndarray]:
        """One block of customers: their quantiles written, their group sums returned (groups x kinds*kept)."""
        rows = slice(start, min(start + CHUNK, x.size))
        purchases = chance_pair[triple_index[rows]]
        if spend_sample is None:
            spend = known_spend[rows, None]
        else:
            xs, ms = x[rows, None], monetary[rows, None]
            spend = ((v + ms * xs) * p / (p * xs + q - 1)).astype(np.float32)
        discounted = alive[triple_index[rows]] * discounted_pair[pair_index[rows]].astype(np.float32)
        clv = discounted * spend * margin_used[rows, None]
        per_customer[rows, 3:6] = _row_quantiles(clv)
        figures = [purchases, clv]
        if with_cost:
            profit = (clv - discounted * cost_used[rows, None]) * cost_known[rows, None]
            per_customer[rows, 6:] = _row_quantiles(profit)
            figures.append(profit)
        stacked = np.hstack(figures, dtype=float)  # customers x (kinds x kept): one product per grouping
        partial = {}
        for name, (code, uniques) in codes.items():
            onehot = sparse.csr_matrix(
                (np.ones(stacked.shape[0]), (code[rows], np.arange(stacked.shape[0]))),
                shape=(len(uniques), stacked.shape[0]),
            )
            partial[name] = onehot @ stacked
        return partial

    # blocks on two threads; their sums added in block order, as one block after the other would
    blocks = [lambda start=start: chunk(start) for start in range(0, x.size, CHUNK)]
    for partial in run_together(blocks, workers_for(x.size)):
        for name, block in partial.items():
            for k in range(kinds):
                sums[name][k][:] += block[:, k * kept : (k + 1) * kept]
    per_customer[~known, 3:] = np.nan
    per_customer[~cost_known, 6:] = np.nan

    names = [f"{m}_{s}" for m in ("expected_purchases", "model_clv", "profit_clv") for s in SUFFIXES]
    customers = pd.DataFrame(per_customer, columns=names)
    if not with_cost:
        customers = customers.drop(columns=names[6:])
    point_purchases = np.full(x.size, np.nan) if point_purchases is None else np.asarray(point_purchases, float)
    point_clv = np.full(x.size, np.nan) if point_clv is None else np.asarray(point_clv, float)
    frames = []
    for name, (code, uniques) in codes.items():
        count = np.bincount(code, minlength=len(uniques))
        purchases_q = np.quantile(sums[name][0], QUANTILES, axis=1)
        clv_q = np.quantile(sums[name][1], QUANTILES, axis=1)
        frame = pd.DataFrame(
            {
                "grouping": name,
                "group": list(uniques),
                "customers": count.astype(float),
                "expected_purchases": np.bincount(code, weights=np.nan_to_num(point_purchases), minlength=len(uniques)),
            }
        )
        for k, s in enumerate(SUFFIXES):
            frame[f"expected_purchases_{s}"] = purchases_q[k]
        frame["model_clv"] = np.bincount(code, weights=np.nan_to_num(point_clv), minlength=len(uniques))
        for k, s in enumerate(SUFFIXES):
            frame[f"model_clv_{s}"] = clv_q[k]
        if with_cost:
            profit_q = np.quantile(sums[name][2], QUANTILES, axis=1)
            point = np.full(x.size, np.nan) if point_profit is None else np.asarray(point_profit, float)
            frame["profit_clv"] = known_sums(  # a group whose customers all lack a cost to serve: unknown, not 0
                np.bincount(code, weights=np.nan_to_num(point), minlength=len(uniques)),
                np.bincount(code, weights=~np.isnan(point), minlength=len(uniques)),
            )
            drawn = np.bincount(code, weights=cost_known, minlength=len(uniques))  # customers the draws value
            for k, s in enumerate(SUFFIXES):
                frame[f"profit_clv_{s}"] = known_sums(profit_q[k], drawn)
        frames.append(frame)
    totals = pd.concat(frames, ignore_index=True)
    spend_note = (
        "the spend model's too"
        if spend_sample is not None
        else "the spend per purchase taken as known (no Gamma-Gamma fit to draw from)"
    )
    note = (
        f"80 % ranges (P10 to P90) from {kept} draws of the fitted parameters (purchase model's, {spend_note}), "
        "each figure recomputed per draw; ranges of the expected figures, not of a single customer's actual "
        "purchases"
    )
    if kept < draws:
        note += f"; {draws - kept} draws left out (their predictions were not finite)"
    return ClvIntervals(customers=customers, totals=totals, draws=kept, note=note)


def total_interval(
    model: PurchaseModel,
    t: float,
    frequency,
    recency,
    T,
    weights=None,
    *,
    draws: int | None = None,
    seed: int = SEED,
    workers: int | None = None,
) -> np.ndarray:
    """P10, P50, P90 of the total expected purchases in (T, T + t] over customers (weighted).

    What the holdout check sets beside the actual holdout purchases. ``draws`` defaults to
    :func:`draws_for` the model; ``workers`` (threads for the draws) to
    :func:`core.parallel.workers_for` the customers (1 when the caller runs it beside
    other work).

    Examples
    --------
    >>> from core.customers.bgnbd import BetaGeoModel
    >>> model = BetaGeoModel()
    >>> model.params_ = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    >>> model._fit = FitResult(model.params_, {}, 0.0, 1.0, log_covariance=np.zeros((4, 4)))
    >>> total_interval(model, 39, [2], [30.43], [38.86], draws=5).round(3).tolist()
    [1.226, 1.226, 1.226]
    """
    x, t_x, age, weight = check_rfm_inputs(frequency, recency, T, weights=weights)
    draws = draws_for(model) if draws is None else draws
    sample = draw_parameters(model._fit, draws, np.random.default_rng(seed))
    pairs, pair_index = np.unique(np.column_stack([x, age]), axis=0, return_inverse=True)
    totals = np.empty(draws)
    alive_at = _alive_function(model, x, t_x, age)

    def predict(d: int) -> None:
        with np.errstate(all="ignore"):
            if_alive = model._expected_if_alive(
                sample[d], np.full(pairs.shape[0], float(t)), pairs[:, 0], np.zeros(pairs.shape[0]), pairs[:, 1]
            )
        # a sum without BLAS: numpy's threaded BLAS makes every call wait for its own worker
        # thread, which the fits running beside the draws keep busy
        totals[d] = float(np.einsum("i,i->", if_alive[pair_index.ravel()] * alive_at(sample[d]), weight))

    each_draw(predict, draws, workers_for(x.size) if workers is None else workers)
    totals = totals[np.isfinite(totals)]
    if totals.size < draws / 2:
        raise SegmenterInputError(
            f"no range: only {totals.size} of {draws} parameter draws give finite predictions", column="frequency"
        )
    return np.quantile(totals, QUANTILES)

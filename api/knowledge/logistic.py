"""A balanced binary logistic regression, fitted without sklearn.

The coverage and own-status models are fitted when an index is built without them: by `make index`, and
by a server starting on an empty `var/` (a first start, a new cluster node). Importing sklearn for that
fit kept 48 MB more in the server for good (scipy.optimize, which this uses, is 28 MB of sklearn's 76),
and the bench's first start was 4 MB under the 1.2 GB budget (docs/performance.md). This is the problem
sklearn's `LogisticRegression(C=C, class_weight="balanced", solver="lbfgs")` solves, written the way
sklearn 1.9 writes it (the mean weighted loss plus an L2 penalty of 1/(C * the weights' sum), the
intercept not penalised, L-BFGS-B with sklearn's options), so the two give the same coefficients:
tests/api/knowledge/test_logistic.py holds them equal on the coverage model's own data.
"""

from __future__ import annotations

from typing import Any

import numpy as np

# sklearn's stopping rules for lbfgs (tol=1e-4, maxls=50, ftol=64 eps).
_GTOL = 1e-4
_FTOL = 64 * np.finfo(float).eps
_MAXLS = 50


def fit_balanced(x: Any, y: np.ndarray, c: float, max_iter: int = 3000) -> tuple[np.ndarray, float]:
    """Weights and intercept for P(y=1 | row of `x`) (`x`: a dense array or a CSR matrix; `y`: 0/1). Each
    class weighs as much as the other in all (balanced): the rarer class must not be rare by its count alone."""
    from scipy.optimize import minimize
    from scipy.special import expit

    labels = np.asarray(y, dtype=np.int64)
    counts = np.bincount(labels, minlength=2)
    if labels.ndim != 1 or len(counts) != 2 or counts.min() == 0:
        raise ValueError("a balanced fit needs labels 0 and 1, each at least once")
    target = labels.astype(np.float64)
    weights = (len(labels) / (2.0 * counts))[labels]  # sklearn's compute_class_weight("balanced")
    total = float(weights.sum())
    l2 = 1.0 / (c * total)
    dim = x.shape[1]

    def loss_and_gradient(w: np.ndarray) -> tuple[float, np.ndarray]:
        raw = x @ w[:dim] + w[dim]
        # The half binomial loss, log(1 + e^raw) - y raw, per row, and its derivative in raw.
        loss = float(weights @ (np.logaddexp(0.0, raw) - target * raw)) / total
        pointwise = weights * (expit(raw) - target) / total
        gradient = np.empty_like(w)
        gradient[:dim] = x.T @ pointwise + l2 * w[:dim]
        gradient[dim] = pointwise.sum()
        return loss + 0.5 * l2 * float(w[:dim] @ w[:dim]), gradient

    result = minimize(
        loss_and_gradient,
        np.zeros(dim + 1),
        method="L-BFGS-B",
        jac=True,
        options={"maxiter": max_iter, "maxls": _MAXLS, "gtol": _GTOL, "ftol": _FTOL},
    )
    return np.asarray(result.x[:dim], dtype=np.float64), float(result.x[dim])

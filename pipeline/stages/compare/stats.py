"""Statistics for the compare stage: cluster bootstrap, exact and permutation tests, FDR control.

Pure functions on numpy arrays; :mod:`pipeline.stages.compare.differences` arranges the data. The unit that is
resampled or permuted is always a *cluster*: the respondent turns of one document (within one
group). Turns and respondents of a document are not independent, so they are never resampled
on their own.

Arrays of a set of clusters (``d`` clusters, ``k`` items, an item being a code or a theme):

- ``n_turns (d,)``, ``turns_with (d, k)``: respondent turns, and those carrying the item;
- ``n_resp (d,)``, ``resp_with (d, k)``: respondents (a speaker of a document counts once), and
  those with at least one turn carrying the item;
- ``doc_with (d, k)``: 1 when any respondent turn of the cluster carries the item.

Intervals that stay honest with few clusters: a percentile cluster bootstrap collapses to a
single point when every document of a group agrees (all mention an item, or none does) and is
too narrow with two or three documents. :func:`wilson_interval` gives the Wilson score interval
of a share taking the *number of documents* as the sample size (as if all respondents of a
document spoke as one: the most conservative design effect), and :func:`newcombe_interval` the
matching interval of a difference of two shares (Newcombe 1998, method 10). The compare stage
reports the wider of these and the bootstrap interval (:func:`widen`), so no interval of a share
based on a sample has zero width.
"""
from __future__ import annotations

import zlib

import numpy as np


def _stats():
    """scipy.stats, imported when a test runs (about 1-3 s): a cached comparison is read without it."""
    from scipy import stats

    return stats


def rng_for(seed: int, *key: object) -> np.random.Generator:
    """A generator seeded by ``seed`` and a stable hash of ``key``: the draws of one group do not
    depend on which other groups were computed before it."""
    digest = zlib.crc32("\x1f".join(map(str, key)).encode("utf-8"))
    return np.random.default_rng([int(seed), digest])


def bootstrap_weights(n_clusters: int, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """``(n_boot, n_clusters)`` counts: how often each cluster is drawn in each resample
    (clusters drawn with replacement, as many as there are)."""
    draws = rng.integers(0, n_clusters, size=(n_boot, n_clusters))
    weights = np.zeros((n_boot, n_clusters), dtype=np.float64)
    np.add.at(weights, (np.repeat(np.arange(n_boot), n_clusters), draws.ravel()), 1.0)
    return weights


def ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """``numerator / denominator`` column-wise, NaN where the denominator is 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out = numerator / denominator[..., None] if numerator.ndim > denominator.ndim else numerator / denominator
    return np.where(np.isfinite(out), out, np.nan)


def percentile_interval(samples: np.ndarray, ci: float) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval of bootstrap ``samples`` (resamples in rows), column-wise."""
    tail = (1.0 - ci) / 2.0
    with np.errstate(invalid="ignore"):
        low = np.nanquantile(samples, tail, axis=0)
        high = np.nanquantile(samples, 1.0 - tail, axis=0)
    return low, high


def fisher_p(yes_a: int, n_a: int, yes_b: int, n_b: int) -> float:
    """Two-sided Fisher exact p for ``[[yes_a, n_a - yes_a], [yes_b, n_b - yes_b]]``."""
    table = np.array([[yes_a, n_a - yes_a], [yes_b, n_b - yes_b]])
    return float(_stats().fisher_exact(table, alternative="two-sided").pvalue)


def permutation_diff_p(labels: np.ndarray, numer: np.ndarray, denom: np.ndarray, n_perm: int,
                       rng: np.random.Generator) -> np.ndarray:
    """Two-sided permutation p of the difference of ratio shares between two groups.

    ``labels (c,)`` is True for clusters of the first group; ``numer (c, k)`` and ``denom (c,)``
    are per-cluster counts (e.g. respondents mentioning, respondents). The clusters' labels are
    shuffled ``n_perm`` times; p = (1 + #{|diff*| >= |diff|}) / (1 + n_perm)."""
    labels = labels.astype(bool)

    def diff(mask: np.ndarray) -> np.ndarray:  # mask (m, c) -> (m, k)
        a = ratio(mask.astype(float) @ numer, mask.astype(float) @ denom)
        b = ratio((~mask).astype(float) @ numer, (~mask).astype(float) @ denom)
        return a - b

    observed = diff(labels[None, :])[0]
    perms = np.array([rng.permutation(labels) for _ in range(n_perm)])
    null = diff(perms)
    extreme = (np.abs(null) >= np.abs(observed)[None, :] - 1e-12).sum(axis=0)
    return (1.0 + extreme) / (1.0 + n_perm)


def permutation_chi2_p(groups: np.ndarray, doc_with: np.ndarray, n_perm: int,
                       rng: np.random.Generator) -> np.ndarray:
    """Permutation chi-square test of independence between a cluster's group (``groups (c,)``,
    integer codes) and whether it mentions each item (``doc_with (c, k)``, 0/1).

    Used for more than two groups, where Fisher-Freeman-Halton's exact test is not in scipy:
    the Pearson chi-square of the groups x {mentions, does not} table is recomputed with the
    groups shuffled over clusters; p = (1 + #{chi2* >= chi2}) / (1 + n_perm). Items that every
    cluster or no cluster mentions have no variation: p is NaN."""
    doc_with = doc_with.astype(float)
    codes = np.unique(groups)
    n_g = np.array([(groups == g).sum() for g in codes], dtype=float)
    total_yes = doc_with.sum(axis=0)
    n = float(len(groups))
    expected_yes = n_g[:, None] * total_yes[None, :] / n
    expected_no = n_g[:, None] * (n - total_yes)[None, :] / n
    with np.errstate(divide="ignore", invalid="ignore"):
        weight = 1.0 / expected_yes + 1.0 / expected_no  # (g, k)

    def chi2(labels: np.ndarray) -> np.ndarray:  # labels (m, c) -> (m, k)
        out = np.zeros((labels.shape[0], doc_with.shape[1]))
        with np.errstate(invalid="ignore"):
            for i, g in enumerate(codes):
                yes = (labels == g).astype(float) @ doc_with
                out += (yes - expected_yes[i]) ** 2 * weight[i]
        return out

    observed = chi2(groups[None, :])[0]
    perms = np.array([rng.permutation(groups) for _ in range(n_perm)])
    null = chi2(perms)
    p = (1.0 + (null >= observed[None, :] - 1e-9).sum(axis=0)) / (1.0 + n_perm)
    p[(total_yes == 0) | (total_yes == n)] = np.nan
    return p


def bh_adjust(p_values: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values; NaN entries (tests not made) stay NaN and do not
    count towards the number of tests."""
    p = np.asarray(p_values, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    if ok.any():
        out[ok] = _stats().false_discovery_control(p[ok], method="bh")
    return out


def wilson_interval(share: np.ndarray | float, n: np.ndarray | float, ci: float
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of ``share`` observed on ``n`` units (here: documents), element-wise.

    ``(p + z^2/2n -/+ z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n)`` with ``z`` the normal quantile of
    ``ci``; never zero-width for finite ``n`` (e.g. 0 of 4: 0 to z^2/(4+z^2) = 49% at 95%).
    NaN where ``n`` is 0 or the share is NaN."""
    p = np.asarray(share, dtype=float)
    n = np.asarray(n, dtype=float)
    z = float(_stats().norm.ppf(0.5 + ci / 2.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        centre = p + z * z / (2 * n)
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
        low = (centre - half) / (1 + z * z / n)
        high = (centre + half) / (1 + z * z / n)
    bad = ~(n > 0) | np.isnan(p)
    low = np.where(bad, np.nan, np.clip(low, 0.0, 1.0))
    high = np.where(bad, np.nan, np.clip(high, 0.0, 1.0))
    return low, high


def newcombe_interval(share_a, n_a, share_b, n_b, ci: float) -> tuple[np.ndarray, np.ndarray]:
    """Newcombe's hybrid score interval of ``share_a - share_b`` from the two Wilson intervals
    (:func:`wilson_interval`, ``n`` = documents of each group)."""
    pa, pb = np.asarray(share_a, float), np.asarray(share_b, float)
    la, ua = wilson_interval(pa, n_a, ci)
    lb, ub = wilson_interval(pb, n_b, ci)
    d = pa - pb
    return d - np.sqrt((pa - la) ** 2 + (ub - pb) ** 2), d + np.sqrt((ua - pa) ** 2 + (pb - lb) ** 2)


def widen(low_a, high_a, low_b, high_b) -> tuple[np.ndarray, np.ndarray]:
    """The wider of two intervals (lowest low, highest high); NaN bounds are ignored."""
    with np.errstate(invalid="ignore"):
        low = np.fmin(np.asarray(low_a, float), np.asarray(low_b, float))
        high = np.fmax(np.asarray(high_a, float), np.asarray(high_b, float))
    return low, high

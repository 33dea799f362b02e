"""Rebates on micro-store sales: single- and multi-level, with regulatory caps (M6).

A sale of price *P* through store *s* pays ``r₀·P`` to *s*'s owner and ``r_ℓ·P`` to the owner
of its ℓ-th upline (ℓ = 1 … L), skipping closed or missing uplines (the maker keeps those).

The regulatory caps (``max_rebate_levels``, e.g. one level under [DirectSelling2005] and two
under [WeChat2016]; ``max_total_rebate_share``, 30 % under [DirectSelling2005]) are validated,
not clamped: a scenario, or a sequence of ``set`` events, whose rates exceed its caps is rejected
when it is loaded, with a one-line error. A regulation that tightens during a run is a ``set``
event that changes the rates and the caps together.
"""

from __future__ import annotations

import numpy as np

from sim.scenario import B2C2C


def rebate_rates(params: B2C2C) -> np.ndarray:
    """Rates paid per level, own level first: ``[r₀, r₁, …, r_L]`` (within the caps by
    validation)."""
    return np.array([params.rebate_rate, *params.upline_rebate_rates], dtype=np.float64)


def pay_rebates(
    stores: np.ndarray,
    prices: np.ndarray,
    upline: np.ndarray,
    is_open: np.ndarray,
    rates: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Rebates owed on a batch of sales.

    Args:
        stores: Store id of each sale.
        prices: Price of each sale.
        upline: Upline store id of every store (-1: none).
        is_open: Whether every store is open.
        rates: Output of :func:`rebate_rates`.

    Returns:
        ``(payee, amount)`` arrays with one row per rebate paid (own rebates first, then
        level 1 uplines, …); rows with zero amount are dropped.
    """
    payees = [stores]
    amounts = [rates[0] * prices]
    current = stores
    for level in range(1, len(rates)):
        current = np.where(current >= 0, upline[np.maximum(current, 0)], -1)
        live = current >= 0
        live[live] = is_open[current[live]]
        payees.append(current[live])
        amounts.append(rates[level] * prices[live])
    payee = np.concatenate(payees)
    amount = np.concatenate(amounts)
    keep = amount > 0
    return payee[keep], amount[keep]

"""Double-entry money accounts: every payment leaves one account and enters another.

Accounts are aggregates (consumers, manufacturer, each distributor tier, store owners, and the
outside world: suppliers of production inputs, logistics providers, advertising platforms).
Per-entity balances (one distributor, one store) are kept by their own arrays and must add up
to their aggregate account. The sum of all balances is zero at every step: money paid equals
money received.
"""

from __future__ import annotations

import math
from collections import defaultdict

MAKER = "manufacturer"
CONSUMERS = "consumers"
STORE_OWNERS = "store_owners"
SUPPLIERS = "input_suppliers"
LOGISTICS = "logistics_providers"
ADVERTISING = "advertising_platforms"
PARTICIPANTS = "pyramid_agents"
LIQUIDATORS = "liquidators"


def distributor_account(tier: str) -> str:
    return f"distributors_{tier}"


class Ledger:
    """Balances by account and today's flows by kind.

    ``transfer`` is the only way money moves. ``flows_today[kind]`` sums today's payments of
    each kind (e.g. ``"revenue_b2c"``, ``"production"``); ``flows_total`` accumulates them.
    """

    def __init__(self) -> None:
        self.balances: dict[str, float] = defaultdict(float)
        self.flows_today: dict[str, float] = defaultdict(float)
        self.flows_total: dict[str, float] = defaultdict(float)

    def transfer(self, payer: str, payee: str, amount: float, kind: str) -> None:
        """Move ``amount`` (≥ 0) from ``payer`` to ``payee``, booked as a flow of ``kind``."""
        if amount < 0 or not math.isfinite(amount):
            raise ValueError(f"invalid transfer amount {amount!r} ({kind})")
        if amount == 0:
            return
        self.balances[payer] -= amount
        self.balances[payee] += amount
        self.flows_today[kind] += amount
        self.flows_total[kind] += amount

    def start_day(self) -> None:
        self.flows_today = defaultdict(float)

    def imbalance(self) -> float:
        """Sum of all balances; zero up to floating-point rounding."""
        return math.fsum(self.balances.values())

    def scale(self) -> float:
        """Total absolute money moved, for a relative tolerance on :meth:`imbalance`."""
        return math.fsum(abs(v) for v in self.flows_total.values())

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
from dataclasses import dataclass

MAKER = "manufacturer"
CONSUMERS = "consumers"
STORE_OWNERS = "store_owners"
SUPPLIERS = "input_suppliers"
LOGISTICS = "logistics_providers"
ADVERTISING = "advertising_platforms"
PARTICIPANTS = "pyramid_agents"
LIQUIDATORS = "liquidators"
MENTORS = "mentors"

DISTRIBUTOR_REBATES = "distributor_rebates"
"""Ledger flow of the rebates the maker pays to distributor tiers paid by rebate (FD)."""


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


@dataclass(frozen=True)
class DayAccounts:
    """The maker's accrual P&L for one day (money from the ledger's flows of the day)."""

    maker_revenue: dict[str, float]
    cost_of_goods_sold: float
    cost_logistics: float
    cost_advertising: float
    cost_rebates: float
    cost_buybacks: float
    cost_distributor_rebates: float
    profit: float
    profit_cumulative: float


class ProfitAndLoss:
    """The maker's accrual profit, accumulated day by day from the ledger.

    Profit of a day = maker revenues (B2B2C wholesale, B2C sales, B2C2C sales or sales to a
    pyramid's top level plus its entry fees) − cost of goods sold (``unit_cost`` × units that
    left the maker's stock, less units bought back) − logistics − advertising − rebates to
    store owners − rebates to distributor tiers paid by rebate − buy-backs. The running sum
    starts from the day-0 sell-in to the distributors (its margin, less the rebates on it).
    """

    def __init__(self, opening_profit: float) -> None:
        self.cumulative = opening_profit
        self.today: DayAccounts | None = None

    def close_day(
        self,
        flows: dict[str, float],
        units_from_maker: int,
        units_returned: int,
        unit_cost: float,
    ) -> DayAccounts:
        """Book today's P&L from today's flows; returns it (also kept as ``today``)."""
        revenue = {
            "b2b2c": flows["wholesale"],
            "b2c": flows["revenue_b2c"],
            "b2c2c": flows["revenue_b2c2c"] + flows["entry_fees"],
        }
        cogs = (units_from_maker - units_returned) * unit_cost
        logistics = flows["logistics_b2c"] + flows["logistics_b2c2c"]
        distributor_rebates = flows.get(DISTRIBUTOR_REBATES, 0.0)
        profit = (
            revenue["b2b2c"]
            + revenue["b2c"]
            + revenue["b2c2c"]
            - cogs
            - logistics
            - flows["advertising"]
            - flows["rebates"]
            - distributor_rebates
            - flows["buyback"]
        )
        self.cumulative += profit
        self.today = DayAccounts(
            maker_revenue=revenue,
            cost_of_goods_sold=cogs,
            cost_logistics=logistics,
            cost_advertising=flows["advertising"],
            cost_rebates=flows["rebates"],
            cost_buybacks=flows["buyback"],
            cost_distributor_rebates=distributor_rebates,
            profit=profit,
            profit_cumulative=self.cumulative,
        )
        return self.today

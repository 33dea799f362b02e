"""Conservation and range checks of the market's state (ODD 7.9).

Units: produced = sold to consumers − sold on backorder and not yet delivered + held in every
inventory + dumped outside the market. Money: the ledger's balances sum to zero, and the
per-entity balances (each distributor's cash, each store's income, each agent's cash) add up to
their accounts. Ranges: attitude in [−1, 1], trust in [0, 1], habit weights summing to 1,
adopters aware, need days in range. The property-based tests call :func:`violations` every day
of generated scenarios.
"""

from __future__ import annotations

import math

import numpy as np

from sim.accounting import PARTICIPANTS, STORE_OWNERS, Ledger, distributor_account
from sim.audience import AudienceGraph
from sim.consumers import NEVER, ConsumerPopulation
from sim.friendships import Friendships
from sim.market import MarketState
from sim.stores import SocialChannel, StoreBook
from sim.supply_chain import SupplyChain


def violations(
    supply: SupplyChain,
    social: SocialChannel,
    ledger: Ledger,
    book: StoreBook,
    consumers: ConsumerPopulation,
    friendships: Friendships,
    audience: AudienceGraph,
    market: MarketState,
    day: int,
) -> list[str]:
    """Every conservation or range check that fails (an empty list means all hold)."""
    problems = []
    held = supply.units_held() + social.units_held()
    owed = supply.backlog_total()
    dumped = social.units_dumped_total
    sold = market.units_sold_total
    if supply.produced_total != sold - owed + held + dumped:
        problems.append(
            f"units: produced {supply.produced_total} != sold {sold} "
            f"- backordered {owed} + held {held} + dumped {dumped}"
        )
    tolerance = 1e-9 * max(1.0, ledger.scale())
    if abs(ledger.imbalance()) > tolerance:
        problems.append(f"money: balances sum to {ledger.imbalance()}")
    for k, name in enumerate(supply.names):
        account = ledger.balances[distributor_account(name)]
        per_agent = math.fsum(supply.cash[k])
        if abs(account - per_agent) > tolerance:
            problems.append(f"money: tier {name} cash {per_agent} != account {account}")
    owners = ledger.balances[STORE_OWNERS]
    per_store = math.fsum(book.column("rebate_income"))
    if abs(owners - per_store) > tolerance:
        problems.append(f"money: store income {per_store} != account {owners}")
    agents = ledger.balances[PARTICIPANTS]
    per_agent_cash = math.fsum(book.column("cash"))
    if abs(agents - per_agent_cash) > tolerance:
        problems.append(f"money: agents' cash {per_agent_cash} != account {agents}")
    if (book.column("inventory") < 0).any():
        problems.append("negative stock at a pyramid agent")
    for point, name in [(supply.maker, "maker"), *zip(supply.tiers, supply.names, strict=True)]:
        negative = (point.on_hand < 0).any() or (point.pipeline < 0).any()
        if negative or (point.owed < 0).any() or (point.backlog < 0).any():
            problems.append(f"negative stock or backorder at {name}")
    c = consumers
    if (c.attitude < -1 - 1e-6).any() or (c.attitude > 1 + 1e-6).any():
        problems.append("attitude outside [-1, 1]")
    trust = friendships.trust
    if len(trust) and ((trust < 0).any() or (trust > 1).any()):
        problems.append("trust outside [0, 1]")
    ties = audience.trust
    if len(ties) and ((ties < 0).any() or (ties > 1).any()):
        problems.append("followers' or group members' trust outside [0, 1]")
    if not np.allclose(c.habit.sum(axis=1), 1.0, atol=1e-4):
        problems.append("habit weights do not sum to 1")
    if (c.adopted & ~c.aware).any():
        problems.append("an adopter is not aware")
    if (c.need_day < 0).any() or (c.need_day[c.need_day != NEVER] > day + 10 * 36500).any():
        problems.append("need_day out of range")
    return problems

"""Stage 8: model-level measurements, computed once a day from array reductions.

:func:`daily_measures` returns one flat dict per day; the Mesa DataCollector records it and
the results folder writes it as ``timeseries.csv``. Long-tail statistics are in
:mod:`sim.longtail`, so that figures and reports recompute them from ``stores.csv``.
"""

from __future__ import annotations

import numpy as np

from sim.accounting import MAKER, DayAccounts, Ledger
from sim.audience import AudienceGraph
from sim.consumers import ConsumerPopulation
from sim.friendships import Friendships
from sim.longtail import gini, top_share
from sim.market import DayCounters, MarketState
from sim.outputs import DISTRIBUTOR_REBATE_COST, has_rebate_tiers
from sim.scenario import CHANNELS
from sim.stores import SocialChannel, StoreBook
from sim.supply_chain import SupplyChain


def daily_measures(
    today: DayCounters,
    accounts: DayAccounts,
    ledger: Ledger,
    consumers: ConsumerPopulation,
    friendships: Friendships,
    audience: AudienceGraph,
    book: StoreBook,
    social: SocialChannel,
    supply: SupplyChain,
    market: MarketState,
) -> dict[str, float]:
    """All measurements of the day just simulated (keys: :func:`sim.outputs.measurements`).

    Pure: reads the state at the end of the day (after the day's accounts are closed) and
    changes nothing, so measuring twice gives the same row.
    """
    c = consumers
    flows = ledger.flows_today
    m: dict[str, float] = {}
    for ch in CHANNELS:
        m[f"units_{ch}"] = today.units[ch]
    m["units_total"] = sum(today.units.values())
    m["revenue_b2b2c"] = flows["spend_b2b2c"]
    m["revenue_b2c"] = flows["revenue_b2c"]
    m["revenue_b2c2c"] = flows[social.consumer_spend_flow]
    for ch in CHANNELS:
        m[f"maker_revenue_{ch}"] = accounts.maker_revenue[ch]
    m["cost_production"] = flows["production"]
    m["cost_of_goods_sold"] = accounts.cost_of_goods_sold
    m["cost_buybacks"] = accounts.cost_buybacks
    m["cost_logistics"] = accounts.cost_logistics
    m["cost_advertising"] = accounts.cost_advertising
    m["cost_rebates"] = accounts.cost_rebates
    m["distributor_margin"] = today.distributor_margin
    m["manufacturer_profit"] = accounts.profit
    m["manufacturer_profit_cumulative"] = accounts.profit_cumulative
    m["manufacturer_cash"] = ledger.balances[MAKER]
    m["aware"] = int(np.count_nonzero(c.aware))
    m["adopters"] = int(np.count_nonzero(c.adopted))
    m["in_market"] = today.in_market
    m["identified_customers"] = int(np.count_nonzero(c.identified))
    m["lost_sales"] = today.lost_sales
    m["bought_elsewhere"] = today.bought_elsewhere
    m["active_stores"] = int(np.count_nonzero(book.is_open[: book.size]))
    m["stores_opened"] = today.stores_opened
    m["stores_closed"] = today.stores_closed
    m["stores_banned"] = today.stores_banned
    units = book.column("units")
    m["store_sales_top20_share"] = top_share(units, 0.2)
    m["store_sales_gini"] = gini(units)
    m["stores_sold"] = int(np.count_nonzero(units > 0))
    m["mean_trust"] = friendships.mean_trust()
    m["muted_edges"] = friendships.muted_count
    m["blocked_edges"] = friendships.blocked_count
    reach = friendships.store_friendships
    m["muted_share"] = friendships.muted_count / reach if reach else 0.0
    m["blocked_share"] = friendships.blocked_count / reach if reach else 0.0
    m["detractors"] = int(np.count_nonzero(c.attitude < market.params.spam.detractor_attitude))
    posts = int(book.column("posts_today").sum())
    m["posts"] = posts
    m["sales_per_post"] = today.units["b2c2c"] / posts if posts else 0.0
    m["units_produced"] = supply.produced_today
    m["production_started"] = int(supply.maker.orders_today[0])
    m["inventory_maker"] = int(supply.maker.on_hand[0])
    m["demand_retail"] = int(supply.tiers[-1].demand_today.sum()) if supply.tiers else 0
    sell = supply.prices(market.params.channels.b2b2c)[1] if supply.tiers else ()
    for k, (name, point) in enumerate(zip(supply.names, supply.tiers, strict=True)):
        m[f"price_{name}"] = float(sell[k])
        m[f"orders_{name}"] = int(point.orders_today.sum())
        m[f"inventory_{name}"] = int(point.on_hand.sum())
        m[f"in_transit_{name}"] = int(point.pipeline.sum())
    for ch in CHANNELS:
        m[f"open_{ch}"] = int(market.is_open(ch))
    policies = market.params.channels.b2c2c.posting.policies
    m.update(policy_measures(book, friendships, [pol.name for pol in policies]))
    m.update(audience_measures(book, audience))
    m.update(social.measures())
    if has_rebate_tiers(market.initial):
        m[DISTRIBUTOR_REBATE_COST] = accounts.cost_distributor_rebates
    return m


def policy_measures(
    book: StoreBook, friendships: Friendships, policy_names: list[str]
) -> dict[str, float]:
    """Friends' mean trust in the owners of open stores, overall and by posting policy, with
    stores, posts, units and rebate income by policy."""
    out: dict[str, float] = {}
    policy = book.column("policy")
    is_open = book.column("is_open")
    trust_in = friendships.trust_in_owners(book.column("owner")[is_open]) if is_open.any() else None
    open_policy = policy[is_open]
    if trust_in is None or trust_in[1].sum() == 0:
        out["mean_trust_in_owners"] = float("nan")
    else:
        out["mean_trust_in_owners"] = float(trust_in[0].sum() / trust_in[1].sum())
    for k, name in enumerate(policy_names):
        mine = policy == k
        out[f"active_stores_{name}"] = int((mine & is_open).sum())
        out[f"posts_{name}"] = int(book.column("posts_today")[mine].sum())
        out[f"units_{name}"] = int(book.column("units_today")[mine].sum())
        out[f"income_{name}"] = float(book.column("income_today")[mine].sum())
        if trust_in is None or not (open_policy == k).any():
            out[f"mean_trust_in_{name}"] = float("nan")
        else:
            total, count = trust_in
            sel = open_policy == k
            n = count[sel].sum()
            out[f"mean_trust_in_{name}"] = float(total[sel].sum() / n) if n else float("nan")
    return out


def audience_measures(book: StoreBook, audience: AudienceGraph) -> dict[str, float]:
    """Followers' and group members' mean trust in the owners of open stores (those who have not
    left), and the ties of store owners' audiences that unfollowed or left."""
    owners = book.column("owner")[book.column("is_open")]
    _, ties = audience.entries_of(owners)
    staying = ties[~audience.muted[ties]]
    trust = float(audience.trust[staying].mean()) if len(staying) else float("nan")
    reach = audience.store_ties
    return {
        "audience_trust_in_owners": trust,
        "unfollowed_ties": audience.muted_count,
        "unfollowed_share": audience.muted_count / reach if reach else 0.0,
    }

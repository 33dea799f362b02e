"""B2B2C supply chain and the maker's production: inventories, lead times, order-up-to (M3).

Each tier (national → regional → retailer, any number of tiers) holds per-distributor arrays;
the Mesa ``Distributor`` agents are handles onto one row. The rules, in the order they run:

* **Receive** (start of day *t*): shipments sent on day *t − L* join stock on hand.
* **Retail sale** (consumer purchases): served while stock lasts; unserved demand is lost.
* **Review and order** (end of day, retailers first, then up the chain): with demand *D_t*
  (consumer attempts at a retailer, orders received at a distributor, all demand at the maker)
  a moving average over the last *n* days gives μ̂ and σ̂; the order-up-to level is
  ``S_t = L·μ̂_t + z·√L·σ̂_t``; the order is ``q_t = max(0, ⌈S_t − IP_t⌉)`` with inventory
  position ``IP = on hand + in transit + owed by the supplier − owed to customers``.
  With z = 0 and an always-stocked supplier this is the policy of [ChenEtAl2000], whose
  orders satisfy ``Var(q)/Var(D) = 1 + 2L/n + 2L²/n²`` for i.i.d. demand: the bullwhip effect.
* **C2B feedback** (``manufacturer.c2b_feedback``, off by default, [ZTE2014]): store owners
  report their circles' demand, so the maker's forecast input (and the first tier's) becomes
  ``x = w·C + (1 − w)·O``, *C* the end-consumer demand below the node, *O* the orders it
  received (:func:`blended_demand`); the demand it measures and ships against is unchanged.
* **Ship**: a supplier ships what its customers are owed, rationing proportionally (largest
  remainder) when short; the rest stays owed (backorders between tiers).
* **Pay**: a customer pays its supplier's selling price on shipment. A tier paid by rebate
  (``compensation: rebate``, FD direct control, [ZTE2014]) sells at par, the price it bought
  at, and the maker pays each of its nodes ``R = r · c · s`` a day: rebate rate *r*, purchase
  price *c*, units *s* it sold on that day (``distributor_rebates``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from sim import graph as graphs
from sim.accounting import (
    CONSUMERS,
    DISTRIBUTOR_REBATES,
    MAKER,
    SUPPLIERS,
    Ledger,
    distributor_account,
)
from sim.pricing import TierPricer, chain_prices
from sim.scenario import B2B2C, Manufacturer, Scenario, Tier

if TYPE_CHECKING:
    from sim.market import DayCounters, MarketState


def first_come(nodes: np.ndarray, available: np.ndarray) -> np.ndarray:
    """Which requests get a unit: the first ``available[node]`` requests to each node, in order."""
    order = np.argsort(nodes, kind="stable")
    sorted_nodes = nodes[order]
    first = np.searchsorted(sorted_nodes, sorted_nodes, side="left")
    rank = np.arange(len(nodes)) - first
    ok = np.empty(len(nodes), dtype=bool)
    ok[order] = rank < available[sorted_nodes]
    return ok


def serve_from_stock(point: StockPoint, nodes: np.ndarray, backorder: bool = False) -> np.ndarray:
    """Serve one unit to each request in order while the requested node has stock.

    Args:
        point: The stock point (retailers, or the maker's finished goods).
        nodes: For each request, in priority order (already shuffled), the node asked.
        backorder: If true, requests beyond the stock on hand are sold anyway and join the
            node's backlog, delivered first when stock arrives; otherwise they are lost.

    Returns:
        Boolean mask of sold requests. Stock on hand falls by the units delivered now; every
        request counts as demand at its node (lost sales included), sold ones as sold.
    """
    if len(nodes) == 0:
        return np.zeros(0, dtype=bool)
    now = first_come(nodes, point.on_hand)
    point.demand_today += np.bincount(nodes, minlength=point.count)
    delivered = np.bincount(nodes[now], minlength=point.count)
    point.on_hand -= delivered
    if backorder:
        point.backlog += np.bincount(nodes[~now], minlength=point.count)
        point.sold_today += np.bincount(nodes, minlength=point.count)
        return np.ones(len(nodes), dtype=bool)
    point.sold_today += delivered
    return now


def order_up_to_level(
    mean: np.ndarray, sd: np.ndarray, lead_time: int, safety_factor: float
) -> np.ndarray:
    """Order-up-to level ``S = L·μ̂ + z·√L·σ̂``."""
    return lead_time * mean + safety_factor * np.sqrt(lead_time) * sd


def order_quantity(level: np.ndarray, position: np.ndarray) -> np.ndarray:
    """Order ``q = max(0, ⌈S − IP⌉)``: the fewest whole units that lift IP to at least S."""
    return np.maximum(0, np.ceil(level - position - 1e-9)).astype(np.int64)


def allocate(requests: np.ndarray, supplier: np.ndarray, available: np.ndarray) -> np.ndarray:
    """Ship to each customer what it is owed, rationing by supplier when stock is short.

    Args:
        requests: Units owed to each customer (int64, ≥ 0).
        supplier: Index of each customer's supplier.
        available: Units on hand at each supplier.

    Returns:
        Units shipped to each customer: all of ``requests`` where the supplier has enough;
        otherwise ``floor(r · H / R)`` plus one unit to the largest remainders so that exactly
        ``H`` units ship (ties broken by customer index). Deterministic.
    """
    total = np.bincount(supplier, weights=requests, minlength=len(available)).astype(np.int64)
    short = total > available
    if not short.any():
        return requests.copy()
    ratio = np.ones(len(available))
    ratio[short] = available[short] / total[short]
    exact = requests * ratio[supplier]
    shipped = np.floor(exact).astype(np.int64)
    shipped = np.minimum(shipped, requests)
    left = np.minimum(available, total) - np.bincount(
        supplier, weights=shipped, minlength=len(available)
    ).astype(np.int64)
    if left.any():
        frac = exact - shipped
        order = np.lexsort((np.arange(len(requests)), -frac, supplier))
        sorted_sup = supplier[order]
        first = np.searchsorted(sorted_sup, sorted_sup, side="left")
        rank = np.arange(len(order)) - first
        extra = (rank < left[sorted_sup]) & (requests[order] > shipped[order])
        shipped[order[extra]] += 1
    return shipped


def tier_rebate_rates(tiers: list[Tier]) -> np.ndarray:
    """The rebate rate ``r_k`` of each tier: its ``rebate_rate`` if it is paid by rebate, else
    0 (a markup tier earns its margin from its customers, not from the maker)."""
    return np.array(
        [t.rebate_rate if t.compensation == "rebate" else 0.0 for t in tiers], dtype=np.float64
    )


def distributor_rebates(sold: np.ndarray, purchase_price: float, rate: float) -> np.ndarray:
    """The maker's rebate to each node of a rebate tier: ``R_i = r · c · s_i``.

    Args:
        sold: Units each node sold on (shipped to the tier below, or sold to consumers).
        purchase_price: *c*, the price the tier buys at (and, at par, sells at).
        rate: *r*, the tier's ``rebate_rate``.

    Returns:
        The rebate owed to each node (money, ≥ 0).
    """
    return rate * purchase_price * np.asarray(sold, dtype=np.float64)


def blended_demand(consumer: np.ndarray, orders: np.ndarray, weight: float) -> np.ndarray:
    """The forecast input under C2B feedback: ``x = w·C + (1 − w)·O``.

    Args:
        consumer: *C*, each node's end-consumer demand today: what consumers asked for (served
            or not) at the retailers it supplies, directly or through the tiers below, plus (at
            the maker) the direct and micro-store requests.
        orders: *O*, each node's usual signal: the orders it received today (plus, at the
            maker, the same direct and micro-store requests).
        weight: *w*, ``manufacturer.c2b_feedback.weight``.

    Returns:
        The blend (float); ``w = 0`` gives *O* and ``w = 1`` gives *C*.
    """
    consumer = np.asarray(consumer, dtype=np.float64)
    orders = np.asarray(orders, dtype=np.float64)
    return weight * consumer + (1.0 - weight) * orders


def consumer_demand_by_node(
    retail_demand: np.ndarray, supplier: list[np.ndarray], counts: list[int], k: int
) -> np.ndarray:
    """End-consumer demand reaching each node of tier ``k``: the demand at the retailers it
    supplies, directly or through the tiers between, ``C_i = Σ_{retailers r below i} D_r``
    (``supplier[j]`` maps each node of tier *j* to its supplier in tier *j* − 1; ``counts``
    are the tiers' sizes)."""
    seen = np.asarray(retail_demand, dtype=np.float64)
    for j in range(len(counts) - 1, k, -1):
        seen = np.bincount(supplier[j], weights=seen, minlength=counts[j - 1])
    return seen


@dataclass
class StockPoint:
    """Inventory, pipeline and forecast of a set of stock-holding nodes with one policy.

    Used for every B2B2C tier and for the maker's finished goods.
    """

    count: int
    lead_time: int
    window: int
    launch_forecast: np.ndarray
    on_hand: np.ndarray = field(init=False)
    backlog: np.ndarray = field(init=False)
    pipeline: np.ndarray = field(init=False)
    owed: np.ndarray = field(init=False)
    history: np.ndarray = field(init=False)
    demand_today: np.ndarray = field(init=False)
    orders_today: np.ndarray = field(init=False)
    sold_today: np.ndarray = field(init=False)
    received_today: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        n = self.count
        self.on_hand = np.zeros(n, dtype=np.int64)
        self.backlog = np.zeros(n, dtype=np.int64)
        self.pipeline = np.zeros((n, self.lead_time + 1), dtype=np.int64)
        self.owed = np.zeros(n, dtype=np.int64)
        self.history = np.repeat(
            np.asarray(self.launch_forecast, dtype=np.float64)[:, None], self.window, axis=1
        )
        self.demand_today = np.zeros(n, dtype=np.int64)
        self.orders_today = np.zeros(n, dtype=np.int64)
        self.sold_today = np.zeros(n, dtype=np.int64)
        self.received_today = np.zeros(n, dtype=np.int64)

    def start_day(self, day: int) -> int:
        """Receive what arrives today, deliver backorders first; clear the day's counters.

        Returns units delivered to end customers from the backlog.
        """
        slot = day % (self.lead_time + 1)
        self.received_today = self.pipeline[:, slot].copy()
        self.on_hand += self.received_today
        self.pipeline[:, slot] = 0
        delivered = np.minimum(self.on_hand, self.backlog)
        self.on_hand -= delivered
        self.backlog -= delivered
        self.demand_today[:] = 0
        self.orders_today[:] = 0
        self.sold_today[:] = 0
        return int(delivered.sum())

    def send(self, day: int, units: np.ndarray) -> None:
        """Put units in transit to arrive at the start of day ``day + lead_time``."""
        self.pipeline[:, (day + self.lead_time) % (self.lead_time + 1)] += units

    @property
    def in_transit(self) -> np.ndarray:
        return self.pipeline.sum(axis=1)

    def forecast(self, day: int, signal: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Record today's demand (or ``signal``, the forecast input when it is not the demand
        asked of the node) and return the moving average and sd over ``window`` days."""
        self.history[:, day % self.window] = self.demand_today if signal is None else signal
        return self.history.mean(axis=1), self.history.std(axis=1)


class SupplyChain:
    """The maker's finished goods plus the B2B2C tiers (none when B2B2C is off).

    Attributes:
        maker: Finished-goods stock point of the manufacturer (its pipeline is production).
        tiers: One StockPoint per tier, upstream first; ``tiers[-1]`` are the retailers.
        supplier: For each tier, the index of each node's supplier in the tier above
            (all zeros for the first tier, whose supplier is the maker).
        names: Tier names.
        cash: For each tier, the cash of each distributor (its ledger account is the sum).
        produced_total: Units the maker has completed since day 0.
        units_to_distributors: Units the maker has sold to the first tier since day 0.
    """

    def __init__(
        self,
        maker_policy: Manufacturer,
        maker_launch_forecast: float,
        tiers: list[Tier],
        supplier: list[np.ndarray],
        retail_launch_forecast: np.ndarray,
    ) -> None:
        self.names = [t.name for t in tiers]
        self.supplier = supplier
        self.maker = StockPoint(
            1,
            maker_policy.production_lead_time_days,
            maker_policy.forecast_window_days,
            np.array([maker_launch_forecast]),
        )
        self.tiers: list[StockPoint] = []
        self.shares_network = False
        """Sold by another brand's distributors and retailers (several brands on a market)."""
        self.produced_total = 0
        self.produced_today = 0
        self.units_to_distributors = 0
        self.cash: list[np.ndarray] = []
        self.pricer = TierPricer(tiers)
        self.margin_total = np.zeros(len(tiers))
        if not tiers:
            return
        forecasts: list[np.ndarray] = [np.asarray(retail_launch_forecast, dtype=np.float64)]
        for k in range(len(tiers) - 1, 0, -1):
            up_count = int(supplier[k].max()) + 1 if len(supplier[k]) else 0
            forecasts.insert(0, np.bincount(supplier[k], weights=forecasts[0], minlength=up_count))
        for tier, forecast in zip(tiers, forecasts, strict=True):
            self.tiers.append(
                StockPoint(len(forecast), tier.lead_time_days, tier.forecast_window_days, forecast)
            )
        self.cash = [np.zeros(point.count) for point in self.tiers]

    # ------------------------------------------------------------------ day 0

    def initial_stock(self, tiers: list[Tier], maker_policy: Manufacturer) -> list[np.ndarray]:
        """Day-0 stock of each tier: ``initial_stock_days`` × launch forecast, rounded.

        Returns the units placed at each tier (the caller books the sell-in).
        """
        placed = []
        for tier, point in zip(tiers, self.tiers, strict=True):
            units = np.rint(tier.initial_stock_days * point.history[:, 0]).astype(np.int64)
            point.on_hand += units
            placed.append(units)
        maker_units = round(maker_policy.initial_stock_days * float(self.maker.history[0, 0]))
        self.maker.on_hand[0] += maker_units
        return placed

    # ------------------------------------------------------------------ daily

    def start_day(self, day: int) -> int:
        """Receive shipments and completed production; retailers deliver backorders first.

        Returns units produced today.
        """
        self.maker.start_day(day)
        self.produced_today = int(self.maker.received_today[0])
        self.produced_total += self.produced_today
        for point in self.tiers:
            point.start_day(day)
        return self.produced_today

    def review(
        self, day: int, tiers: list[Tier], maker_policy: Manufacturer
    ) -> tuple[list[np.ndarray], int]:
        """End-of-day ordering and shipping down the chain, retailers first.

        Args:
            day: Today.
            tiers: Live tier parameters (markups/safety factors may change through events).
            maker_policy: Live maker parameters. The maker's demand signal is everything asked
                of its stock today: direct and micro-store purchases (recorded when served, lost
                sales included) plus the first tier's orders. With ``c2b_feedback`` on, the
                maker and the first tier (when it is not the retailers) forecast from
                :func:`blended_demand` of the end-consumer demand and that signal instead.

        Returns:
            Units shipped to each tier today (the caller books payments), and production started.
        """
        shipped: list[np.ndarray] = [np.zeros(0, dtype=np.int64)] * len(self.tiers)
        feedback = maker_policy.c2b_feedback
        counts = [point.count for point in self.tiers]
        for k in range(len(self.tiers) - 1, -1, -1):
            point = self.tiers[k]
            if k < len(self.tiers) - 1:
                down = self.tiers[k + 1]
                point.demand_today += np.bincount(
                    self.supplier[k + 1], weights=down.orders_today, minlength=point.count
                ).astype(np.int64)
                sent = allocate(down.owed, self.supplier[k + 1], point.on_hand)
                self._ship(day, point, down, self.supplier[k + 1], sent)
                shipped[k + 1] = sent
            signal = None
            if k == 0 and feedback.enabled and len(self.tiers) > 1:
                consumer = consumer_demand_by_node(
                    self.tiers[-1].demand_today, self.supplier, counts, 0
                )
                signal = blended_demand(consumer, point.demand_today, feedback.weight)
            mean, sd = point.forecast(day, signal)
            level = order_up_to_level(mean, sd, point.lead_time, tiers[k].safety_factor)
            owed_down = (
                np.bincount(
                    self.supplier[k + 1], weights=self.tiers[k + 1].owed, minlength=point.count
                ).astype(np.int64)
                if k < len(self.tiers) - 1
                else 0
            )
            position = point.on_hand + point.in_transit + point.owed - owed_down - point.backlog
            point.orders_today = order_quantity(level, position)
            point.owed += point.orders_today
        maker = self.maker
        signal = None
        if self.tiers:
            first = self.tiers[0]
            if feedback.enabled:
                direct = maker.demand_today.astype(np.float64)
                signal = blended_demand(
                    direct + float(self.tiers[-1].demand_today.sum()),
                    direct + float(first.orders_today.sum()),
                    feedback.weight,
                )
            maker.demand_today[0] += int(first.orders_today.sum())
            zeros = np.zeros(first.count, dtype=np.intp)
            sent = allocate(first.owed, zeros, maker.on_hand)
            self._ship(day, maker, first, zeros, sent)
            shipped[0] = sent
        mean, sd = maker.forecast(day, signal)
        level = order_up_to_level(mean, sd, maker.lead_time, maker_policy.safety_factor)
        owed_down = int(self.tiers[0].owed.sum()) if self.tiers else 0
        position = maker.on_hand + maker.in_transit - owed_down
        start = order_quantity(level, position)
        if maker_policy.production_capacity_per_day is not None:
            start = np.minimum(start, maker_policy.production_capacity_per_day)
        maker.orders_today = start
        maker.send(day, start)
        return shipped, int(start[0])

    @staticmethod
    def _ship(
        day: int, source: StockPoint, dest: StockPoint, supplier: np.ndarray, sent: np.ndarray
    ) -> None:
        source.on_hand -= np.bincount(supplier, weights=sent, minlength=source.count).astype(
            np.int64
        )
        source.sold_today += np.bincount(supplier, weights=sent, minlength=source.count).astype(
            np.int64
        )
        dest.owed -= sent
        dest.send(day, sent)

    # ------------------------------------------------------------------ prices

    def prices(self, b2b2c: B2B2C) -> tuple[np.ndarray, np.ndarray]:
        """Today's purchase and selling price of each tier (fixed markups from the live
        parameters, monopolists' own choices; M3b)."""
        return self.pricer.prices_today(b2b2c.wholesale_price, b2b2c.tiers)

    def reprice(self, day: int, b2b2c: B2B2C) -> None:
        """End of day: record each tier's price and the units asked of it; monopolists set
        tomorrow's price."""
        _, sell = self.prices(b2b2c)
        for k, point in enumerate(self.tiers):
            self.pricer.observe(
                k, float(sell[k]), float(point.demand_today.sum()), b2b2c.pricing.history_days
            )
        demand = b2b2c.linear_demand
        choke = None if demand is None else demand.intercept_per_day / demand.slope_per_price
        self.pricer.reprice(day, b2b2c.wholesale_price, b2b2c.tiers, b2b2c.pricing, choke)

    # ------------------------------------------------------------------ payments

    def pay_supplier(
        self, k: int, units: np.ndarray, unit_price: float, ledger: Ledger, today: DayCounters
    ) -> None:
        """Tier ``k`` pays its suppliers for ``units`` received (distributors' cash, ledger)."""
        names = self.names
        amount = units * unit_price
        self.cash[k] -= amount
        total = float(amount.sum())
        if k == 0:
            self.units_to_distributors += int(units.sum())
            today.units_from_maker += int(units.sum())
            ledger.transfer(distributor_account(names[0]), MAKER, total, "wholesale")
        else:
            self.cash[k - 1] += np.bincount(
                self.supplier[k], weights=amount, minlength=len(self.cash[k - 1])
            )
            ledger.transfer(
                distributor_account(names[k]),
                distributor_account(names[k - 1]),
                total,
                f"trade_{names[k]}",
            )

    def pay_rebates(
        self, k: int, sold: np.ndarray, unit_price: float, rate: float, ledger: Ledger
    ) -> float:
        """The maker pays tier ``k``'s nodes their rebate on ``sold`` units bought at
        ``unit_price`` (:func:`distributor_rebates`); returns the total paid."""
        amount = distributor_rebates(sold, unit_price, rate)
        self.cash[k] += amount
        total = float(amount.sum())
        ledger.transfer(MAKER, distributor_account(self.names[k]), total, DISTRIBUTOR_REBATES)
        return total

    def book_retail_sales(self, regions: np.ndarray, price: float, ledger: Ledger) -> None:
        """Consumers of ``regions`` (one per unit sold) pay their retailer the shelf price."""
        retail = len(self.tiers) - 1
        self.cash[retail] += price * np.bincount(regions, minlength=len(self.cash[retail]))
        ledger.transfer(
            CONSUMERS,
            distributor_account(self.names[retail]),
            price * len(regions),
            "spend_b2b2c",
        )

    # ------------------------------------------------------------------ measures

    def backlog_total(self) -> int:
        """Units sold to consumers at retailers and not yet delivered (backorders)."""
        return sum(int(point.backlog.sum()) for point in self.tiers)

    def units_held(self) -> int:
        """Units in every inventory and pipeline (maker finished goods included, WIP not)."""
        total = int(self.maker.on_hand.sum())
        for point in self.tiers:
            total += int(point.on_hand.sum()) + int(point.pipeline.sum())
        return total


def tier_prices(wholesale_price: float, tiers: list[Tier]) -> tuple[np.ndarray, np.ndarray]:
    """Purchase and selling price per tier at the tiers' fixed ``markup`` parameters (the
    first buys at the wholesale price; see :func:`sim.pricing.chain_prices`)."""
    return chain_prices(wholesale_price, np.array([t.markup for t in tiers], dtype=float))


# ---------------------------------------------------------------------- building and the day


def tier_counts(scenario: Scenario, n: int) -> list[int]:
    """Distributors in each B2B2C tier (top first) of a market of ``n`` consumers."""
    b2b2c = scenario.channels.b2b2c
    counts = [max(1, min(n, math.ceil(n / b2b2c.consumers_per_retailer)))]
    for k in range(len(b2b2c.tiers) - 2, -1, -1):
        counts.insert(0, max(1, math.ceil(counts[0] / b2b2c.tiers[k].serves)))
    return counts


def build_supply_chain(
    scenario: Scenario,
    graph: graphs.SocialGraph,
    region: np.ndarray,
    rng: np.random.Generator,
    network: tuple[np.ndarray, SupplyChain] | None = None,
) -> SupplyChain:
    """The maker's stock point and the B2B2C tiers of a market (ODD: Initialisation).

    ⌈N / ``consumers_per_retailer``⌉ retailers, one per graph region (``region`` is filled in
    place with each consumer's retailer); going up, tier *k* has ⌈count(k+1) / ``serves``ₖ⌉
    distributors whose seed nodes are a random subset of the seeds below, each serving the
    nodes below that are nearest to it in hops. Without B2B2C only the maker's stock exists.

    ``network``: another brand's retail regions and supply chain; when its tiers have the same
    counts, this brand is sold by the same distributors and retailers (the same regions and
    suppliers, no random draws; ``shares_network`` is then set), each with this brand's stock.
    """
    b2b2c = scenario.channels.b2b2c
    n = graph.n
    launch_total = scenario.manufacturer.launch_demand_per_1000_per_day * n / 1000.0
    if not b2b2c.enabled:
        return SupplyChain(scenario.manufacturer, launch_total, [], [], np.zeros(0))
    if network is not None:
        other_region, other = network
        if other.tiers and [t.count for t in other.tiers] == tier_counts(scenario, n):
            region[:] = other_region
            served = np.bincount(region, minlength=other.tiers[-1].count)
            forecast = b2b2c.launch_demand_per_1000_per_day * served / 1000.0
            chain = SupplyChain(
                scenario.manufacturer,
                launch_total,
                b2b2c.tiers,
                [x.copy() for x in other.supplier],
                forecast,
            )
            chain.shares_network = True
            return chain
    n_retail = max(1, min(n, math.ceil(n / b2b2c.consumers_per_retailer)))
    retail_region, seeds = graphs.partition_regions(graph, n_retail, rng)
    region[:] = retail_region
    served = np.bincount(retail_region, minlength=n_retail)
    counts = [n_retail]
    supplier: list[np.ndarray] = [np.zeros(0, dtype=np.intp)] * len(b2b2c.tiers)
    down_seeds = seeds
    for k in range(len(b2b2c.tiers) - 2, -1, -1):
        n_up = max(1, math.ceil(counts[0] / b2b2c.tiers[k].serves))
        pick = np.sort(rng.choice(len(down_seeds), size=n_up, replace=False))
        supplier[k + 1] = graphs.nearest_seed(graph, down_seeds[pick], down_seeds, rng)
        down_seeds = down_seeds[pick]
        counts.insert(0, n_up)
    supplier[0] = np.zeros(counts[0], dtype=np.intp)
    retail_forecast = b2b2c.launch_demand_per_1000_per_day * served / 1000.0
    return SupplyChain(scenario.manufacturer, launch_total, b2b2c.tiers, supplier, retail_forecast)


def stock_day_zero(
    supply: SupplyChain, scenario: Scenario, ledger: Ledger, today: DayCounters
) -> None:
    """Day-0 sell-in: the maker produces the initial stock of every tier and sells it down.

    Each tier gets ``initial_stock_days`` × its launch forecast, the maker its own; the maker
    pays ``unit_cost`` for all of it. The stock travels down the chain as any shipment does:
    every tier buys from its supplier, at the supplier's price, the units it keeps and those it
    passes on to the tiers below it (so the maker is paid wholesale for every unit placed), and
    a tier paid by rebate is paid its rebate on the units it passes on.
    """
    tiers = scenario.channels.b2b2c.tiers if supply.tiers else []
    placed = supply.initial_stock(tiers, scenario.manufacturer)
    maker_units = int(supply.maker.on_hand[0])
    produced = maker_units + sum(int(u.sum()) for u in placed)
    supply.produced_total += produced
    ledger.transfer(MAKER, SUPPLIERS, produced * scenario.product.unit_cost, "production")
    if placed:
        buy, _ = supply.prices(scenario.channels.b2b2c)
        through = [units.copy() for units in placed]
        for k in range(len(placed) - 1, 0, -1):
            through[k - 1] += np.bincount(
                supply.supplier[k], weights=through[k], minlength=len(through[k - 1])
            ).astype(np.int64)
        for k, units in enumerate(through):
            supply.pay_supplier(k, units, buy[k], ledger, today)
        rates = tier_rebate_rates(tiers)
        for k, rate in enumerate(rates):
            if rate > 0:
                supply.pay_rebates(k, through[k] - placed[k], buy[k], rate, ledger)


class SupplyStage:
    """Stages 2 and 6 of the day for the maker's stock and the B2B2C tiers."""

    def __init__(self, supply: SupplyChain, market: MarketState, ledger: Ledger) -> None:
        self.supply = supply
        self.market = market
        self.ledger = ledger

    def receive(self, day: int) -> None:
        """Stage 2: shipments and completed production arrive; the maker pays for what it made."""
        produced = self.supply.start_day(day)
        unit_cost = self.market.params.product.unit_cost
        self.ledger.transfer(MAKER, SUPPLIERS, produced * unit_cost, "production")

    def review(self, day: int, today: DayCounters) -> None:
        """Stage 6: every tier and the maker review, order and ship; shipments are paid for,
        and the maker pays rebate tiers their rebate on what they sold on today (a tier's
        margin: units sold × (selling − purchase price), plus its rebate)."""
        p = self.market.params
        supply = self.supply
        shipped, _ = supply.review(day, p.channels.b2b2c.tiers, p.manufacturer)
        if not supply.tiers:
            return
        buy, sell = supply.prices(p.channels.b2b2c)
        for k, units in enumerate(shipped):
            supply.pay_supplier(k, units, buy[k], self.ledger, today)
        rates = tier_rebate_rates(p.channels.b2b2c.tiers)
        margin = 0.0
        for k, point in enumerate(supply.tiers):
            tier_margin = float(point.sold_today.sum()) * (sell[k] - buy[k])
            if rates[k] > 0:
                tier_margin += supply.pay_rebates(
                    k, point.sold_today, buy[k], rates[k], self.ledger
                )
            supply.margin_total[k] += tier_margin
            margin += tier_margin
        today.distributor_margin = margin
        supply.reprice(day, p.channels.b2b2c)

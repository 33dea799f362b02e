"""Mesa agents for the few rich actors: the manufacturer, distributors and micro-stores.

Distributors and micro-stores can number in the thousands, so their state lives in arrays
(:class:`sim.supply_chain.StockPoint`, :class:`sim.stores.StoreBook`) that the daily rules
update all at once; each agent is a handle onto its row, readable and inspectable one at a time.
"""

from __future__ import annotations

import mesa

from sim.accounting import MAKER, Ledger
from sim.consumers import ConsumerPopulation
from sim.market import MarketState
from sim.stores import STORE_KINDS, StoreBook
from sim.supply_chain import StockPoint, SupplyChain


class Manufacturer(mesa.Agent):
    """The brand owner: production, finished goods, channel policy and accounts."""

    def __init__(
        self,
        model: mesa.Model,
        supply: SupplyChain,
        ledger: Ledger,
        consumers: ConsumerPopulation,
        market: MarketState,
    ) -> None:
        super().__init__(model)
        self.supply = supply
        self.ledger = ledger
        self.consumers = consumers
        self.market = market

    @property
    def inventory(self) -> int:
        return int(self.supply.maker.on_hand[0])

    @property
    def in_production(self) -> int:
        return int(self.supply.maker.pipeline.sum())

    @property
    def cash(self) -> float:
        return self.ledger.balances[MAKER]

    @property
    def list_price(self) -> float:
        return self.market.params.product.list_price

    @property
    def costs(self) -> dict[str, float]:
        """Cumulative cash costs: production paid, logistics, advertising, rebates."""
        flows = self.ledger.flows_total
        return {
            "production": flows["production"],
            "logistics": flows["logistics_b2c"] + flows["logistics_b2c2c"],
            "advertising": flows["advertising"],
            "rebates": flows["rebates"],
        }

    @property
    def identified_customers(self) -> int:
        return int(self.consumers.identified.sum())


class Distributor(mesa.Agent):
    """One distributor or retailer of the B2B2C chain (a row of its tier's arrays)."""

    def __init__(
        self,
        model: mesa.Model,
        supply: SupplyChain,
        market: MarketState,
        tier: int,
        index: int,
        upstream: list[list[Distributor]],
        manufacturer: Manufacturer,
    ) -> None:
        super().__init__(model)
        self.supply = supply
        self.market = market
        self.tier = tier
        self.index = index
        self._upstream = upstream
        self._manufacturer = manufacturer
        self.brands: dict[str, tuple[SupplyChain, MarketState, int, int, Manufacturer]] = {
            market.params.manufacturer.brand: (supply, market, tier, index, manufacturer)
        }
        """Every brand this distributor carries: its supply chain, market, tier, row, maker
        (with several brands, rivals with the same chain's shape share the distributors)."""

    def carry(
        self,
        brand: str,
        supply: SupplyChain,
        market: MarketState,
        tier: int,
        index: int,
        manufacturer: Manufacturer,
    ) -> None:
        """Add a brand to those this distributor sells (its own row of that brand's chain)."""
        self.brands[brand] = (supply, market, tier, index, manufacturer)

    def inventory_of(self, brand: str) -> int:
        """Units of ``brand`` on hand here."""
        supply, _, tier, index, _ = self.brands[brand]
        return int(supply.tiers[tier].on_hand[index])

    @property
    def tier_name(self) -> str:
        return self.supply.names[self.tier]

    @property
    def _point(self) -> StockPoint:
        return self.supply.tiers[self.tier]

    @property
    def supplier(self) -> Distributor | Manufacturer:
        """The upstream agent this distributor orders from."""
        if self.tier == 0:
            return self._manufacturer
        up = int(self.supply.supplier[self.tier][self.index])
        return self._upstream[self.tier - 1][up]

    @property
    def inventory(self) -> int:
        return int(self._point.on_hand[self.index])

    @property
    def in_transit(self) -> int:
        return int(self._point.pipeline[self.index].sum())

    @property
    def backorder(self) -> int:
        """Units ordered from the supplier and not yet shipped."""
        return int(self._point.owed[self.index])

    @property
    def lead_time_days(self) -> int:
        return self._point.lead_time

    @property
    def markup(self) -> float:
        return self.market.params.channels.b2b2c.tiers[self.tier].markup

    @property
    def cash(self) -> float:
        return float(self.supply.cash[self.tier][self.index])

    def __repr__(self) -> str:
        if len(self.brands) > 1:
            stock = ", ".join(f"{b}={self.inventory_of(b)}" for b in self.brands)
            return f"Distributor({self.tier_name} #{self.index}, inventory {stock})"
        return f"Distributor({self.tier_name} #{self.index}, inventory={self.inventory})"


class MicroStore(mesa.Agent):
    """A consumer's micro-store (a row of the StoreBook)."""

    def __init__(
        self, model: mesa.Model, book: StoreBook, index: int, handles: list[MicroStore]
    ) -> None:
        super().__init__(model)
        self.book = book
        self.index = index
        self._handles = handles

    def _get(self, column: str):
        return getattr(self.book, column)[self.index]

    @property
    def owner(self) -> int:
        return int(self._get("owner"))

    @property
    def kind(self) -> str:
        return STORE_KINDS[int(self._get("kind"))]

    @property
    def is_open(self) -> bool:
        return bool(self._get("is_open"))

    @property
    def units(self) -> int:
        return int(self._get("units"))

    @property
    def rebate_income(self) -> float:
        return float(self._get("rebate_income"))

    @property
    def upline(self) -> MicroStore | None:
        up = int(self._get("upline"))
        return None if up < 0 else self._handles[up]

    def __repr__(self) -> str:
        state = "open" if self.is_open else "closed"
        return (
            f"MicroStore(#{self.index}, {self.kind}, owner={self.owner}, {state}, "
            f"units={self.units})"
        )

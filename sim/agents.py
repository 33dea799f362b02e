"""Mesa agents for the few rich actors: the manufacturer, distributors and micro-stores.

Distributors and micro-stores can number in the thousands, so their state lives in arrays
(:class:`sim.supply_chain.StockPoint`, :class:`sim.microstores.StoreBook`) that the daily rules
update all at once; each agent is a handle onto its row, readable and inspectable one at a time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from sim.accounting import MAKER
from sim.microstores import STORE_KINDS

if TYPE_CHECKING:
    from sim.model import ChannelModel


class Manufacturer(mesa.Agent):
    """The brand owner: production, finished goods, channel policy and accounts."""

    def __init__(self, model: ChannelModel) -> None:
        super().__init__(model)

    @property
    def inventory(self) -> int:
        return int(self.model.supply.maker.on_hand[0])

    @property
    def in_production(self) -> int:
        return int(self.model.supply.maker.pipeline.sum())

    @property
    def cash(self) -> float:
        return self.model.ledger.balances[MAKER]

    @property
    def costs(self) -> dict[str, float]:
        """Cumulative cash costs: production paid, logistics, advertising, rebates."""
        flows = self.model.ledger.flows_total
        return {
            "production": flows["production"],
            "logistics": flows["logistics_b2c"] + flows["logistics_b2c2c"],
            "advertising": flows["advertising"],
            "rebates": flows["rebates"],
        }

    @property
    def identified_customers(self) -> int:
        return int(self.model.consumers.identified.sum())


class Distributor(mesa.Agent):
    """One distributor or retailer of the B2B2C chain (a row of its tier's arrays)."""

    def __init__(self, model: ChannelModel, tier: int, index: int) -> None:
        super().__init__(model)
        self.tier = tier
        self.index = index

    @property
    def tier_name(self) -> str:
        return self.model.supply.names[self.tier]

    @property
    def _point(self):
        return self.model.supply.tiers[self.tier]

    @property
    def supplier(self) -> Distributor | Manufacturer:
        """The upstream agent this distributor orders from."""
        if self.tier == 0:
            return self.model.manufacturer
        up = int(self.model.supply.supplier[self.tier][self.index])
        return self.model.distributors[self.tier - 1][up]

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
        return self.model.params.channels.b2b2c.tiers[self.tier].markup

    @property
    def cash(self) -> float:
        return float(self.model.distributor_cash[self.tier][self.index])

    def __repr__(self) -> str:
        return f"Distributor({self.tier_name} #{self.index}, inventory={self.inventory})"


class MicroStore(mesa.Agent):
    """A consumer's micro-store (a row of the StoreBook)."""

    def __init__(self, model: ChannelModel, index: int) -> None:
        super().__init__(model)
        self.index = index

    def _get(self, column: str):
        return getattr(self.model.stores, column)[self.index]

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
        return None if up < 0 else self.model.store_agents[up]

    def __repr__(self) -> str:
        state = "open" if self.is_open else "closed"
        return (
            f"MicroStore(#{self.index}, {self.kind}, owner={self.owner}, {state}, "
            f"units={self.units})"
        )

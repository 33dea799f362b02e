"""Store owners who stop selling a brand or take their circle to another (case 5, [ZTE2014]).

[ZTE2014]: in the micro-store model buyers are swayed more by the owner's personal brand than
by the product's, and the product brand fades. An ``owners_switch`` event in a brand's events
acts at the start of its day (after stage 1): the brand's ``top_stores`` open stores with the
most units sold so far close; with ``to_brand`` their owners open a store of that brand at
once (an owner who ran one of it before, or runs one now, does not), and the trust their friends
and audience had in them as sellers of the old brand becomes their trust in them as sellers of
the new one: the owner's standing moves with the owner, not with the product.
"""

from __future__ import annotations

import numpy as np

from sim.brands import BrandMarket
from sim.scenario import OwnersSwitch
from sim.stores import top_stores


def switch_owners(
    day: int, event: OwnersSwitch, source: BrandMarket, brands: list[BrandMarket]
) -> np.ndarray:
    """Apply one ``owners_switch`` event of ``source``; returns the ids of the stores the
    movers opened in the target brand's book (none when they stop)."""
    stores = top_stores(source.stores, event.top_stores)
    owners = source.stores.owner[stores].astype(np.int64)
    source.roster.close(day, stores, source.today)
    if event.to_brand is None:
        return np.zeros(0, dtype=np.int64)
    target = next(b for b in brands if b.name == event.to_brand)
    movers = owners[target.consumers.store[owners] < 0]
    if len(movers) == 0:
        return np.zeros(0, dtype=np.int64)
    kinds = source.stores.kind[source.consumers.store[movers]]
    ids = target.roster.open(movers, kinds, np.full(len(movers), -1), day, target.today)
    carry_trust(source, target, movers)
    return ids


def moves_summary(moved: list[tuple[BrandMarket, np.ndarray]]) -> dict[str, float]:
    """What the owners who switched brand did with their new stores, over every move."""
    ids = [(b, rows) for b, rows in moved if len(rows)]
    n = sum(len(rows) for _, rows in ids)
    units = sum(int(b.stores.units[rows].sum()) for b, rows in ids)
    still = sum(int(b.stores.is_open[rows].sum()) for b, rows in ids)
    return {
        "moved": n,
        "units_in_new_stores": units,
        "new_stores_open_end": still,
        "new_stores_open_share": still / n if n else 0.0,
    }


def carry_trust(source: BrandMarket, target: BrandMarket, owners: np.ndarray) -> None:
    """Friends' and audience trust in ``owners`` as sellers: the target brand's takes the
    source brand's values (friend sums kept exact)."""
    g = source.friendships.graph
    if not g.complete:
        _, entries = g.row_entries(owners)
        into = g.reverse_entry()[entries]
        target.friendships.sums.update_trust(into, source.friendships.trust[into].copy())
    if source.audience.ties:
        _, ties = source.audience.entries_of(owners)
        target.audience.trust[ties] = source.audience.trust[ties]

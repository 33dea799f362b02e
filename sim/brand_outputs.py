"""The outputs of several brands on one market and of the market moves of the cases: the
``<measure>.<brand>`` columns, the ``brands.<brand>.*`` summary numbers, and the summary
blocks of distributor-run stores, owners who switch brand and paid mentors. Declared here,
listed by :mod:`sim.outputs` with every other output."""

from __future__ import annotations

from sim.output_types import CHANNEL_NAMES, Output
from sim.scenario import CHANNELS, Scenario


def has_mentors(scenario: Scenario) -> bool:
    """Whether a run's micro-stores may be sold training (``channels.b2c2c.mentors``)."""
    b2c2c = scenario.channels.b2c2c
    return b2c2c.enabled and b2c2c.mentors.enabled and not b2c2c.stock_pressure.enabled


def has_owner_moves(scenario: Scenario) -> bool:
    """Whether a run has ``owners_switch`` events that move owners to another brand."""
    events = [*scenario.events, *(e for b in scenario.brands for e in (b.events or []))]
    return any(getattr(e, "to_brand", None) is not None for e in events)


OWNER_MOVE_SUMMARY = [
    Output("owner_moves.moved", "store owners who switched brand", "consumers"),
    Output(
        "owner_moves.units_in_new_stores",
        "units sold by their new stores",
        "units",
        "from the move to the end, in the brand they moved to",
    ),
    Output("owner_moves.new_stores_open_end", "their new stores open (end)", "stores"),
    Output("owner_moves.new_stores_open_share", "their new stores open at the end", "share"),
]
"""The summary of a run where store owners switch brand (case 5)."""


MENTOR_SUMMARY = [
    Output("mentors.trainees", "trainees (stores opened after a course)", "stores"),
    Output("mentors.fees_paid", "course fees paid", "money"),
    Output("mentors.mentors_paid", "mentors who sold a course", "consumers"),
    Output("mentors.fee_income_per_mentor", "course fees per mentor", "money"),
    Output("mentors.rebate_income_per_mentor", "rebate income per mentor", "money"),
    Output("mentors.trainees_active_end", "trainees' stores open (end)", "stores"),
    Output("mentors.trainee_survival_share", "trainees' stores open at the end", "share"),
    Output("mentors.trainee_units_per_store", "units per trainee's store", "units/store"),
    Output(
        "mentors.trainee_mean_net",
        "trainees' mean rebate income less the fee",
        "money",
        "over every trainee",
    ),
    Output("mentors.trainee_share_at_loss", "trainees at a loss", "share", "income below fee"),
    Output("mentors.others_opened", "stores opened without a course", "stores"),
    Output("mentors.other_survival_share", "other stores open at the end", "share"),
    Output("mentors.other_units_per_store", "units per other store", "units/store"),
]
"""The summary of a run with paid mentors (case 6)."""


BRAND_MEASURES: tuple[str, ...] = (
    "units_b2b2c",
    "units_b2c",
    "units_b2c2c",
    "units_total",
    "manufacturer_profit",
    "manufacturer_profit_cumulative",
    "active_stores",
    "stores_opened",
    "mean_trust_in_owners",
    "detractors",
    "aware",
    "adopters",
)
"""With several brands, a brand's own measures repeated as ``<measure>.<brand>`` columns."""

MARKET_SHARE = Output(
    "market_share",
    "market share",
    "share",
    "the brand's share of the day's units sold by every brand (0 on a day none sold)",
)


def brand_names(scenario: Scenario) -> list[str]:
    """The brands of a run, the focal brand first (empty with one brand: no brand columns)."""
    if not scenario.brands:
        return []
    return [scenario.manufacturer.brand, *(b.name for b in scenario.brands)]


def brand_measurements(scenario: Scenario, focal: list[Output]) -> list[Output]:
    """The ``<measure>.<brand>`` columns of a run with several brands (``focal``: the focal
    brand's own measurements, which every brand repeats)."""
    core = {o.name: o for o in focal}
    out = []
    for brand in brand_names(scenario):
        for name in BRAND_MEASURES:
            o = core[name]
            out.append(Output(f"{name}.{brand}", f"{o.label}, {brand}", o.unit, o.description))
        out.append(
            Output(
                f"market_share.{brand}",
                f"market share, {brand}",
                MARKET_SHARE.unit,
                MARKET_SHARE.description,
            )
        )
    return out


BRAND_SUMMARY: tuple[tuple[str, str, str], ...] = (
    *((f"units_{ch}", f"units sold, {CHANNEL_NAMES[ch]}", "units") for ch in CHANNELS),
    ("units_total", "units sold, all channels", "units"),
    ("market_share", "market share of units", "share"),
    ("micro_store_share", "share of its units through micro-stores", "share"),
    ("profit", "maker's profit", "money"),
    ("stores_opened", "micro-stores opened", "stores"),
    ("active_stores_end", "active micro-stores (end)", "stores"),
    ("stores_sold", "stores that sold", "stores"),
    ("units_per_store", "units per store opened", "units"),
    ("mean_trust_in_owners_end", "friends' trust in store owners (end)", "share"),
    ("detractors_end", "detractors (end)", "consumers"),
    ("aware_end", "aware consumers (end)", "consumers"),
    ("adopters_end", "adopters (end)", "consumers"),
)
"""The ``brands.<brand>.<key>`` numbers of a summary with several brands."""


DISTRIBUTOR_STORE_SUMMARY = [
    Output("distributor_stores.opened", "distributor-run stores opened", "stores"),
    Output("distributor_stores.active_end", "distributor-run stores open (end)", "stores"),
    Output("distributor_stores.survival_share", "distributor-run stores open at the end", "share"),
    Output("distributor_stores.units", "units sold by distributor-run stores", "units"),
    Output(
        "distributor_stores.units_per_store",
        "units per distributor-run store",
        "units",
        "every brand it carries",
    ),
    Output(
        "distributor_stores.income_per_store",
        "rebate income per distributor-run store",
        "money",
        "every brand it carries",
    ),
    Output(
        "distributor_stores.other_stores_opened",
        "other stores opened",
        "stores",
        "the other micro-stores of the brands they carry",
    ),
    Output("distributor_stores.other_survival_share", "other stores open at the end", "share"),
    Output("distributor_stores.other_units_per_store", "units per other store", "units"),
]
"""The summary of a run with distributor-run stores (case 2)."""


def brand_summary_outputs(scenario: Scenario) -> list[Output]:
    return [
        Output(f"brands.{brand}.{key}", f"{text}, {brand}", unit)
        for brand in brand_names(scenario)
        for key, text, unit in BRAND_SUMMARY
    ]

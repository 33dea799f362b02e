"""Guided lessons for the classroom: each a scenario, what to try and what to watch.

The texts are for students: plain words, no equations. Each lesson names the charts it is about;
the page shows those first.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


@dataclass(frozen=True)
class Lesson:
    """A scenario plus a short panel of what to try and what to watch."""

    key: str
    title: str
    scenario: Path
    overrides: tuple[str, ...]
    story: str
    try_this: tuple[str, ...]
    watch: tuple[str, ...]
    charts: tuple[str, ...]


FREE = Lesson(
    key="free",
    title="Free play: three channels",
    scenario=SCENARIOS / "three_channels.yaml",
    overrides=("market.consumers=20000",),
    story=(
        "A phone maker sells in three ways at once: through distributors and shops, in its own "
        "online shop, and through micro-stores that ordinary people run for their friends in "
        "return for a rebate on every sale."
    ),
    try_this=(
        "Press play and let a few months pass.",
        "Move the rebate up or down and watch how many stores open.",
        "Close the distributor channel for a while, then reopen it.",
    ),
    watch=(
        "Which channel sells the most, and when.",
        "The maker's profit as the rebate changes.",
    ),
    charts=("units", "profit", "stores", "trust"),
)

LESSONS: tuple[Lesson, ...] = (
    FREE,
    Lesson(
        key="bullwhip",
        title="The bullwhip in the distributor chain",
        scenario=SCENARIOS / "lessons" / "bullwhip.yaml",
        overrides=(),
        story=(
            "A face mask that people buy about once a month goes from the maker to national "
            "distributors, regional distributors and shops. Each link only sees the orders of "
            "the link below it, guesses what will come next, and orders enough to be safe. On "
            "day 120 the maker cuts its price for two weeks."
        ),
        try_this=(
            "Play to day 100 and compare the lines of orders: shoppers, shops (retailer), "
            "regional and national distributors, and what the maker starts producing.",
            "Play through the promotion (days 120 to 133).",
            "Reset and, before playing, make the national distributors slower: type "
            "channels.b2b2c.tiers.0.lead_time_days = 15 in the box 'any parameter' and apply.",
        ),
        watch=(
            "Orders swing more the further a link is from the shoppers: that is the bullwhip.",
            "The maker's production swings most of all, though shoppers changed only a little.",
        ),
        charts=("orders", "swing", "units", "profit"),
    ),
    Lesson(
        key="spam",
        title="Screen spam and trust",
        scenario=SCENARIOS / "spam_vs_community.yaml",
        overrides=(),
        story=(
            "Micro-store owners sell face masks to their friends. A third of them flood their "
            "friends' feeds with adverts, a third post a little, with useful content, and a "
            "third adjust to what sells."
        ),
        try_this=(
            "Play for two months and watch the network: orange and red lines are friends who "
            "muted or blocked an owner.",
            "Raise the spammers' posts per day and play on.",
            "Start a platform crackdown and see what happens to the spammers' stores.",
        ),
        watch=(
            "Friends' trust in the spammers falls within weeks; the community builders keep it.",
            "Muted friendships and detractors (red dots) grow around the spammers.",
        ),
        charts=("trust", "stores", "units", "profit"),
    ),
    Lesson(
        key="pyramid",
        title="A stock-pressure pyramid collapses",
        scenario=SCENARIOS / "pyramid_unregulated.yaml",
        overrides=(),
        story=(
            "Agents at six levels buy stock from the level above and earn mostly by selling it "
            "to the recruits they bring in, not to consumers. Every month each must buy more."
        ),
        try_this=(
            "Play and watch the participants at each level, and the stock they hold.",
            "Note the day the participants start to fall: the collapse.",
        ),
        watch=(
            "Stock piles up at the lower levels faster than consumers buy it.",
            "When recruits run out, agents leave; most of them lost money.",
        ),
        charts=("pyramid", "stock", "units", "profit"),
    ),
    Lesson(
        key="shutdown",
        title="Offline shuts down for two months (2020)",
        scenario=SCENARIOS / "offline_shutdown_2020.yaml",
        overrides=("market.consumers=20000",),
        story=(
            "In spring 2020 shops closed for about two months. Brands asked their staff, and "
            "then everyone, to sell to friends online for a small commission."
        ),
        try_this=(
            "Play to day 30, when the shops close, and on to day 90, when they reopen.",
            "Reset, raise the rebate from 1 % to 10 %, and play again.",
        ),
        watch=(
            "Distributor sales stop while the shops are closed; micro-store sales take over part "
            "of them.",
            "How much of the lost sales come back after day 90.",
        ),
        charts=("units", "stores", "profit", "trust"),
    ),
)

BY_KEY = {lesson.key: lesson for lesson in LESSONS}

"""The consumer crowd as columns: one numpy array per state variable, one entry per graph node.

Consumers are not Mesa agents: a million of them must step in seconds, so every rule that
touches them is written as an array function. :meth:`ConsumerPopulation.view` gives a readable
snapshot of one consumer for inspection (dashboards, tests, debugging).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.scenario import Scenario

ORDINARY, FAN, EMPLOYEE = 0, 1, 2
SEGMENTS: tuple[str, ...] = ("ordinary", "fan", "employee")
HABITS: tuple[str, ...] = ("offline", "online", "social")
NEVER = np.iinfo(np.int32).max
"""``need_day`` of a consumer who will never be in the market again (one-time products)."""


@dataclass(frozen=True)
class ConsumerView:
    """A readable snapshot of one consumer's state."""

    index: int
    segment: str
    friends: int
    habit: dict[str, float]
    price_sensitivity: float
    attitude: float
    aware: bool
    aware_day: int | None
    adopted: bool
    adoption_day: int | None
    need_day: int | None
    purchases: int
    identified: bool
    region: int | None
    store: int | None


class ConsumerPopulation:
    """Columnar state of all consumers.

    Attributes:
        segment: int8, ORDINARY / FAN / EMPLOYEE.
        habit: float32 (n, 3), purchase-habit weights over HABITS, rows sum to 1.
        price_sensitivity: float32, multiplies the price term of channel utility.
        attitude: float32 in [-1, 1], attitude to the brand (fans high, detractors negative).
        baseline_attitude: float32, the attitude the consumer returns to when others' opinions
            fade (moved by its own experiences: purchases and blocking spammers).
        aware: bool, knows the brand.
        aware_day: int32, day the current spell of awareness began (-1: never aware).
        adopted: bool, has bought the brand at least once.
        adoption_day: int32, day of first purchase (-1: never).
        need_day: int32, day from which the consumer is in the market (NEVER: not again).
        purchases: int32, units of the brand bought.
        identified: bool, bought direct or through a micro-store: the maker knows them.
        region: int32, retail catchment area (-1 when there is no B2B2C channel).
        store: int32, micro-store owned (-1: none; stays set after the store closes).
        time_cost: float32, value of the time running a store would take, per day.
        social_cost: float32, cost of selling to one's friends, per day.
    """

    def __init__(self, n: int) -> None:
        self.n = n
        self.segment = np.zeros(n, dtype=np.int8)
        self.habit = np.zeros((n, len(HABITS)), dtype=np.float32)
        self.price_sensitivity = np.ones(n, dtype=np.float32)
        self.attitude = np.zeros(n, dtype=np.float32)
        self.baseline_attitude = np.zeros(n, dtype=np.float32)
        self.aware = np.zeros(n, dtype=bool)
        self.aware_day = np.full(n, -1, dtype=np.int32)
        self.adopted = np.zeros(n, dtype=bool)
        self.adoption_day = np.full(n, -1, dtype=np.int32)
        self.need_day = np.zeros(n, dtype=np.int32)
        self.purchases = np.zeros(n, dtype=np.int32)
        self.identified = np.zeros(n, dtype=bool)
        self.region = np.full(n, -1, dtype=np.int32)
        self.store = np.full(n, -1, dtype=np.int32)
        self.degree = np.zeros(n, dtype=np.int32)
        self.time_cost = np.zeros(n, dtype=np.float32)
        self.social_cost = np.zeros(n, dtype=np.float32)
        self.selling_elsewhere: np.ndarray | None = None
        """With several brands: who runs an open store of another brand (may not open one)."""

    @classmethod
    def create(
        cls, params: Scenario, degree: np.ndarray, rng: np.random.Generator
    ) -> ConsumerPopulation:
        """Draw the initial population (ODD: Initialisation).

        Segments: employees and fans are drawn without replacement with the shares in
        ``market``. Habits: Dirichlet(c · m / Σm) with m = ``consumers.habit_mean`` and
        c = ``habit_concentration`` (a consumer whose three draws all underflow to zero, possible
        for tiny c, gets the mean habits). Price sensitivity: log-normal with the given mean and sd.
        Attitude: fans and employees fixed, ordinary consumers Normal(mean, sd) clipped to
        [-1, 1]. Fans, employees and a share ``initial_aware_share`` of the others are aware.
        Time and social costs of running a store: log-normal with the means and sds of
        ``channels.b2c2c.opening`` (constant where the sd is 0).
        """
        n = len(degree)
        pop = cls(n)
        pop.degree = np.asarray(degree, dtype=np.int32)
        market, consumers = params.market, params.consumers
        order = rng.permutation(n)
        n_emp = round(market.employee_share * n)
        n_fan = round(market.fan_share * n)
        pop.segment[order[:n_emp]] = EMPLOYEE
        pop.segment[order[n_emp : n_emp + n_fan]] = FAN

        mean = np.array(
            [consumers.habit_mean.offline, consumers.habit_mean.online, consumers.habit_mean.social]
        )
        alpha = consumers.habit_concentration * mean / mean.sum()
        draws = np.zeros((n, len(HABITS)))
        for k in range(len(HABITS)):
            if alpha[k] > 0:
                draws[:, k] = rng.gamma(alpha[k], size=n)
        total = draws.sum(axis=1, keepdims=True)
        degenerate = total[:, 0] <= 0  # every gamma draw underflowed (tiny concentration)
        total[degenerate] = 1.0
        pop.habit[:] = draws / total
        pop.habit[degenerate] = mean / mean.sum()

        pop.price_sensitivity[:] = lognormal(
            consumers.price_sensitivity_mean, consumers.price_sensitivity_sd, n, rng
        )

        att = consumers.attitude
        pop.attitude[:] = np.clip(rng.normal(att.ordinary_mean, att.ordinary_sd, size=n), -1, 1)
        pop.attitude[pop.segment == FAN] = att.fan
        pop.attitude[pop.segment == EMPLOYEE] = att.employee
        pop.baseline_attitude[:] = pop.attitude

        ordinary = pop.segment == ORDINARY
        pop.aware[:] = ~ordinary | (rng.random(n) < market.initial_aware_share)
        pop.aware_day[pop.aware] = 0
        pop.need_day[:] = initial_need_days(params, n, rng)
        opening = params.channels.b2c2c.opening
        pop.time_cost[:] = lognormal(
            opening.time_cost_mean_per_day, opening.time_cost_sd_per_day, n, rng
        )
        pop.social_cost[:] = lognormal(
            opening.social_cost_mean_per_day, opening.social_cost_sd_per_day, n, rng
        )
        return pop

    def for_brand(self, params: Scenario, rng: np.random.Generator) -> ConsumerPopulation:
        """The crowd as seen by a rival brand (``params`` its scenario).

        The person's columns are shared (the same arrays): need day, price sensitivity, the
        time and social costs of running a store and the number of friends. The brand's are
        drawn for it as :meth:`create` draws them: segment (its fans and employees), habits,
        attitude, awareness; adoption, purchases, the store owned and the retail region start
        empty.
        """
        rival = ConsumerPopulation.create(params, self.degree, rng)
        rival.need_day = self.need_day
        rival.price_sensitivity = self.price_sensitivity
        rival.time_cost = self.time_cost
        rival.social_cost = self.social_cost
        rival.degree = self.degree
        return rival

    def view(self, i: int) -> ConsumerView:
        """A readable snapshot of consumer ``i``."""
        if not 0 <= i < self.n:
            raise IndexError(f"consumer {i} out of range 0..{self.n - 1}")

        def maybe(x: int, missing: int) -> int | None:
            return None if int(x) == missing else int(x)

        return ConsumerView(
            index=i,
            segment=SEGMENTS[int(self.segment[i])],
            friends=int(self.degree[i]),
            habit={h: round(float(self.habit[i, k]), 6) for k, h in enumerate(HABITS)},
            price_sensitivity=float(self.price_sensitivity[i]),
            attitude=float(self.attitude[i]),
            aware=bool(self.aware[i]),
            aware_day=maybe(self.aware_day[i], -1),
            adopted=bool(self.adopted[i]),
            adoption_day=maybe(self.adoption_day[i], -1),
            need_day=maybe(self.need_day[i], NEVER),
            purchases=int(self.purchases[i]),
            identified=bool(self.identified[i]),
            region=maybe(self.region[i], -1),
            store=maybe(self.store[i], -1),
        )


def lognormal(mean: float, sd: float, n: int, rng: np.random.Generator) -> np.ndarray:
    """Log-normal draws with the given mean and sd (all equal to the mean when sd or mean is 0)."""
    if mean <= 0 or sd <= 0:
        return np.full(n, mean)
    sigma2 = 2.0 * math.log(math.hypot(1.0, sd / mean))  # log(1 + (sd/mean)²), no overflow
    return rng.lognormal(np.log(mean) - sigma2 / 2, np.sqrt(sigma2), size=n)


def initial_need_days(params: Scenario, n: int, rng: np.random.Generator) -> np.ndarray:
    """Day each consumer first enters the market.

    one_time: everyone has a latent need from day 0 (only awareness gates purchase, as in Bass).
    durable: the product in use has a uniformly distributed residual life: U{1..lifetime_days}.
    consumable: memoryless, Geometric(1 / repeat_interval_days).
    """
    product = params.product
    if product.kind == "one_time":
        return np.zeros(n, dtype=np.int32)
    if product.kind == "durable":
        return rng.integers(1, product.lifetime_days + 1, size=n).astype(np.int32)
    return rng.geometric(1.0 / product.repeat_interval_days, size=n).astype(np.int32)


def next_need_days(params: Scenario, day: int, count: int, rng: np.random.Generator) -> np.ndarray:
    """Day the next need arises after a purchase made on ``day``.

    one_time: never. durable: day + Gamma(shape 4, mean lifetime_days), at least one day.
    consumable: day + Geometric(1 / repeat_interval_days).
    """
    product = params.product
    if product.kind == "one_time":
        return np.full(count, NEVER, dtype=np.int32)
    if product.kind == "durable":
        life = rng.gamma(4.0, product.lifetime_days / 4.0, size=count)
        return (day + np.maximum(1, np.rint(life))).astype(np.int32)
    return (day + rng.geometric(1.0 / product.repeat_interval_days, size=count)).astype(np.int32)


def reinforce_habits(
    habit: np.ndarray, buyers: np.ndarray, channel: np.ndarray, rate: float
) -> None:
    """Move buyers' habits toward the channel used: ``h ← (1 − λ)·h + λ·e_c``.

    λ is ``habit_learning_rate``; ``e_c`` the unit vector of the channel bought from.
    """
    if len(buyers) == 0 or rate == 0.0:
        return
    h = habit[buyers] * (1.0 - rate)
    h[np.arange(len(buyers)), channel] += rate
    habit[buyers] = h


def raise_attitude(attitude: np.ndarray, buyers: np.ndarray, gain: float) -> None:
    """A satisfied purchase moves attitude toward +1: a ← a + g·(1 − a).

    Applied to both the attitude and its baseline (a lasting experience).
    """
    if len(buyers):
        attitude[buyers] += gain * (1.0 - attitude[buyers])

"""A comparison of markets with several brands, as a consultant reads it: the report says
which brands there are and how they differ, lists each brand's KPIs with paired differences,
and draws the market share by brand with a figure that passes the figure checker."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

from sim.cli import main

REPO = Path(__file__).resolve().parents[2]
CASES = REPO / "scenarios" / "cases"


def test_a_comparison_of_brands_reads_as_one(
    tmp_path: Path, figure_inspector: dict[str, list[str]]
) -> None:
    out = tmp_path / "cmp"
    args = [
        "compare",
        str(CASES / "competitor_stays_out.yaml"),
        str(CASES / "competitor_follows.yaml"),
        "--replications",
        "2",
        "--set",
        "market.consumers=3000",
        "--days",
        "60",
        "--out",
        str(out),
        "--no-progress",
    ]
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert main(args) == 0
    text = (out / "report" / "report.md").read_text(encoding="utf-8")
    assert "- **Brands:** leader (this scenario's own" in text
    assert "follower (as leader; its own events: B2C2C (micro-stores) closed from day 1" in text
    assert "| `brands.follower.follow.delay_days` | – | 60 |" in text
    for kpi in ("market share of units, follower", "units sold, all channels, leader"):
        assert f"| {kpi} |" in text
    differences = text[text.index("## Differences from competitor_stays_out") :]
    assert "| market share of units, follower |" in differences
    assert "compare_market_share_by_brand.png" in figure_inspector
    assert figure_inspector["compare_market_share_by_brand.png"] == []

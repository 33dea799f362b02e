"""Shared test settings: graph caches go to a temporary folder, never the user's home."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True, scope="session")
def _graph_cache_in_tmp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    previous = os.environ.get("CHANSIM_CACHE")
    os.environ["CHANSIM_CACHE"] = str(tmp_path_factory.mktemp("graph-cache"))
    yield
    if previous is None:
        os.environ.pop("CHANSIM_CACHE", None)
    else:
        os.environ["CHANSIM_CACHE"] = previous

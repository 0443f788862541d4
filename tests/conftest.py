"""Fixtures shared across the suite: paths to the project's samples and a real headless Chromium."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
HARD_SAMPLES = ROOT / "bench" / "hard"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# Every test is in exactly one tier, so `pytest -m unit` (make test-unit) is the quick subset: unit runs no
# Tesseract and no browser, integration starts Tesseract or runs flows, browser drives headless Chromium.
TIERS = ("unit", "integration", "browser")
_WRONG_TIERS = pytest.StashKey[set[str]]()


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects anything
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A test without exactly one tier is put in every tier and then fails, so that no selection leaves it out
    # unnoticed (an error raised here would reach the user as an xdist internal error instead).
    for item in items:
        found = {mark.name for mark in item.iter_markers()} & set(TIERS)
        if len(found) != 1:
            item.stash[_WRONG_TIERS] = found
            for tier in TIERS:
                item.add_marker(tier)


def pytest_runtest_setup(item: pytest.Item) -> None:
    if _WRONG_TIERS in item.stash:
        found = ", ".join(sorted(item.stash[_WRONG_TIERS])) or "none"
        pytest.fail(f"a test needs exactly one tier marker of {', '.join(TIERS)} (it has: {found})", pytrace=False)


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    return SAMPLES


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """A real headless Chromium driven by Playwright (Debian's chromium, not Playwright's download)."""
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.fail("chromium is not installed: run scripts/install-system.sh --dev")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()

"""End to end: the API and ``streamlit run streamlit_app/app.py`` on loopback, driven by
headless Debian Chromium through every page, as a person would use it. Screenshots go to
``.ci/artifacts/screenshots/<page>.png`` for CI to keep.

The browser steps are `screenshots`' own (the README's pictures come from the same clicks).
One API and one Streamlit process serve the whole module, on SQLite only: the pages' data
on both backends is covered by the AppTest suites; here the subject is the browser.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import screenshots
from playwright.sync_api import Browser, Page, expect

from server.db.engine import create_db_engine
from server.ingest.service import run_ingest
from tests.conftest import ROOT, SMALL_DATA, make_settings
from tests.server.live import live_server

ARTIFACTS = ROOT / ".ci" / "artifacts" / "screenshots"


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The dashboard's URL, beside an API over the small fixture."""
    directory = tmp_path_factory.mktemp("e2e")
    url = f"sqlite:///{directory / 'small.db'}"
    engine = create_db_engine(url)
    run_ingest(engine, SMALL_DATA)
    engine.dispose()
    settings = make_settings(url, recommender_model_dir=directory / "models")
    with live_server(settings) as api, screenshots.running_dashboard(api) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with screenshots.chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    opened = screenshots.new_page(browser)
    opened.set_default_timeout(60_000)
    yield opened
    opened.close()


def save(page: Page, name: str) -> Path:
    path = ARTIFACTS / f"{name}.png"
    screenshots.full_page_screenshot(page, path)
    assert path.stat().st_size > 10_000
    return path


def test_overview_shows_the_headline_figures(dashboard: str, page: Page) -> None:
    screenshots.open_overview(page, dashboard)
    users = page.locator('[data-testid="stMetric"]').filter(has_text="Users")
    expect(users.locator('[data-testid="stMetricValue"]')).to_have_text("5")
    expect(page.get_by_text("Gini of plays over artists")).to_be_visible()
    expect(page.locator('[data-testid="stSidebarNav"]')).to_contain_text("Social graph")
    save(page, "overview")


def test_entering_a_user_id_shows_recommendation_cards(dashboard: str, page: Page) -> None:
    count = screenshots.open_recommendations(page, dashboard, 3)
    assert 1 <= count <= 12
    first_card = page.locator('[class*="st-key-rec-card-"]').first
    expect(first_card.locator("li").first).not_to_be_empty()
    expect(page.get_by_role("heading", name="User 3", exact=True)).to_be_visible()
    assert "user=3" in page.url
    save(page, "recommendations")


def test_the_tag_search_lists_matching_artists(dashboard: str, page: Page) -> None:
    screenshots.open_tags(page, dashboard, ["rock", "indie"])
    expect(page.get_by_text("1 artist matches")).to_be_visible()
    save(page, "tags")


def test_the_ego_network_is_drawn_with_its_nodes(dashboard: str, page: Page) -> None:
    nodes = screenshots.open_social(page, dashboard, 2)
    assert nodes == 3  # user 2 and friends 3 and 4
    expect(page.get_by_text("Spearman's ρ = 0.775")).to_be_visible()
    save(page, "social")


def test_an_unknown_user_id_is_a_message_in_the_browser(dashboard: str, page: Page) -> None:
    page.goto(f"{dashboard}/recommendations")
    page.get_by_role("heading", name="Recommendations").wait_for()
    screenshots.wait_until_idle(page)
    screenshots.choose_user(page, "user", 999)
    expect(page.get_by_text("There is no user with ID 999")).to_be_visible()
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)

"""Drive the dashboard in headless Chromium: the README's screenshots, and the browser half
of the end-to-end tests (tests/dashboard/test_e2e.py), which reuse these functions so the
pictures in the README come from the same clicks the tests check.

Regenerate the screenshots against an API over the full dataset::

    soundstream up &                      # or: soundstream serve, with a trained model
    .venv/bin/python streamlit_app/screenshots.py --api-url http://127.0.0.1:8000

Needs Playwright's Python package and a Chromium (Debian's ``/usr/bin/chromium`` by
default: the package's own browser download is never used).
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from playwright.sync_api import Browser, Page, ViewportSize, expect, sync_playwright

APP = Path(__file__).resolve().parent / "app.py"
ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
VIEWPORT: ViewportSize = {"width": 1440, "height": 900}
TIMEOUT_MS = 120_000  # the first social summary on the full data takes seconds under load
PAGES = ("overview", "recommendations", "tags", "social")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_dashboard(api_url: str, *, port: int | None = None) -> Iterator[str]:
    """``streamlit run app.py`` on loopback, pointed at ``api_url``; yields its URL once it
    answers its health check, and stops it on exit."""
    port = port or free_port()
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        "--server.address=127.0.0.1",
        f"--server.port={port}",
        "--server.headless=true",
        "--server.fileWatcherType=none",
        "--browser.gatherUsageStats=false",
        "--client.toolbarMode=viewer",
    ]
    env = {**os.environ, "SOUNDSTREAM_URL": api_url}
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                stderr = process.stderr.read().decode() if process.stderr else ""
                raise RuntimeError(f"streamlit exited with {process.returncode}: {stderr}")
            try:
                if httpx.get(f"{base}/_stcore/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"streamlit did not answer at {base} within 60 s")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def chromium(executable: str = CHROMIUM) -> Iterator[Browser]:
    """Headless Chromium; ``--no-sandbox`` because CI runs as root."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=["--no-sandbox"]
        )
        try:
            yield browser
        finally:
            browser.close()


def new_page(browser: Browser) -> Page:
    page = browser.new_page(viewport=VIEWPORT, device_scale_factor=1)
    page.set_default_timeout(TIMEOUT_MS)
    return page


def wait_until_idle(page: Page) -> None:
    """Until the current script run is over and every element is fresh: Streamlit marks
    the app ``data-test-script-state="running"`` during a run and leaves the previous run's
    elements on screen, marked ``data-stale``, until the new run replaces them."""
    page.wait_for_function(
        "() => document.querySelector('[data-testid=\"stApp\"]')"
        "?.getAttribute('data-test-script-state') === 'notRunning'"
        " && !document.querySelector('[data-stale=\"true\"]')"
        " && document.querySelector('[data-testid=\"stMain\"] h1')"
    )


# Counts finished script runs: a MutationObserver on the app's run state, counting each
# change away from "running" (recorded with its old value, so a run too short to be seen
# in the DOM between two checks is still counted).
_COUNT_RUNS = """() => {
  if (!window.__soundstreamRuns) {
    window.__soundstreamRuns = {count: 0};
    const app = document.querySelector('[data-testid="stApp"]');
    new MutationObserver(records => {
      window.__soundstreamRuns.count += records.filter(r => r.oldValue === 'running').length;
    }).observe(app, {attributes: true, attributeOldValue: true,
                     attributeFilter: ['data-test-script-state']});
  }
  return window.__soundstreamRuns.count;
}"""


def rerun_after(page: Page, action: Callable[[], None]) -> None:
    """Do ``action`` (a widget interaction) and wait for the script run it triggers to
    finish: waiting only for "not running" could pass before the run even starts."""
    before = int(page.evaluate(_COUNT_RUNS))
    action()
    page.wait_for_function(f"() => window.__soundstreamRuns.count > {before}")
    wait_until_idle(page)


def wait_for_plots(page: Page, count: int) -> None:
    """Until ``count`` Plotly charts have drawn."""
    page.wait_for_function(
        f"() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= {2 * count}"
    )


def choose_user(page: Page, key: str, user_id: int) -> None:
    """Type a user id into a user picker (a selectbox that accepts typed ids) and press
    Enter, as a person would."""
    box = page.locator(f".st-key-{key} input")
    if box.input_value() == str(user_id):
        return  # already chosen: nothing would rerun

    def enter() -> None:
        box.click()
        box.fill(str(user_id))
        # Enter picks the highlighted option: wait until the list offers the typed id (a
        # listed user, or the new option a typed id makes), or a slow browser sees Enter
        # on a list that has not caught up with the typing and nothing is chosen.
        page.get_by_role("option").filter(has_text=str(user_id)).first.wait_for()
        page.keyboard.press("Enter")

    rerun_after(page, enter)
    expect(box).to_have_value(str(user_id))


def choose_options(page: Page, key: str, values: list[str]) -> None:
    """Pick values in a multiselect by typing each and clicking its option, waiting for
    the rerun each choice triggers."""
    box = page.locator(f".st-key-{key} input")
    for value in values:
        box.click()
        box.fill(value)
        option = page.get_by_role("option", name=value, exact=True).first
        rerun_after(page, option.click)
        expect(page.locator(f".st-key-{key}")).to_contain_text(value)
    page.keyboard.press("Escape")


def open_overview(page: Page, base: str) -> None:
    page.goto(f"{base}/")
    page.get_by_role("heading", name="Overview").wait_for()
    page.locator('[data-testid="stMetric"]').nth(11).wait_for()
    wait_for_plots(page, 5)
    wait_until_idle(page)


def open_recommendations(page: Page, base: str, user_id: int) -> int:
    """Enter ``user_id`` and wait for the recommendation cards; returns how many."""
    page.goto(f"{base}/recommendations")
    page.get_by_role("heading", name="Recommendations").wait_for()
    wait_until_idle(page)
    choose_user(page, "user", user_id)
    page.get_by_role("heading", name=f"Suggested for user {user_id}").wait_for()
    cards = page.locator('[class*="st-key-rec-card-"]')
    cards.first.wait_for()
    wait_for_plots(page, 1)
    page.locator('[data-testid="stDataFrame"]').first.wait_for()
    wait_until_idle(page)
    return cards.count()


def open_tags(page: Page, base: str, search: list[str]) -> None:
    page.goto(f"{base}/tags")
    page.get_by_role("heading", name="Tags").first.wait_for()
    page.locator('[data-testid="stImage"] img').first.wait_for()
    wait_for_plots(page, 1)
    wait_until_idle(page)
    choose_options(page, "search_tags", search)
    page.locator('[data-testid="stDataFrame"]').first.wait_for()
    wait_until_idle(page)


def ego_node_count(page: Page) -> int:
    """The nodes vis.js holds in the ego-network iframe, once it has drawn them."""
    frame = page.frame_locator('[data-testid="stIFrame"]')
    frame.locator("#mynetwork canvas").wait_for()
    handle = page.locator('[data-testid="stIFrame"]').element_handle()
    content = handle.content_frame() if handle else None
    if content is None:
        raise RuntimeError("the ego network iframe has no document")
    content.wait_for_function("() => typeof network !== 'undefined' && network !== null")
    return int(content.evaluate("() => network.body.data.nodes.length"))


def open_social(
    page: Page, base: str, user_id: int, *, radius: int = 1, settle: bool = False
) -> int:
    """Enter ``user_id`` (and pick ``radius``), wait for the ego network and the charts;
    returns the number of nodes drawn. ``settle`` waits (at most 3 s) for vis.js to finish
    laying the graph out, for a picture rather than a check."""
    page.goto(f"{base}/social")
    page.get_by_role("heading", name="Social graph").wait_for()
    wait_until_idle(page)
    choose_user(page, "ego_user", user_id)
    if radius == 2:
        rerun_after(
            page, page.locator(".st-key-ego_radius").get_by_text("friends of friends").click
        )
    nodes = ego_node_count(page)
    wait_for_plots(page, 2)
    wait_until_idle(page)
    # vis.js keeps laying the graph out for a moment after the first draw.
    frame = page.locator('[data-testid="stIFrame"]').element_handle()
    content = frame.content_frame() if frame else None
    if settle and content is not None:
        # Either the layout settles, or 3 s pass: a picture, not a test, waits on this.
        content.evaluate(
            "() => new Promise(done => { network.once('stabilized', () => done(true));"
            " setTimeout(() => done(true), 3000); })"
        )
    return nodes


def full_page_screenshot(page: Page, path: Path) -> None:
    """The whole page, not just the viewport: Streamlit scrolls inside its main element,
    so the viewport is grown to that element's height first."""
    height = page.evaluate(
        "() => Math.max(...['[data-testid=\"stMain\"]', '[data-testid=\"stMainBlockContainer\"]']"
        ".map(s => document.querySelector(s)).filter(Boolean).map(e => e.scrollHeight))"
    )
    page.set_viewport_size({"width": VIEWPORT["width"], "height": int(height) + 40})
    wait_until_idle(page)
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(VIEWPORT)


def capture_all(
    base: str, out: Path, *, user_id: int, search: list[str], executable: str = CHROMIUM
) -> dict[str, Path]:
    """One screenshot per page into ``out``; returns the paths by page name."""
    paths = {name: out / f"{name}.png" for name in PAGES}
    with chromium(executable) as browser:
        page = new_page(browser)
        open_overview(page, base)
        full_page_screenshot(page, paths["overview"])
        open_recommendations(page, base, user_id)
        full_page_screenshot(page, paths["recommendations"])
        open_tags(page, base, search)
        full_page_screenshot(page, paths["tags"])
        open_social(page, base, user_id, radius=2, settle=True)
        full_page_screenshot(page, paths["social"])
    return paths


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--api-url",
        default=os.environ.get("SOUNDSTREAM_URL", "http://127.0.0.1:8000"),
        help="a running SoundStream API (default: SOUNDSTREAM_URL)",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--user", type=int, default=2, help="the user shown (default 2)")
    parser.add_argument("--search", default="indie,female vocalists", help="tags searched")
    parser.add_argument("--chromium", default=CHROMIUM)
    args = parser.parse_args(argv)
    with running_dashboard(args.api_url) as base:
        paths = capture_all(
            base,
            args.out,
            user_id=args.user,
            search=[t.strip() for t in args.search.split(",") if t.strip()],
            executable=args.chromium,
        )
    for name, path in paths.items():
        print(f"{name}: {path}")


if __name__ == "__main__":
    main()

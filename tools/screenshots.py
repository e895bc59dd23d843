"""Take the README's screenshots from a running demo (`make demo` in another terminal).

    .venv/bin/python tools/screenshots.py [--base http://127.0.0.1:8000] NAME=USER:PATH ...

Each NAME=USER:PATH signs in as USER (a demo user, password fupin-demo-2024) and saves
docs/screenshots/NAME.png of PATH. Debian's Chromium, never a downloaded browser.
"""

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
PASSWORD = "fupin-demo-2024"
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("shots", nargs="+", metavar="NAME=USER:PATH")
    args = parser.parse_args()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        pages = {}
        for shot in args.shots:
            name, rest = shot.split("=", 1)
            user, path = rest.split(":", 1)
            if user not in pages:
                page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 800})
                page.goto(f"{args.base}/accounts/login/")
                page.fill("input[name=username]", user)
                page.fill("input[name=password]", PASSWORD)
                page.click("button[type=submit]")
                pages[user] = page
            page = pages[user]
            page.goto(f"{args.base}{path}")
            # ECharts grows its bars and lines for about a second after the page loads.
            page.wait_for_timeout(1500)
            page.screenshot(path=str(OUT / f"{name}.png"), full_page=False)
            print(OUT / f"{name}.png")
        browser.close()


if __name__ == "__main__":
    main()

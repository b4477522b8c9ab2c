"""Headless Chromium (Debian's `chromium` package, installed by `make screenshots`) taking the
screenshots the README shows, of pages served from files or from a local Dagster UI."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# The flags a closed network needs: no background fetches, no sync, no first-run page.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def screenshot(url: str, png: Path, width: int = 1400, height: int = 1600) -> Path:
    """A PNG of the page at `url`, as a person with a window of that size sees it."""
    browser = chromium()
    if browser is None:
        raise RuntimeError("no chromium: `make screenshots` installs Debian's package")
    png.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="jixiao-chromium-") as profile:
        subprocess.run(
            [
                browser,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={profile}",
                f"--window-size={width},{height}",
                "--virtual-time-budget=5000",
                f"--screenshot={png}",
                url,
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
    return png


def rendered_dom(url: str) -> str:
    """The page's DOM after Chromium loaded it (scripts, if any, run)."""
    browser = chromium()
    if browser is None:
        raise RuntimeError("no chromium: `make chromium` installs Debian's package")
    with tempfile.TemporaryDirectory(prefix="jixiao-chromium-") as profile:
        done = subprocess.run(
            [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom", url],
            check=True,
            capture_output=True,
            timeout=120,
        )
    return done.stdout.decode("utf-8")


def main(argv: list[str]) -> int:
    """`python -m tests.browser URL PNG [WIDTH HEIGHT]`."""
    url, png, *size = argv
    dimensions = [int(v) for v in size] or [1400, 1600]
    print(screenshot(url, Path(png), *dimensions))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

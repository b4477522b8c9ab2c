"""Headless Chromium (Debian's `chromium` package, installed by `make screenshots`) taking the
screenshots the README shows, of pages served from files or from a local Dagster UI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
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


def screenshot(url: str, png: Path, width: int = 1600, height: int = 1000) -> Path:
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


@contextmanager
def dagster_ui(home: Path, port: int = 3333) -> Iterator[str]:
    """Dagster's webserver on loopback over jixiao's instance, for as long as the block runs."""
    command = [
        str(Path(sys.executable).with_name("dagster-webserver")),
        *("-m", "pipelines.definitions", "-h", "127.0.0.1", "-p", str(port)),
    ]
    environment = {**os.environ, "DAGSTER_HOME": str(home)}
    server = subprocess.Popen(
        command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"{url}/server_info", timeout=2):
                    break
            except OSError:
                time.sleep(1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def readme_pictures(data_dir: Path, images: Path) -> list[Path]:
    """The README's screenshots, from the data folder of a `make run`: the review report and
    its index, the Data Docs index, and in Dagster's UI the lineage and the review's checks."""
    report = data_dir / "reports" / "target_review"
    taken = [
        screenshot(
            (report / "117001_2024.html").as_uri(), images / "target_review.png", 1400, 1700
        ),
        screenshot((report / "index.html").as_uri(), images / "target_review_index.png", 1400, 700),
        screenshot(
            (data_dir / "gx_docs" / "index.html").as_uri(), images / "data_docs.png", 1400, 500
        ),
    ]
    with dagster_ui(data_dir / "dagster") as ui:
        lineage = (
            f"{ui}/assets/target_review_report?view=lineage&lineageScope=upstream&lineageDepth=5"
        )
        taken += [
            screenshot(lineage, images / "dagster_lineage.png", 1800, 1000),
            screenshot(f"{ui}/assets/mart_target_review?view=checks", images / "dagster_check.png"),
        ]
    return taken


def main(argv: list[str]) -> int:
    """`python -m tests.browser readme DATA_DIR IMAGES` (the README's pictures), or
    `python -m tests.browser URL PNG [WIDTH HEIGHT]` (one page)."""
    if argv[0] == "readme":
        for path in readme_pictures(Path(argv[1]).resolve(), Path(argv[2]).resolve()):
            print(path)
        return 0
    url, png, *size = argv
    dimensions = [int(v) for v in size] or [1400, 1600]
    print(screenshot(url, Path(png), *dimensions))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

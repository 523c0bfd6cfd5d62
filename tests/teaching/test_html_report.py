"""The HTML run report: self-contained, and rendered by a real browser (headless Chromium)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from market.cli.main import main
from market.teaching import render_report
from tests.teaching.journals import with_faults

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
#: The DIP arrows' purple, which only a drawn diagram puts on screen.
DIP_PURPLE = (0x6A, 0x1B, 0x9A)


def test_report_is_one_offline_file_with_every_section() -> None:
    """No script, stylesheet link, image or remote URL; summary, verdict, journeys and plots."""
    html = render_report(with_faults(), title="Faulty run")
    assert "<script" not in html and "<link" not in html and "<img" not in html
    assert re.findall(r"https?://[^\"' ]+", html) == ["http://www.w3.org/2000/svg"] * 3
    for section in ("summary", "verdict", "journeys", "statistics", "plots"):
        assert f'<section id="{section}"' in html
    assert 'Conformance verdict: <span class="failed">FAILED</span>' in html
    assert "dropped" in html and "duplicated" in html
    assert render_report(with_faults(), title="Faulty run") == html


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        message = "chromium is not installed: apt-get install -y chromium (.ci/run installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


def _browse(
    chromium: str, page: Path, tmp_path: Path, *options: str
) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / f"profile-{len(list(tmp_path.iterdir()))}"
    return subprocess.run(
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *options, page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.slow
def test_report_renders_in_headless_chromium(tmp_path: Path) -> None:
    """Chromium shows the report: lanes and arrows are in its DOM; the screenshot is not blank."""
    chromium = _chromium()
    report = tmp_path / "report.html"
    assert main(["run", "--mpans", "2", "--quiet", "--html", str(report)]) == 0
    dom = _browse(chromium, report, tmp_path, "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert dom.stdout.count('class="lane"') >= 2 * 8
    assert dom.stdout.count('class="arrow arrow-dtn') >= 20
    assert dom.stdout.count('class="arrow arrow-dip-publication') >= 2
    assert "Conformance verdict" in dom.stdout
    screenshot = tmp_path / "report.png"
    shot = _browse(
        chromium, report, tmp_path, f"--screenshot={screenshot}", "--window-size=1400,2400"
    )
    assert shot.returncode == 0 and screenshot.exists(), shot.stderr[-2000:]
    image = Image.open(screenshot).convert("RGB")
    colours = image.getcolors(maxcolors=image.width * image.height) or []
    white = sum(count for count, colour in colours if colour == (255, 255, 255))
    assert len(colours) > 50, "the screenshot is (almost) one colour"
    assert white < 0.97 * image.width * image.height
    purple = sum(
        count
        for count, colour in colours
        if all(abs(a - b) <= 24 for a, b in zip(colour, DIP_PURPLE, strict=True))
    )
    assert purple > 100, "no DIP arrow was drawn"

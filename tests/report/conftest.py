"""Render report pages in Debian's headless Chromium (never a downloaded browser)."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian chromium not installed (.ci/run installs it)"
)

_CONSOLE = re.compile(r":CONSOLE[^\]]*\] \"(.*)\", source:")


@dataclass
class Rendered:
    """What the browser saw: the DOM after scripts ran and what the page logged."""

    dom: str
    console: list[str]

    @property
    def errors(self) -> list[str]:
        return [m for m in self.console if "error" in m.lower() or "uncaught" in m.lower()]


def render(page: Path, tmp_path: Path, *args: str) -> Rendered:
    """Open ``page`` headless (no network), let scripts run, return the DOM and console."""
    assert CHROMIUM is not None
    done = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
            f"--user-data-dir={tmp_path / 'chromium-profile'}",
            "--virtual-time-budget=8000",
            *args,
            f"file://{page}",
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )
    return Rendered(dom=done.stdout, console=_CONSOLE.findall(done.stderr))

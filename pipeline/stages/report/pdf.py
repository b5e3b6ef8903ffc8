"""``qualpipe report --pdf``: the HTML report printed to PDF by headless Chromium.

Chromium is found as ``chromium``, ``chromium-browser``, ``google-chrome`` or
``google-chrome-stable`` on the PATH, or at ``QUALPIPE_CHROMIUM`` (Debian/Ubuntu:
``apt-get install -y chromium``). The print style sheet of the report keeps figures, tables rows,
quotes and key findings whole on a page, opens collapsed blocks, and starts each main part on a
new page. Nothing is loaded from the network: the report is self-contained.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from pipeline.errors import Problem, QualpipeError

NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium() -> str | None:
    given = os.environ.get("QUALPIPE_CHROMIUM")
    if given and Path(given).exists():
        return given
    return next((found for found in map(shutil.which, NAMES) if found), None)


def flags(chromium: str, profile: Path) -> list[str]:
    return [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-extensions", f"--user-data-dir={profile}"]


def html_to_pdf(html: Path, pdf: Path | None = None, timeout: int = 180) -> Path:
    """Print ``html`` to ``pdf`` (default: beside it, same name, ``.pdf``); returns the PDF's path."""
    chromium = find_chromium()
    if chromium is None:
        raise QualpipeError(Problem("report --pdf", "Chromium is not installed, so no PDF can be printed.",
                                    "Install it (Debian/Ubuntu: apt-get install -y chromium) or set "
                                    "QUALPIPE_CHROMIUM to its path; the HTML report is written anyway."))
    pdf = pdf or html.with_suffix(".pdf")
    tmp = pdf.with_suffix(".pdf.tmp")
    with tempfile.TemporaryDirectory(prefix="qualpipe-chromium-") as profile:
        done = subprocess.run(flags(chromium, Path(profile)) + [f"--print-to-pdf={tmp}", "--no-pdf-header-footer",
                                                                 html.resolve().as_uri()],
                              capture_output=True, text=True, timeout=timeout)
    if not tmp.exists() or tmp.stat().st_size == 0:
        raise QualpipeError(Problem(str(html), f"Chromium did not print a PDF (exit {done.returncode}: "
                                    f"{done.stderr.strip()[-300:]}).", "Open the HTML and print it from a browser."))
    tmp.replace(pdf)
    return pdf


__all__ = ["find_chromium", "flags", "html_to_pdf"]

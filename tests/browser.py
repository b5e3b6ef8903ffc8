"""Helpers to look at a rendered report in headless Chromium: layout checks run by a script in
a copy of the page (read back with --dump-dom), screenshots. Used by tests/test_report_browser.py."""
from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from pipeline.stages.report.pdf import find_chromium, flags

CHECK = """<script>
window.addEventListener('load', function () {
  var W = document.documentElement.clientWidth, H = window.innerHeight, out = {width: W, overflow: [], figures: []};
  document.querySelectorAll('body *').forEach(function (el) {
    var r = el.getBoundingClientRect();
    if (!r.width || !r.height) return;
    var p = el.parentElement, inScroll = false;
    while (p) { var o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll') { inScroll = true; break; } p = p.parentElement; }
    if (!inScroll && (r.right > W + 1 || r.left < -1) && el.className !== 'skip')
      out.overflow.push(el.tagName + '.' + el.className + ' ' + Math.round(r.left) + '-' + Math.round(r.right));
  });
  document.querySelectorAll('img').forEach(function (img) {
    var fig = img.closest('figure');
    out.figures.push({alt: (img.getAttribute('alt') || '').length, caption: !!(fig && fig.querySelector('figcaption'))});
  });
  function top(sel) { var e = document.querySelector(sel); return e ? e.getBoundingClientRect().bottom : 1e9; }
  out.first_screen = {height: H, title: top('h1'), heading: top('#key-findings'),
                      finding: top('ol.key-findings > li p.statement'),
                      suggestions: top('ol.key-findings > li[data-kind="suggestions"] p.statement')};
  out.scroll_width = document.documentElement.scrollWidth;
  var doc = (window.parent && window.parent !== window) ? window.parent.document : document;
  var pre = doc.createElement('pre'); pre.id = 'qualpipe-check'; pre.textContent = JSON.stringify(out);
  doc.body.appendChild(pre);
});
</script>"""


def chromium() -> str | None:
    return find_chromium()


def framed(html: str, width: int, height: int, script: str = "") -> str:
    """A page holding ``html`` in an iframe of exactly ``width`` x ``height`` CSS pixels (headless
    Chromium does not make windows narrower than about 500 px; an iframe gives the report a true
    phone-sized viewport, media queries included)."""
    import html as html_lib

    inner = html_lib.escape(html.replace("</body>", script + "</body>"), quote=True)
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><style>body{{margin:0}}iframe{{border:0;display:block}}'
            f'</style></head><body><iframe width="{width}" height="{height}" srcdoc="{inner}"></iframe></body></html>')


def layout(html: str, width: int, height: int, tmp: Path) -> dict:
    """Open ``html`` at ``width`` x ``height`` and return the check's findings (see CHECK)."""
    page = tmp / f"check-{width}.html"
    page.write_text(framed(html, width, height, CHECK), encoding="utf-8")
    done = subprocess.run(flags(chromium(), tmp / f"profile-{width}") +
                          [f"--window-size={max(width, 800)},{height}", "--virtual-time-budget=5000", "--dump-dom",
                           page.as_uri()], capture_output=True, text=True, timeout=180)
    found = re.search(r'<pre id="qualpipe-check">(.*?)</pre>', done.stdout, re.S)
    assert found, f"the check did not run: {done.stderr[-500:]}"
    return json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">"))


#: the printable width of an A4 page with Chromium's default margins (about 1 cm), in CSS pixels
PRINT_WIDTH = 717


def as_printed(html: str) -> str:
    """``html`` as Chromium prints it, for the screen: the print style sheet applied, every
    collapsed block open (so a layout check at ``PRINT_WIDTH`` sees what the PDF's pages hold)."""
    html = html.replace("@media print {", "@media all {")
    # paper does not scroll: what a scrolling box would hide is cut off, so let the check see it
    html = html.replace("</style>", "* { overflow: visible !important; }\n</style>", 1)
    return re.sub(r"<details(?![^>]*\bopen\b)", "<details open", html)


def screenshot(html: str, png: Path, width: int, height: int, tmp: Path) -> Path:
    """A PNG of the first ``width`` x ``height`` pixels of the page (its first screen)."""
    page = tmp / f"shot-{width}.html"
    page.write_text(framed(html, width, height), encoding="utf-8")
    raw = tmp / f"raw-{width}.png"
    subprocess.run(flags(chromium(), tmp / f"profile-shot-{width}") +
                   [f"--screenshot={raw}", f"--window-size={max(width, 800)},{height}", "--hide-scrollbars",
                    "--virtual-time-budget=3000", page.as_uri()], capture_output=True, timeout=180)
    from PIL import Image

    with Image.open(raw) as image:
        image.crop((0, 0, width, height)).save(png, optimize=True)
    return png


def first_screens(folder: Path, dest: Path, tmp: Path) -> list[Path]:
    """``first_screen_<lang>_<width>.png`` in ``dest`` for each report (``index*.html``) in
    ``folder``: its first screen at 1280 x 800 and on a 390 x 844 phone."""
    out = []
    for page in sorted(folder.glob("index*.html")):
        html = page.read_text(encoding="utf-8")
        language = re.search(r'<html lang="([a-z]+)"', html).group(1)
        for width, height in ((1280, 800), (390, 844)):
            out.append(screenshot(html, dest / f"first_screen_{language}_{width}.png", width, height, tmp))
    return out


if __name__ == "__main__":  # python tests/browser.py reports/mentoring_to_work_sample reports
    import sys
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        for path in first_screens(Path(sys.argv[1]), Path(sys.argv[2] if len(sys.argv) > 2 else "reports"),
                                  Path(scratch)):
            print(path)

"""Render boilerplate's HTML outputs in headless Chromium and check the screenshots are not blank.

    python examples/render_check.py                      # a demo report and a classified sample page
    python examples/render_check.py report.html doc.html --out shots/

For every HTML file it writes ``NAME.png`` (a screenshot at 1200 px wide) and checks that the
page drew something: enough non-white pixels, and, for a report, the calibration plot's bar
colour (so the embedded base64 PNG really decoded), for a document, the label colours.
Needs the Debian package ``chromium`` (``apt-get install -y chromium``); exits 2 without it.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# What a rendered page must show: RGB colours and the pixel counts expected of each.
REPORT_COLOURS = {"calibration bars": ((156, 195, 230), 500)}
DOCUMENT_COLOURS = {"body": ((220, 242, 214), 500), "ticker": ((233, 221, 247), 200)}


def find_chromium() -> str | None:
    """The path of a Chromium/Chrome binary, or None."""
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def screenshot(html_path: Path, png_path: Path, width: int = 1200, height: int = 2400,
               chromium: str | None = None, timeout: float = 90) -> Path:
    """Screenshot ``html_path`` (a local file) into ``png_path`` with headless Chromium."""
    chromium = chromium or find_chromium()
    if chromium is None:
        raise RuntimeError("no chromium binary found (apt-get install -y chromium)")
    with tempfile.TemporaryDirectory() as profile:
        cmd = [
            chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--hide-scrollbars", f"--user-data-dir={profile}", f"--window-size={width},{height}",
            f"--screenshot={png_path}", html_path.resolve().as_uri(),
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if not png_path.exists():
        raise RuntimeError(f"chromium wrote no screenshot (exit {proc.returncode}): {proc.stderr[-500:]}")
    return png_path


def check_png(png_path: Path, colours: dict[str, tuple[tuple[int, int, int], int]]) -> dict[str, int]:
    """Pixel counts of the page: non-white, and near each expected colour. Raises if one is too low."""
    from PIL import Image

    img = np.asarray(Image.open(png_path).convert("RGB"), dtype=np.int16)
    found = {"non-white": int((img.min(axis=2) < 240).sum())}
    for name, (rgb, _) in colours.items():
        found[name] = int((np.abs(img - np.array(rgb)).max(axis=2) <= 6).sum())
    problems = [f"{name}: {found[name]} px < {need}" for name, (_, need) in colours.items() if found[name] < need]
    if found["non-white"] < 5000:
        problems.append(f"page looks blank ({found['non-white']} non-white px)")
    if problems:
        raise AssertionError(f"{png_path}: " + "; ".join(problems))
    return found


def demo_report(path: Path) -> Path:
    """A report from a small synthetic evaluation (no model needed)."""
    from boilerplate.document import LABELS
    from boilerplate.report import write_report

    rng = np.random.default_rng(0)
    n = 3000
    gold = rng.choice(LABELS, n, p=[0.5, 0.1, 0.05, 0.3, 0.05])
    logits = rng.normal(size=(n, len(LABELS)))
    logits[np.arange(n), [LABELS.index(g) for g in gold]] += 2.5
    proba = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    pages = [f"page-{i // 25}" for i in range(n)]
    langs = rng.choice(["en", "de", "fr"], n)
    texts = [f"Synthetic block {i} <with markup> & an ampersand" for i in range(n)]
    return write_report(path, gold, proba, pages, langs, texts, title="Render check (synthetic data)",
                        notes={"data": "synthetic"})


def demo_document(path: Path) -> Path:
    """The sample page (``lighthouse.txt``), classified by the default model, as a standalone HTML page."""
    import boilerplate
    from boilerplate.display import save_html

    text = (HERE / "lighthouse.txt").read_text(encoding="utf-8")
    return save_html(boilerplate.classify(text, id="lighthouse"), path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("html", nargs="*", type=Path, help="HTML files (default: a demo report and document)")
    parser.add_argument("--out", type=Path, default=None, help="folder for the screenshots (default: a temp dir)")
    args = parser.parse_args(argv)
    if find_chromium() is None:
        print("render_check: no chromium found (apt-get install -y chromium)", file=sys.stderr)
        return 2
    out = args.out or Path(tempfile.mkdtemp(prefix="render-check-"))
    out.mkdir(parents=True, exist_ok=True)
    jobs = []
    if args.html:
        for p in args.html:
            kind = REPORT_COLOURS if "calibration plot" in p.read_text(encoding="utf-8") else DOCUMENT_COLOURS
            jobs.append((p, kind))
    else:
        jobs.append((demo_report(out / "report.html"), REPORT_COLOURS))
        jobs.append((demo_document(out / "document.html"), {"body": DOCUMENT_COLOURS["body"]}))
    failed = 0
    for html_path, colours in jobs:
        png = screenshot(html_path, out / (html_path.stem + ".png"))
        try:
            found = check_png(png, colours)
            print(f"ok   {png}  {found}")
        except AssertionError as exc:
            failed += 1
            print(f"FAIL {exc}")
    return 1 if failed else 0


if __name__ == "__main__":
    os.environ.setdefault("MPLBACKEND", "Agg")
    sys.exit(main())

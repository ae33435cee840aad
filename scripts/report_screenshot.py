"""Render a report.html in headless Chromium: screenshot it, check each chart drew, count requests.

    .venv/bin/python scripts/report_screenshot.py [WAREHOUSE] [--png docs/report.png]

Chromium runs with every network route sent to a dead proxy and its net log on. The browser asks
for updates and accounts on its own, so it also loads an empty page the same way: the requests
counted are the report's URLs (scheme, host, path) that the empty page did not ask for.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

#: headless, every route sent to a dead proxy, and the browser's own background traffic (updates,
#: translation, sync, spelling dictionaries) off, so that what the net log holds is the page's
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--proxy-server=127.0.0.1:9",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-features=Translate,OptimizationHints,SpellCheck,SignInProfileCreation",
)


def chromium(args: list[str]) -> str:
    """Given Chromium arguments, run it headless; return what it printed on stdout."""
    binary = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if binary is None:
        raise SystemExit("no chromium on PATH (apt-get install chromium)")
    run = subprocess.run([binary, *FLAGS, *args], capture_output=True, text=True, timeout=120, check=False)
    return run.stdout


def requested_urls(net_log: Path) -> list[str]:
    """Given a Chromium net log, return every URL requested that is not a file:// or internal one."""
    text = net_log.read_text(encoding="utf-8", errors="replace") if net_log.exists() else ""
    urls = set(re.findall(r'"url":\s*"([^"]+)"', text))
    return sorted(u.split("?")[0] for u in urls if not u.startswith(("file:", "data:", "chrome:", "about:")))


def net_requests(url: str, tmp: Path, extra: list[str]) -> list[str]:
    """Given a page URL, a scratch folder and more Chromium arguments, return what loading it requested."""
    log = tmp / f"net{len(list(tmp.glob('net*')))}.json"
    chromium([f"--user-data-dir={tmp}/profile", f"--log-net-log={log}", *extra, url])
    return requested_urls(log)


def drawn_charts(dom: str) -> list[int]:
    """Given the rendered DOM, return the count of drawn elements (path, rect, use) of each chart's SVG."""
    charts = re.findall(r'<div class="chart">(.*?)</svg>', dom, flags=re.S)
    return [len(re.findall(r"<(?:path|rect|use)\b", svg)) for svg in charts]


def main() -> int:
    """Given the command line, render the report and print its figures; return the exit code."""
    parser = argparse.ArgumentParser()
    parser.add_argument("warehouse", nargs="?", default="warehouse")
    parser.add_argument("--png", default="docs/report.png")
    args = parser.parse_args()
    report = Path(args.warehouse, "report.html").resolve()
    url = report.as_uri()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        blank = tmp / "blank.html"
        blank.write_text("<!DOCTYPE html><title>blank</title>", encoding="utf-8")
        baseline = set(net_requests(blank.as_uri(), tmp, [f"--screenshot={tmp / 'blank.png'}"]))
        shot = [f"--screenshot={Path(args.png).resolve()}", "--window-size=1400,2400"]
        requests = [u for u in net_requests(url, tmp, shot) if u not in baseline]
        dom = chromium([f"--user-data-dir={tmp}/profile", "--dump-dom", url])
    drawn = drawn_charts(dom)
    print(
        json.dumps(
            {
                "report": str(report),
                "size_bytes": report.stat().st_size,
                "charts": len(drawn),
                "drawn_elements": drawn,
                "network_requests": len(requests),
                "urls": requests,
                "screenshot": args.png,
            },
            indent=1,
        )
    )
    ok = bool(drawn) and all(drawn) and not requests and Path(args.png).exists()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""Lighthouse scores of the pages people use most, at phone width (a bench, not a test).

    .venv/bin/python bench/lighthouse.py            # prints the table for the README
    .venv/bin/python bench/lighthouse.py --runs 5   # runs per page (default 3)
    .venv/bin/python bench/lighthouse.py --keep     # also keeps the JSON reports in /tmp

A temporary SQLite database gets the small demo world; a local gunicorn serves it (production
settings: no debug, no reloader); each account signs in through the real login form and its
session cookie is handed to Lighthouse (`npx lighthouse@12.2.3`, Chromium headless, mobile form
factor — 412 px wide with simulated slow 4G and a 4× slower CPU, Lighthouse's defaults). Each
page is measured several times and the run with the median performance score is shown: on a
shared 2-core machine one run's Total Blocking Time swings with whatever else is running. Every
audit that did not pass in that run is listed under the table.
"""

import argparse
import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv" / "bin"
LIGHTHOUSE = "lighthouse@12.2.3"
CHROME_FLAGS = "--no-sandbox --headless=new --disable-gpu"
PASSWORD = "demo12345"  # noqa: S105 - the documented password of every demo account

# (what, account, path): the path is followed through its redirects (the diary → this week)
PAGES = [
    ("Дневник студента", "student@shakirt.kz", "/diary"),
    ("Очередь наставника", "mentor@shakirt.kz", "/review"),
    ("Главная координатора", "coordinator@shakirt.kz", "/"),
    ("Аналитика координатора", "coordinator@shakirt.kz", "/dashboard/"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare_world(env: dict) -> None:
    subprocess.run([VENV / "flask", "--app", "wsgi", "db", "upgrade"], env=env, cwd=ROOT,
                   check=True, capture_output=True)
    subprocess.run([VENV / "flask", "--app", "wsgi", "demo-data"], env=env, cwd=ROOT,
                   check=True, capture_output=True)


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - our own http://127.0.0.1
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server did not answer at {url}")


def sign_in(base: str, email: str, path: str) -> tuple[str, str]:
    """Sign in through the form; return the Cookie header and the final URL of `path`."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("Accept-Language", "ru")]
    page = opener.open(f"{base}/login").read().decode()
    token = re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', page)
    data = urllib.parse.urlencode({"csrf_token": token.group(1), "email": email,
                                   "password": PASSWORD}).encode()
    opener.open(f"{base}/login", data)
    landed = opener.open(f"{base}{path}")
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    if "/login" in landed.geturl():
        raise SystemExit(f"{email} could not sign in")
    return cookie, landed.geturl()


def lighthouse(url: str, cookie: str, out: Path) -> dict:
    env = dict(os.environ, CHROME_PATH="/usr/bin/chromium")
    subprocess.run([
        "npx", "--yes", LIGHTHOUSE, url, "--quiet", "--output=json", f"--output-path={out}",
        "--only-categories=performance,accessibility", "--form-factor=mobile",
        f"--chrome-flags={CHROME_FLAGS}", "--extra-headers", json.dumps({"Cookie": cookie}),
    ], env=env, check=True)
    return json.loads(out.read_text())


def failing(report: dict) -> list[str]:
    """The audits of both categories that did not pass, with their titles."""
    found = []
    for category in ("performance", "accessibility"):
        for ref in report["categories"][category]["auditRefs"]:
            audit = report["audits"][ref["id"]]
            score = audit.get("score")
            if ref.get("weight", 0) and score is not None and score < 0.9:
                found.append(f"{category}: {ref['id']} ({audit['title']}) "
                             f"{audit.get('displayValue', '')}".rstrip())
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the JSON reports")
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="shakirt-lighthouse-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{work / 'bench.db'}",
               SECRET_KEY="lighthouse-bench",  # noqa: S106 - a throwaway server
               RATELIMIT_STORAGE_URI="memory://",
               LOGIN_RATE_LIMIT="1000 per minute")
    prepare_world(env)
    server = subprocess.Popen(
        [VENV / "gunicorn", "--no-control-socket", "-w", "2", "-b", f"127.0.0.1:{port}",
         "wsgi:app"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    rows, notes = [], []
    try:
        wait_for(f"{base}/login")
        for what, email, path in PAGES:
            cookie, url = sign_in(base, email, path)
            reports = [lighthouse(url, cookie, work / f"{len(rows)}-{run}.json")
                       for run in range(args.runs)]
            reports.sort(key=lambda r: r["categories"]["performance"]["score"])
            report = reports[len(reports) // 2]
            scores = {k: round(v["score"] * 100) for k, v in report["categories"].items()}
            metrics = report["audits"]
            spread = sorted(round(r["categories"]["performance"]["score"] * 100)
                            for r in reports)
            rows.append((what, urllib.parse.urlsplit(url).path,
                         f'{scores["performance"]} ({spread[0]}–{spread[-1]})',
                         scores["accessibility"],
                         metrics["first-contentful-paint"]["displayValue"],
                         metrics["largest-contentful-paint"]["displayValue"],
                         metrics["total-blocking-time"]["displayValue"],
                         metrics["cumulative-layout-shift"]["displayValue"]))
            notes += [f"{what}: {line}" for line in failing(report)]
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"median of {args.runs} runs (lowest–highest performance score in brackets)\n")
    print("| page | path | performance | accessibility | FCP | LCP | TBT | CLS |")
    print("|---|---|---|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(str(cell) for cell in row) + " |")
    print("\n" + ("\n".join(notes) if notes else "Every weighted audit passed."))
    if args.keep:
        print(f"\nreports: {work}")
    sys.exit(0)


if __name__ == "__main__":
    main()

"""Load the app under gunicorn with locust: the five roles signed in, and a "hello" floor.

Run on demand, on this machine only (loopback hosts; every run bounded by --run-time):

    .venv/bin/python bench/load.py --database postgresql://postgres@127.0.0.1/shakirt_load
    .venv/bin/python bench/load.py --database ... --profile burst --run-time 2m

For each profile it runs locust (bench/load_users.py) headless against the app and then the same
profile against a bare Flask "hello" served by the same gunicorn settings, and prints p50, p95
and p99 per page, the errors, the gunicorn workers' CPU per request and the ratio to the floor;
the CSVs and a summary.md go to --out.

Profiles: `think` — 500 signed-in users, 5–15 s between actions (spawned 10 a second); `burst`
— 50 users with no think time (all at once). The mix is about 70 % students (the diary week,
writing and sending a day, home), 18 % mentors (review queue, signing, home, progress), 6 %
coordinators (students, placements, progress, home), 5 % employers (outcomes, home), 1 % admins
(dashboard). Each user signs in through the login form with its own account, listed here from
the database (--database). Sign-in limits count wrong passwords only (app/auth/limits.py): the
bench signs in with the right one, so it cannot trip them, and it spreads sessions over distinct
accounts as real users are.

The app is started as the README runs it — `gunicorn -c gunicorn.conf.py wsgi:app`,
SHAKIRT_ENV=production, REDIS_URL for the shared limits — with METRICS_BIND=off, plain-HTTP
cookies (SECURE_COOKIES=0, there is no TLS on loopback) and no second factor for admins
(TWO_FACTOR_REQUIRED_ROLES empty), unless --host names a server already running.
"""

import argparse
import csv
import json
import multiprocessing
import os
import random
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

from load_rules import MIX, loopback_refusal  # noqa: E402

DEMO_PASSWORD = "demo12345"  # noqa: S105  # nosec B105  # the demo world's documented password

PROFILES = {
    # name: users, spawn rate per second, think time (min, max) in seconds
    "think": (500, 10, (5.0, 15.0)),
    "burst": (50, 50, (0.0, 0.0)),
}
USER_CLASSES = ["StudentUser", "MentorUser", "CoordinatorUser", "EmployerUser", "AdminUser"]


def list_accounts(database_url: str, users: int, seed: int = 14) -> dict[str, list[str]]:
    """E-mails for `users` users of the mix (an account each while there are enough), drawn
    at random (seeded) among the accounts that have something to do: students and mentors of
    active placements, employers of enterprises with one, every coordinator and admin."""
    from sqlalchemy import select

    from app import create_app
    from app.extensions import db
    from app.models import Placement, PlacementStatus, Role, User

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench",
                      "RATELIMIT_STORAGE_URI": "memory://"})
    active = select(Placement).where(Placement.status == PlacementStatus.ACTIVE)
    with app.app_context():
        queries = {
            "student": select(User.email).where(User.role == Role.STUDENT, User.active,
                                                User.id.in_(active.with_only_columns(
                                                    Placement.student_id))),
            "mentor": select(User.email).where(User.role == Role.MENTOR, User.active,
                                               User.id.in_(active.with_only_columns(
                                                   Placement.mentor_id))),
            "coordinator": select(User.email).where(User.role == Role.COORDINATOR, User.active),
            "employer": select(User.email).where(User.role == Role.EMPLOYER, User.active,
                                                 User.enterprise_id.in_(active.with_only_columns(
                                                     Placement.enterprise_id))),
            "admin": select(User.email).where(User.role == Role.ADMIN, User.active),
        }
        rng = random.Random(seed)
        accounts = {}
        for role, query in queries.items():
            emails = sorted(db.session.scalars(query))
            wanted = -(-users * MIX[role] // sum(MIX.values())) + 1
            accounts[role] = rng.sample(emails, min(wanted, len(emails)))
        db.engine.dispose()
    return accounts


@dataclass
class Server:
    name: str
    url: str
    process: subprocess.Popen | None

    def cpu_seconds(self) -> float:
        """CPU of the gunicorn master and its workers, the recycled ones included."""
        if self.process is None:
            return float("nan")
        tick = os.sysconf("SC_CLK_TCK")

        def fields(pid: int) -> list[str]:
            with open(f"/proc/{pid}/stat", encoding="ascii") as file:
                return file.read().rsplit(")", 1)[1].split()

        master = fields(self.process.pid)
        # utime, stime, cutime, cstime: fields 14–17 of stat (12–15 after the name)
        total = sum(int(v) for v in master[11:15])
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                child = fields(int(entry.name))
            except (FileNotFoundError, ProcessLookupError):
                continue  # gone since; a recycled worker's time is in the master's cutime
            if child[1] == str(self.process.pid):  # ppid
                total += sum(int(v) for v in child[11:13])
        return total / tick

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()


def start_gunicorn(name: str, app_spec: str, port: int, env: dict, out: Path,
                   chdir: Path | None = None) -> Server:
    command = [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py")]
    if chdir:
        command += ["--chdir", str(chdir)]
    log = open(out / f"{name}.gunicorn.log", "w", encoding="utf-8")  # noqa: SIM115
    process = subprocess.Popen([*command, app_spec], cwd=ROOT, stdout=log, stderr=log,
                               env={**env, "BIND": f"127.0.0.1:{port}"})
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{name} gunicorn exited ({process.returncode}); see {log.name}")
        try:
            with urllib.request.urlopen(url + "/", timeout=5):  # noqa: S310  # loopback only
                pass
        except OSError:
            time.sleep(0.5)
            continue
        for _ in range(4 * int(env["WEB_CONCURRENCY"])):  # warm every worker a little
            with urllib.request.urlopen(url + "/", timeout=60):  # noqa: S310
                pass
        return Server(name, url, process)
    process.kill()
    raise SystemExit(f"{name} gunicorn did not answer on {url} within 120 s")


CSRF = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]*)"')


def sign_in(url: str, email: str) -> list[dict[str, str]] | None:
    """Sign in through the login form (its CSRF token first); the session's cookies."""
    import requests

    with requests.Session() as session:
        page = session.get(url + "/login", timeout=120)
        token = CSRF.search(page.text)
        response = session.post(url + "/login", allow_redirects=False, timeout=120, data={
            "csrf_token": token.group(1) if token else "", "email": email,
            "password": DEMO_PASSWORD, "next": ""})
        if response.status_code != 302 or "/login" in response.headers.get("Location", ""):
            return None
        # Domain and path kept, so the app's next Set-Cookie replaces it instead of doubling it.
        return [{"name": c.name, "value": c.value, "domain": c.domain, "path": c.path}
                for c in session.cookies]


def signed_in_sessions(url: str, accounts: dict[str, list[str]], cache: dict, workers: int
                       ) -> dict[str, list[dict[str, str]]]:
    """A session for every account, signed in through the form once and kept in `cache` for
    the next runs (it holds while the app's SECRET_KEY and the user's session version do)."""
    sessions = cache.setdefault("sessions", {})
    missing = [e for emails in accounts.values() for e in emails if e not in sessions]
    if missing:
        print(f"signing in {len(missing)} accounts through the login form…", flush=True)
        started = time.perf_counter()
        with ThreadPoolExecutor(workers) as pool:
            for email, cookies in zip(missing, pool.map(lambda e: sign_in(url, e), missing),
                                      strict=True):
                if cookies:
                    sessions[email] = cookies
        print(f"  done in {time.perf_counter() - started:.0f} s", flush=True)
    return {e: sessions[e] for emails in accounts.values() for e in emails if e in sessions}


def run_locust(server: Server, classes: list[str], profile: str, run_time: str, accounts: Path,
               prefix: Path) -> tuple[float, float]:
    """Run one profile against one server; the server's CPU seconds and the seconds of the
    measured part (from when every user is started and locust resets its statistics)."""
    users, rate, (think_min, think_max) = PROFILES[profile]
    spawned = Path(f"{prefix}.spawned")
    spawned.unlink(missing_ok=True)
    command = [str(ROOT / ".venv" / "bin" / "locust"), "-f", str(BENCH / "load_users.py"),
               "--headless", "--only-summary", "--reset-stats", "-u", str(users),
               "-r", str(rate), "-t", run_time, "--stop-timeout", "10", "--host", server.url,
               "--csv", str(prefix), "--accounts", str(accounts), "--spawned-file", str(spawned),
               "--think-min", str(think_min), "--think-max", str(think_max),
               "--loglevel", "WARNING", *classes]
    if PROFILES[profile][2][1]:  # with think time: users who signed in earlier in the day
        command.insert(-len(classes), "--reuse-sessions")
    with open(f"{prefix}.locust.log", "w", encoding="utf-8") as log:
        process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        started, since = None, time.monotonic()
        while process.poll() is None:
            if started is None and spawned.exists():
                started, since = server.cpu_seconds(), time.monotonic()
            time.sleep(0.2)
    cpu = server.cpu_seconds() - started if started is not None else float("nan")
    return cpu, time.monotonic() - since


@dataclass
class Row:
    name: str
    requests: int
    failures: int
    p50: float
    p95: float
    p99: float


def _ms(value: str) -> float:
    return float(value) if value not in ("", "N/A") else float("nan")


def read_stats(prefix: Path) -> list[Row]:
    with open(f"{prefix}_stats.csv", encoding="utf-8") as file:
        return [Row(line["Name"], int(line["Request Count"]), int(line["Failure Count"]),
                    _ms(line["50%"]), _ms(line["95%"]), _ms(line["99%"]))
                for line in csv.DictReader(file)]


def read_failures(prefix: Path) -> list[str]:
    path = Path(f"{prefix}_failures.csv")
    if not path.exists():
        return []
    with open(path, encoding="utf-8") as file:
        return [f"{row['Occurrences']} × {row['Method']} {row['Name']}: {row['Error']}"
                for row in csv.DictReader(file)]


def summarise(profile: str, app: list[Row], hello: list[Row], app_cpu: tuple[float, float],
              hello_cpu: tuple[float, float], failures: list[str]) -> str:
    """The profile's table in Markdown; `*_cpu` is (server CPU seconds, measured seconds)."""
    users, _rate, (think_min, think_max) = PROFILES[profile]
    think = f"{think_min:g}–{think_max:g} s think time" if think_max else "no think time"
    total = next(r for r in app if r.name == "Aggregated")
    floor = next(r for r in hello if r.name == "Aggregated")
    lines = [f"### {profile}: {users} users, {think}", "",
             "| page | requests | errors | p50, ms | p95, ms | p99, ms |",
             "|---|---:|---:|---:|---:|---:|"]
    for r in app:
        name = "**all**" if r.name == "Aggregated" else f"`{r.name}`"
        lines.append(f"| {name} | {r.requests:,} | {r.failures:,} | {r.p50:,.0f} | "
                     f"{r.p95:,.0f} | {r.p99:,.0f} |")
    lines.append(f"| hello floor (same profile, same gunicorn settings) | {floor.requests:,} | "
                 f"{floor.failures:,} | {floor.p50:,.0f} | {floor.p95:,.0f} | {floor.p99:,.0f} |")
    lines.append("")
    ratio = (f"p50 {total.p50 / floor.p50:,.0f}×, p95 {total.p95 / floor.p95:,.0f}× the floor"
             if floor.p50 and floor.p95 else "floor too small to divide by")
    app_ms = 1000 * app_cpu[0] / max(total.requests, 1)
    hello_ms = 1000 * hello_cpu[0] / max(floor.requests, 1)
    times = f"{app_ms / hello_ms:,.0f}×" if hello_ms else "floor below the clock's tick"
    lines.append(f"App over all requests: {ratio}. gunicorn CPU per request: app "
                 f"{app_ms:.1f} ms, hello {hello_ms:.2f} ms ({times}); "
                 f"throughput: app {total.requests / app_cpu[1]:,.1f} requests/s, "
                 f"hello {floor.requests / hello_cpu[1]:,.1f}/s (measured {app_cpu[1]:.0f} s "
                 f"and {hello_cpu[1]:.0f} s, after every user had started).")
    if failures:
        lines += ["", "Errors:", *[f"- {f}" for f in failures[:20]]]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True,
                        help="the world's database URL (accounts; the app's DATABASE_URL)")
    parser.add_argument("--host", help="a running app to load instead of starting gunicorn")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--hello-port", type=int, default=8001)
    parser.add_argument("--workers", type=int,
                        default=min(2 * multiprocessing.cpu_count() + 1, 9),
                        help="WEB_CONCURRENCY of both gunicorns (README: 2 × cores + 1, ≤ 9)")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14",
                        help="REDIS_URL of the app (shared rate limits)")
    parser.add_argument("--profile", choices=[*PROFILES, "both"], default="both")
    parser.add_argument("--run-time", default="2m", help="per run, locust's notation (90s, 2m)")
    parser.add_argument("--hello-run-time", help="per floor run (default: --run-time)")
    parser.add_argument("--sessions", type=Path,
                        help="where sessions signed in before the think-time runs are kept "
                             "(default /tmp/shakirt-load-sessions-<database>.json)")
    parser.add_argument("--users", type=int, help="override the profiles' users (a smoke run)")
    parser.add_argument("--out", type=Path,
                        default=Path("/tmp") / time.strftime("shakirt-load-%Y%m%d-%H%M%S"))
    args = parser.parse_args()

    for host in filter(None, [args.host]):
        if refusal := loopback_refusal(host):
            raise SystemExit(refusal)
    args.out.mkdir(parents=True, exist_ok=True)
    profiles = list(PROFILES) if args.profile == "both" else [args.profile]
    if args.users:
        for name in profiles:
            _users, rate, think = PROFILES[name]
            PROFILES[name] = (args.users, min(rate, args.users), think)
    most = max(PROFILES[p][0] for p in profiles)
    accounts = list_accounts(args.database, users=most)
    print("accounts: " + ", ".join(f"{len(accounts[r])} {r}" for r in MIX), flush=True)
    sessions_file = args.sessions or Path("/tmp") / (
        "shakirt-load-sessions-" + args.database.rsplit("/", 1)[-1] + ".json")
    cache = (json.loads(sessions_file.read_text(encoding="utf-8")) if sessions_file.exists()
             else {"secret": secrets.token_hex(32), "sessions": {}})

    env = {**os.environ, "WEB_CONCURRENCY": str(args.workers), "METRICS_BIND": "off"}
    servers = []
    try:
        if args.host:
            app = Server("app", args.host.rstrip("/"), None)
        else:
            app = start_gunicorn("app", "wsgi:app", args.port, {
                **env, "DATABASE_URL": args.database, "REDIS_URL": args.redis,
                "SHAKIRT_ENV": "production", "SECRET_KEY": cache["secret"],
                "SECURE_COOKIES": "0", "TWO_FACTOR_REQUIRED_ROLES": "",
            }, args.out)
            servers.append(app)
        hello = start_gunicorn("hello", "hello:app", args.hello_port, env, args.out,
                               chdir=BENCH)
        servers.append(hello)
        print(f"app {app.url}, hello floor {hello.url}, {args.workers} sync workers each; "
              f"output in {args.out}", flush=True)
        sessions = {}
        if any(PROFILES[p][2][1] for p in profiles):
            sessions = signed_in_sessions(app.url, accounts, cache, args.workers)
            sessions_file.write_text(json.dumps(cache), encoding="utf-8")
        accounts_file = args.out / "accounts.json"
        accounts_file.write_text(json.dumps({"accounts": accounts, "sessions": sessions}),
                                 encoding="utf-8")
        report = []
        for profile in profiles:
            results = {}
            for server, classes, run_time in (
                    (app, USER_CLASSES, args.run_time),
                    (hello, ["HelloUser"], args.hello_run_time or args.run_time)):
                prefix = args.out / f"{profile}-{server.name}"
                print(f"{profile}: {server.name} for {run_time}…", flush=True)
                cpu = run_locust(server, classes, profile, run_time, accounts_file, prefix)
                results[server.name] = (read_stats(prefix), cpu, read_failures(prefix))
            (app_rows, app_cpu, failures), (hello_rows, hello_cpu, _) = \
                results["app"], results["hello"]
            report.append(summarise(profile, app_rows, hello_rows, app_cpu, hello_cpu,
                                    failures))
            print(report[-1], flush=True)
        (args.out / "summary.md").write_text("\n".join(report), encoding="utf-8")
    finally:
        for server in servers:
            server.stop()


if __name__ == "__main__":
    main()

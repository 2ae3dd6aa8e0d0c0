"""Load benchmark: the production stack (Procfile: gunicorn, worker, beat) under Locust.

    make bench-load            # LOAD_USERS=10,30,100 LOAD_SECONDS=60 by default
    LOAD_USERS=10 LOAD_SECONDS=20 .venv/bin/python bench/load.py

Data: the county (bench/county.py: 200,000 clients, 1,000,000 referrals, its own database
BENCH_COUNTY_DATABASE_URL, default cb_county), seeded on first use at BENCH_COUNTY_SCALE
(default 1; 0.01 seeds in under a minute) and reused afterwards. LOAD_DATA=demo runs against
the demo city instead (`seed_demo`, database BENCH_LOAD_DATABASE_URL, default cb_load_bench),
for a quick run. The load writes (intakes, consents, referrals sent, accepted, completed): the
database drifts a little with every run; `bench/county.py --reseed` starts it again.
Starts the stack on 127.0.0.1
(PORT, default 8765; WEB_CONCURRENCY, default 4) with DEBUG off and without the access log,
runs Locust headless (bench/locustfile.py: navigator, partner and manager personas signing in
through the login form, reading and writing through the real forms) once per user count, then
the same server's near-trivial view (/health/web/) for TRIVIAL_SECONDS, after a warm-up run
that is not counted (LOAD_WARMUP_SECONDS, default 30: a just-started stack compiles the
directory and fills its caches). Before each run the background work left (packets to
render, queued tasks) is finished first (up to LOAD_DRAIN_SECONDS, default 180), so a run
after 30 users is not charged for the packets the starved worker left. It prints requests per
second, p50/p95/p99 per endpoint and errors, with the machine's load average (on a shared
machine the figures are noisy; the ratio to the trivial view is what survives). Rate limits are
raised for the run (one account serves many simulated users). Locust runs from
bench/.load-venv (the Makefile installs the pinned version there).

Goals (issue 15, 2-core machine): ≥ 200 requests/s mixed, p95 ≤ 300 ms at 30 users, no
errors; partner inbox and client search p95 ≤ 150 ms at 10 users.
"""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pgsettings  # bench/, this script's directory

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
DATA = os.environ.get("LOAD_DATA", "county")
if DATA not in ("county", "demo"):
    raise SystemExit("LOAD_DATA is county (default) or demo")
COUNTY_SCALE = os.environ.get("BENCH_COUNTY_SCALE", "1")
BENCH_URL = (
    os.environ.get("BENCH_COUNTY_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cb_county")
    if DATA == "county"
    else os.environ.get(
        "BENCH_LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cb_load_bench"
    )
)
PORT = int(os.environ.get("PORT", "8765"))
HOST = f"http://127.0.0.1:{PORT}"
USERS = [int(n) for n in os.environ.get("LOAD_USERS", "10,30,100").split(",")]
SECONDS = int(os.environ.get("LOAD_SECONDS", "60"))
TRIVIAL_SECONDS = int(os.environ.get("TRIVIAL_SECONDS", "15"))
# A just-started stack compiles the directory per process, fills the caches and connects:
# the first run would measure that. This run is not counted (0 to skip it).
WARMUP_SECONDS = int(os.environ.get("LOAD_WARMUP_SECONDS", "30"))
LOCUST = ROOT / "bench" / ".load-venv" / "bin" / "locust"
PY = ROOT / ".venv" / "bin" / "python"
GOAL_RPS, GOAL_P95_30, GOAL_P95_10 = 200, 300, 150
# Background work a phase leaves behind (packets to render, e-mails to send: at 30 users the
# lower-priority worker falls behind) is done before the next phase starts, up to this long,
# so that no phase is charged for another's work.
DRAIN_SECONDS = int(os.environ.get("LOAD_DRAIN_SECONDS", "180"))


def stack_env() -> dict[str, str]:
    return {
        **os.environ,
        "PATH": f"{ROOT / '.venv' / 'bin'}:{os.environ.get('PATH', '')}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": BENCH_URL,
        # docs/deploy.md's OLTP settings, on the stack's own connections (bench/pgsettings.py).
        "PG_CONNECTION_OPTIONS": pgsettings.options(),
        "REDIS_URL": os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0",
        "CELERY_KEY_PREFIX": "bench-load:",
        "DEBUG": "off",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-load-" + os.urandom(16).hex(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "off",
        "SECURE_COOKIES": "off",
        "STATIC_MANIFEST": "off",
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "WARNING",
        "ACCESS_LOG": "off",
        "PORT": str(PORT),
        "LOAD_DATA": DATA,
        "WEB_CONCURRENCY": os.environ.get("WEB_CONCURRENCY", "4"),
        "RATELIMIT_SEARCH": "100000/m",
        "RATELIMIT_API": "100000/m",
        "RATELIMIT_EXPORT": "100000/m",
    }


def prepare_database(env: dict[str, str]) -> None:
    if DATA == "county":
        county_env = {**env, "BENCH_COUNTY_DATABASE_URL": BENCH_URL}
        subprocess.run(
            [str(PY), "bench/county.py", "--scale", COUNTY_SCALE],
            cwd=ROOT,
            env=county_env,
            check=True,
        )
        return
    import psycopg

    dbname = BENCH_URL.rsplit("/", 1)[1].split("?")[0]
    admin_url = BENCH_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname]).fetchone():
            conn.execute(f'CREATE DATABASE "{dbname}"')
    env = {**env, "DEBUG": "on"}  # seed_demo is development-only
    for command in (["migrate", "-v0", "--noinput"], ["seed_demo", "--quiet"]):
        subprocess.run([str(PY), "manage.py", *command], cwd=ROOT, env=env, check=True)


def start_stack(env: dict[str, str], log) -> subprocess.Popen:
    process = subprocess.Popen(
        # --env /dev/null: not the development .env, whose DEBUG=on would win (scripts/serve.sh)
        [str(ROOT / ".venv" / "bin" / "honcho"), "start", "-f", "Procfile", "--env", "/dev/null"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{HOST}/health/web/", timeout=2) as response:
                if response.status == 200:
                    return process
        except OSError:
            time.sleep(1)
    stop_stack(process)
    raise SystemExit("the stack did not become healthy; see bench/out/load-stack.log")


def stop_stack(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(40)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PARTS = ("web", "worker", "beat", "PostgreSQL", "Redis", "Locust", "other")


def _processes() -> dict[int, tuple[int, str, str, float]]:
    """Every process: its parent, name, command line and CPU seconds (its own plus those of
    the children it has reaped, so a PostgreSQL backend or a recycled worker that ended during
    the run is still counted, in its parent's)."""
    found = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        cpu = sum(int(f) for f in fields[11:15]) / CLOCK_TICKS  # utime, stime, cutime, cstime
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        found[int(pid)] = (int(fields[1]), name, cmdline, cpu)
    return found


def _part(pid: int, processes: dict, stack_pid: int) -> str | None:
    """Which part of the run a process is: under the stack (honcho) by its command line,
    PostgreSQL or Redis by name, else None (counted in "other" from the machine's total)."""
    _parent, name, cmdline, _cpu = processes[pid]
    ancestor = pid
    while ancestor in processes and ancestor not in (stack_pid, 0, 1):
        ancestor = processes[ancestor][0]
    if ancestor == stack_pid:
        if "gunicorn" in cmdline:
            return "web"
        if " beat" in cmdline:
            return "beat"
        if "celery" in cmdline:
            return "worker"
        return "other"
    if name.startswith("postgres") or cmdline.startswith("postgres"):
        return "PostgreSQL"
    if name.startswith("redis"):
        return "Redis"
    return None


def cpu_seconds(stack_pid: int) -> dict[str, float]:
    """CPU seconds so far per part of the run, the machine's busy total ("machine") and the
    time ("wall")."""
    used = dict.fromkeys(PARTS, 0.0)
    processes = _processes()
    for pid, (_parent, _name, _cmdline, cpu) in processes.items():
        part = _part(pid, processes, stack_pid)
        if part is not None:
            used[part] += cpu
    children = os.times()
    used["Locust"] = children.children_user + children.children_system
    with open("/proc/stat") as f:
        busy = [int(v) for v in f.readline().split()[1:]]
    # user nice system idle iowait irq softirq steal: all but idle and iowait
    used["machine"] = (sum(busy[:8]) - busy[3] - busy[4]) / CLOCK_TICKS
    used["wall"] = time.monotonic()
    return used


def print_cpu(before: dict[str, float], after: dict[str, float], requests: int) -> None:
    """Where the run's CPU went, per request: the figure that says what to make cheaper."""
    spent = {part: after[part] - before[part] for part in after}
    known = sum(spent[p] for p in PARTS if p != "other")
    spent["other"] = max(0.0, spent["machine"] - known)  # the stack's own others included
    requests = max(requests, 1)
    print(
        "  CPU per request (ms): "
        + ", ".join(f"{p} {spent[p] * 1000 / requests:.0f}" for p in PARTS)
        + f"; machine {spent['machine'] * 1000 / requests:.0f} "
        f"({spent['machine'] / spent['wall'] / os.cpu_count():.0%} busy)"
    )


def background_backlog(env: dict[str, str]) -> tuple[int, int]:
    """Packets waiting to render or rendering, and tasks waiting in the broker's queues."""
    import psycopg
    import redis

    with psycopg.connect(BENCH_URL) as conn:
        (packets,) = conn.execute(
            "SELECT count(*) FROM referrals_referral WHERE packet_status IN "
            "('pending', 'rendering')"
        ).fetchone()
    broker = redis.Redis.from_url(env["REDIS_URL"])
    prefix = env["CELERY_KEY_PREFIX"]
    tasks = sum(broker.llen(f"{prefix}{queue}") for queue in ("celery", "pdf"))
    return packets, tasks


def drain(env: dict[str, str]) -> None:
    """Waits (up to DRAIN_SECONDS) until the stack has done the background work left."""
    start = time.monotonic()
    packets, tasks = background_backlog(env)
    if not packets and not tasks:
        return
    left = (packets, tasks)
    while (packets or tasks) and time.monotonic() - start < DRAIN_SECONDS:
        time.sleep(1)
        packets, tasks = background_backlog(env)
    print(
        f"  background work left: {left[0]} packets, {left[1]} queued tasks; "
        f"{time.monotonic() - start:.0f} s to finish"
        + ("" if not (packets or tasks) else f" (gave up: {packets} packets, {tasks} tasks)")
    )


def run_locust(users: int, seconds: int, classes: list[str], tag: str) -> list[dict]:
    prefix = OUT / f"load-{tag}"
    with open(OUT / "load-locust.log", "ab") as log:
        _run_locust(users, seconds, classes, prefix, log)
    with open(f"{prefix}_exceptions.csv", newline="") as f:
        for row in csv.DictReader(f):  # a persona's own exception (a page it could not read)
            print(f"  exception x{row['Count']} in the personas: {row['Message']}")
    with open(f"{prefix}_stats.csv", newline="") as f:
        return list(csv.DictReader(f))


def _run_locust(users: int, seconds: int, classes: list[str], prefix: Path, log) -> None:
    # Requests the previous run left queued (a sign-in takes seconds on a busy machine) are
    # answered before this run starts.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{HOST}/health/web/", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            time.sleep(1)
    subprocess.run(
        [
            str(LOCUST),
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "--host",
            HOST,
            "-u",
            str(users),
            "-r",
            str(max(1, users // 2)),
            "-t",
            f"{seconds}s",
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "ERROR",
            *classes,
        ],
        cwd=ROOT,
        check=False,  # locust exits 1 when any request failed; the table shows the errors
        stdout=subprocess.DEVNULL,
        stderr=log,  # Locust's own errors (a persona's exception) for bench/out/load-locust.log
    )


def print_table(users: int, rows: list[dict]) -> dict:
    print(f"\n{users} users, {SECONDS} s")
    print(
        f"  {'endpoint':<24} {'requests':>8} {'errors':>6} {'req/s':>7} "
        f"{'p50':>6} {'p95':>6} {'p99':>6}  (ms)"
    )
    total = {}
    for row in rows:
        name = row["Name"]
        line = (
            f"  {name:<24} {row['Request Count']:>8} {row['Failure Count']:>6} "
            f"{float(row['Requests/s']):>7.1f} {row['50%']:>6} {row['95%']:>6} {row['99%']:>6}"
        )
        print(line)
        if name == "Aggregated":
            total = row
    return total


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    if not LOCUST.exists():
        raise SystemExit("Locust is missing: `make bench-load` installs it in bench/.load-venv")
    env = stack_env()
    prepare_database(env)
    load_before = os.getloadavg()
    with open(OUT / "load-stack.log", "ab") as log:
        process = start_stack(env, log)
        try:
            results = {}
            drain(env)  # what an earlier run left (the sweeper enqueues it again)
            if WARMUP_SECONDS > 0:
                run_locust(USERS[0], WARMUP_SECONDS, ["Navigator", "Partner", "Manager"], "warmup")
                print(f"\nwarm-up: {WARMUP_SECONDS} s at {USERS[0]} users (not counted)")
            for users in USERS:
                drain(env)
                before = cpu_seconds(process.pid)
                rows = run_locust(users, SECONDS, ["Navigator", "Partner", "Manager"], str(users))
                after = cpu_seconds(process.pid)
                results[users] = (print_table(users, rows), rows)
                print_cpu(before, after, int(results[users][0]["Request Count"]))
            trivial = run_locust(10, TRIVIAL_SECONDS, ["Trivial"], "trivial")
            trivial_rps = float(trivial[-1]["Requests/s"]) or float("nan")
        finally:
            stop_stack(process)

    print(f"\nTrivial view (/health/web/, 10 users, {TRIVIAL_SECONDS} s): {trivial_rps:.0f} req/s")
    for users, (total, rows) in results.items():
        rps = float(total["Requests/s"])
        print(
            f"{users:>4} users: {rps:.0f} req/s mixed ({rps / trivial_rps:.0%} of trivial), "
            f"p95 {total['95%']} ms, errors {total['Failure Count']}"
        )
        if users == 10:
            for row in rows:
                if row["Name"] in ("partner inbox", "client search"):
                    ok = "meets" if float(row["95%"]) <= GOAL_P95_10 else "misses"
                    print(f"      {row['Name']} p95 {row['95%']} ms ({ok} ≤ {GOAL_P95_10} ms)")
    if 30 in results:
        total = results[30][0]
        print(
            f"Goals at 30 users: ≥ {GOAL_RPS} req/s: {float(total['Requests/s']):.0f}; "
            f"p95 ≤ {GOAL_P95_30} ms: {total['95%']}; 0 errors: {total['Failure Count']}"
        )
    load_after = os.getloadavg()
    print(
        f"data: {DATA}"
        + (f" (scale {COUNTY_SCALE})" if DATA == "county" else " (demo city)")
        + f"; load average before {load_before[0]:.1f}, after {load_after[0]:.1f} "
        f"(1 min; {os.cpu_count()} CPUs)"
    )
    sys.stdout.flush()


if __name__ == "__main__":
    main()

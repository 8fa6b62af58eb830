"""Load benchmark: the app under gunicorn with a realistic data set, driven by wrk.

Run: make bench (or .venv/bin/python -m bench.load). Prints figures and ratios; asserts nothing.
Data: 2,000 learners, 20,000 submitted quiz attempts, 20 cohorts (one of 500 learners).
Measures, with 8 concurrent connections: a logged-in lesson page, the dashboard, the
500-learner progress grid, quiz submission (start, submit; a Python client, since every
submit needs a fresh attempt), and the same lesson HTML served as a static file by the
same server (alternating with the lesson page, in rounds: their ratio is the median
round's). Also page weight and peak memory per worker.
DATABASE_URL=postgresql://… runs it on PostgreSQL (a throwaway schema) instead of SQLite.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import random
import re
import runpy
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
import urllib.parse
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import insert, text

from course.accounts import hash_password
from course.content import load_catalogue
from course.learning import quiz
from course.models import Cohort, CohortInstructor, Enrolment, LessonCompletion, QuizAttempt, User
from course.platform import migrate
from course.platform.db import make_engine
from tests.system.server import gunicorn_process

ROOT = Path(__file__).resolve().parent.parent
STATIC_BENCH = ROOT / "webapp" / "static" / "_bench"
PASSWORD = "bench-password-long-enough-42"
LEARNERS, ATTEMPTS, COHORTS, GRID = 2000, 20000, 20, 500
CONNECTIONS, SECONDS = 8, 10
ROUNDS, ROUND_SECONDS = 3, 5  # the lesson page against the static file, alternating
WARM_UP = 2  # seconds of load before each measured run
TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def seed(url: str) -> None:
    catalogue = load_catalogue(ROOT / "content")
    rng = random.Random(2026)
    engine = make_engine(url)
    migrate.upgrade(engine)
    password_hash = hash_password(PASSWORD)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(
            insert(User),
            [
                {
                    "email": f"learner{i}@bench.example",
                    "full_name": f"Learner {i}",
                    "organisation": "Police",
                    "country": "Kenya",
                    "password_hash": password_hash,
                    "role": "instructor" if i == 0 else "learner",
                    "is_active": True,
                    "session_version": 1,
                    "created_at": now,
                    "email_confirmed_at": now,
                }
                for i in range(LEARNERS + 1)
            ],
        )
        conn.execute(
            insert(Cohort),
            [
                {
                    "title": f"Workshop {c + 1}",
                    "description": "",
                    "path_id": "full-course",
                    "module_ids": [],
                    "location": "Nairobi",
                    "join_code": uuid.uuid4().hex[:12],
                    "is_join_open": True,
                    "created_by_id": 1,
                    "created_at": now,
                }
                for c in range(COHORTS)
            ],
        )
        conn.execute(
            insert(CohortInstructor),
            [{"cohort_id": c + 1, "user_id": 1, "added_at": now} for c in range(COHORTS)],
        )
        enrolments = [
            {"cohort_id": 1, "user_id": u, "source": "code", "enrolled_at": now} for u in range(2, GRID + 2)
        ]
        rest = list(range(GRID + 2, LEARNERS + 2))
        for index, user_id in enumerate(rest):
            enrolments.append(
                {
                    "cohort_id": 2 + index % (COHORTS - 1),
                    "user_id": user_id,
                    "source": "code",
                    "enrolled_at": now,
                }
            )
        conn.execute(insert(Enrolment), enrolments)
        completions = []
        for user_id in range(2, LEARNERS + 2):
            for module in rng.sample(catalogue.modules, 3):
                for lesson in module.lessons[: rng.randint(1, len(module.lessons))]:
                    completions.append(
                        {
                            "user_id": user_id,
                            "module_id": module.id,
                            "lesson_id": lesson.id,
                            "content_version": module.version,
                            "completed_at": now,
                        }
                    )
        conn.execute(insert(LessonCompletion), completions)
        attempts = []
        for n in range(ATTEMPTS):
            module = rng.choice(catalogue.modules)
            shown = [s.to_json() for s in quiz.draw(module.questions, 10, rng)]
            score = float(rng.choice(range(0, 101, 10)))
            attempts.append(
                {
                    "user_id": 2 + n % LEARNERS,
                    "module_id": module.id,
                    "content_version": module.version,
                    "shown": shown,
                    "pass_mark": 80,
                    "status": "submitted",
                    "answers": {s["q"]: [s["o"][0]] for s in shown},
                    "credits": [],
                    "score": score,
                    "passed": score >= 80,
                    "started_at": now - timedelta(minutes=5),
                    "submitted_at": now,
                }
            )
        conn.execute(insert(QuizAttempt), attempts)
    engine.dispose()


def login(base: str, email: str) -> requests.Session:
    http = requests.Session()
    csrf = TOKEN.search(http.get(f"{base}/login").text).group(1)
    response = http.post(
        f"{base}/login",
        data={"email": email, "password": PASSWORD, "csrf_token": csrf},
        allow_redirects=False,
    )
    assert response.status_code == 302, response.status_code
    return http


def worker_pids(master: int) -> list[str]:
    return Path(f"/proc/{master}/task/{master}/children").read_text().split()


def worker_cpu_seconds(master: int) -> dict[str, float]:
    """CPU time (user and system) each of the master's workers has used so far, by pid."""
    clock = os.sysconf("SC_CLK_TCK")
    seconds = {}
    for pid in worker_pids(master):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        seconds[pid] = (int(fields[11]) + int(fields[12])) / clock  # utime, stime
    return seconds


def cpu_used(before: dict[str, float], after: dict[str, float]) -> tuple[float, float]:
    """Workers' CPU seconds between two readings, and the busiest worker's share of it (%).

    With keep-alive connections a worker keeps the connections it accepted: a share far
    above 100/workers means the load was not spread, and the other workers sat idle.
    """
    used = {pid: after[pid] - before.get(pid, 0.0) for pid in after}
    total = sum(used.values())
    return total, (100 * max(used.values()) / total if total else 0.0)


def reference_loop_ms() -> float:
    """This machine's speed: a fixed piece of pure Python (best of 5), to compare runs across machines."""
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        total = 0
        for i in range(1_000_000):
            total += i % 7
        best = min(best, time.perf_counter() - t0)
    return best * 1000


def wrk(url: str, cookie: str | None, master: int, seconds: int = SECONDS) -> dict[str, float]:
    """Requests per second, p50/p99 latency (ms) and worker CPU per request (ms), with wrk.

    Without wrk, a small Python client measures the first three.
    """
    if shutil.which("wrk"):
        cmd = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", url]
        if cookie:
            # The browser that logged in: the session is bound to its user agent (flask-login's
            # session protection), and a different one would make every response rewrite the cookie.
            cmd[1:1] = ["-H", f"Cookie: {cookie}", "-H", f"User-Agent: {requests.utils.default_user_agent()}"]
        # Steady state: first a short run, so that every worker has compiled its queries and
        # filled its caches (a server runs for hours; its first second is not what users get).
        warm_up = [f"-d{WARM_UP}s" if arg.startswith("-d") else arg for arg in cmd]
        subprocess.run(warm_up, capture_output=True, check=True)
        cpu_before = worker_cpu_seconds(master)
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        cpu, busiest = cpu_used(cpu_before, worker_cpu_seconds(master))

        def ms(label: str) -> float:
            value, unit = re.search(rf"{label}\s+([\d.]+)(us|ms|s)", out).groups()
            return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

        errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        assert errors is None, f"{url}: {errors.group(0)}"
        return {
            "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50": ms("50%"),
            "p99": ms("99%"),
            "cpu": cpu * 1000 / int(re.search(r"(\d+) requests in", out).group(1)),
            "busiest": busiest,
        }
    return python_load(lambda http: http.get(url, headers={"Cookie": cookie} if cookie else {}), seconds)


def lesson_against_static(
    lesson_url: str, static_url: str, cookie: str, master: int
) -> list[tuple[dict, dict]]:
    """The lesson page and the same HTML as a static file, in alternating rounds.

    Their ratio is only fair when both run in the same phase of a shared machine:
    10 s of one, then 10 s of the other, once gave 0.45 and once 0.87 for the same code.
    """
    return [
        (wrk(lesson_url, cookie, master, ROUND_SECONDS), wrk(static_url, None, master, ROUND_SECONDS))
        for _ in range(ROUNDS)
    ]


def python_load(step, seconds: int = SECONDS) -> dict[str, float]:  # type: ignore[no-untyped-def]
    latencies: list[float] = []
    stop = time.monotonic() + seconds
    lock = threading.Lock()

    def worker() -> None:
        http = requests.Session()
        local = []
        while time.monotonic() < stop:
            t0 = time.perf_counter()
            step(http)
            local.append(time.perf_counter() - t0)
        with lock:
            latencies.extend(local)

    threads = [threading.Thread(target=worker) for _ in range(CONNECTIONS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    latencies.sort()
    return {
        "rps": len(latencies) / seconds,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[int(len(latencies) * 0.99)] * 1000,
    }


class _Browser:
    """A learner's browser, as light as a load client can be: one keep-alive connection, one cookie.

    `requests` costs about a millisecond of client CPU per request. On a 2-core machine the
    8 learner processes would then take a quarter of the CPU the server is measured on.
    """

    def __init__(self, base: str, cookie: str) -> None:
        host, port = base.removeprefix("http://").split(":")
        self.connection = http.client.HTTPConnection(host, int(port))
        self.headers = {"Cookie": cookie, "User-Agent": requests.utils.default_user_agent()}

    def send(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, str, str]:
        """Status, Location header and body; a new session cookie replaces the old one."""
        headers = dict(self.headers)
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        text = response.read().decode()
        cookie = response.getheader("Set-Cookie")
        if cookie and cookie.startswith("session="):
            self.headers["Cookie"] = cookie.split(";", 1)[0]
        return response.status, response.getheader("Location") or "", text


def _learner_loop(base: str, index: int, measure_from: float, stop_at: float, results: Any) -> None:
    """One learner (its own process, like its own browser): start an attempt, read it, submit; repeat.

    Submissions before `measure_from` are the warm-up and are not counted.
    """
    session = login(base, f"learner{100 + index}@bench.example")
    browser = _Browser(base, f"session={session.cookies['session']}")
    quiz_path = "/modules/electronic-evidence/quiz"
    csrf = TOKEN.search(browser.send("GET", quiz_path)[2]).group(1)
    latencies = []
    while time.time() < stop_at:
        status, location, _ = browser.send("POST", quiz_path, {"csrf_token": csrf})
        assert status == 302, status
        attempt_path = urllib.parse.urlsplit(location).path
        page = browser.send("GET", attempt_path)[2]
        data = {"csrf_token": csrf}
        for name, value in re.findall(r'name="(q\d+)" type="(?:radio|checkbox)" value="([^"]+)"', page):
            data.setdefault(name, value)
        measured = time.time() >= measure_from
        t0 = time.perf_counter()
        status, _, _ = browser.send("POST", attempt_path, data)
        if measured:
            latencies.append(time.perf_counter() - t0)
        assert status == 302, status
    results.put(latencies)


def quiz_submit_load(base: str, master: int) -> dict[str, float]:
    """8 learners, each starting and submitting attempts in a loop; latency of the submit POST.

    Each learner is a process of its own: in threads of one Python process the
    clients' own work (HTTP, parsing the page) would queue on one interpreter lock
    and its waiting would be counted as the server's latency. As for the pages,
    the first seconds (logins, then WARM_UP of submissions) are not measured.
    Worker CPU is per whole loop: start, show and submit.
    """
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    measure_from = time.time() + 2 + WARM_UP  # the logins, then the warm-up
    stop_at = measure_from + SECONDS
    learners = [
        context.Process(target=_learner_loop, args=(base, i, measure_from, stop_at, results))
        for i in range(CONNECTIONS)
    ]
    for learner in learners:
        learner.start()
    time.sleep(max(0.0, measure_from - time.time()))
    cpu_before = worker_cpu_seconds(master)
    reports = [results.get(timeout=SECONDS + 60) for _ in learners]
    cpu, busiest = cpu_used(cpu_before, worker_cpu_seconds(master))
    submits = sorted(latency for latencies in reports for latency in latencies)
    for learner in learners:
        learner.join()
    return {
        "rps": len(submits) / SECONDS,
        "p50": statistics.median(submits) * 1000,
        "p99": submits[int(len(submits) * 0.99)] * 1000,
        "cpu": cpu * 1000 / len(submits),
        "busiest": busiest,
    }


def peak_memory_mb(master: int) -> list[float]:
    peaks = []
    for pid in worker_pids(master):
        status = Path(f"/proc/{pid}/status").read_text()
        peaks.append(int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024)
    return peaks


def page_weight(base: str, html: str, http: requests.Session) -> tuple[int, list[str]]:
    assets = re.findall(r'<(?:link[^>]+href|script[^>]+src)="([^"]+)"', html)
    external = [a for a in assets if a.startswith(("http://", "https://", "//"))]
    total = len(html.encode())
    for asset in assets:
        if not asset.startswith(("http", "//", "data:")):
            total += len(http.get(base + asset).content)
    return total, external


def main() -> None:
    pg = os.environ.get("DATABASE_URL", "")
    server = runpy.run_path(str(ROOT / "gunicorn.conf.py"))  # the production settings, and the environment's
    workers, threads = server["workers"], server["threads"]
    with tempfile.TemporaryDirectory() as tmp:
        if pg.startswith("postgresql"):
            schema = f"bench_{uuid.uuid4().hex[:8]}"
            admin = make_engine(pg)
            with admin.begin() as conn:
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            url = f"{pg}{'&' if '?' in pg else '?'}options=-csearch_path%3D{schema}"
        else:
            url = f"sqlite:///{tmp}/bench.db"
        t0 = time.perf_counter()
        seed(url)
        print(
            f"database: {url.split('://')[0]}; seeded {LEARNERS} learners, {ATTEMPTS} attempts, "
            f"{COHORTS} cohorts in {time.perf_counter() - t0:.1f} s"
        )
        print(
            f"server: gunicorn (gunicorn.conf.py), {workers} workers of "
            f"{threads} thread(s) ({server['worker_class']}), {os.cpu_count()} cores; "
            f"load: {CONNECTIONS} connections, {SECONDS} s each "
            f"({'wrk' if shutil.which('wrk') else 'Python client'})"
        )
        print(
            f"machine: a reference Python loop takes {reference_loop_ms():.0f} ms here "
            "(runs on machines with different figures are not comparable)"
        )
        try:
            with gunicorn_process(url, workers=workers, extra_env={"ACADEMY_WORKERS": str(workers)}) as (
                base,
                proc,
            ):
                learner = login(base, "learner2@bench.example")
                instructor = login(base, "learner0@bench.example")
                lesson_url = f"{base}/modules/electronic-evidence/lessons/identify-preserve-acquire"
                html = learner.get(lesson_url).text
                STATIC_BENCH.mkdir(exist_ok=True)
                (STATIC_BENCH / "lesson.html").write_text(html)
                cookie = f"session={learner.cookies['session']}"
                rounds = lesson_against_static(
                    lesson_url, f"{base}/static/_bench/lesson.html", cookie, proc.pid
                )
                ratios = [lesson["rps"] / static["rps"] for lesson, static in rounds]
                middle = rounds[ratios.index(statistics.median(ratios))]  # the round with the median ratio
                rows = {
                    "lesson page (logged in)": middle[0],
                    "same lesson HTML as a static file": middle[1],
                    "dashboard (logged in)": wrk(f"{base}/dashboard", cookie, proc.pid),
                    f"progress grid, {GRID} learners (instructor)": wrk(
                        f"{base}/cohorts/1/progress", f"session={instructor.cookies['session']}", proc.pid
                    ),
                    "quiz submission (POST, 10 answers)": quiz_submit_load(base, proc.pid),
                }
                weight, external = page_weight(base, html, learner)
                visitor = requests.Session()  # a first visit: the home page and what it loads, no cookie
                first_visit, first_external = page_weight(base, visitor.get(f"{base}/").text, visitor)
                memory = peak_memory_mb(proc.pid)
        finally:
            shutil.rmtree(STATIC_BENCH, ignore_errors=True)
            if pg.startswith("postgresql"):
                with admin.begin() as conn:
                    conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                admin.dispose()
    print()
    print(f"{'what':<46} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'CPU ms':>8} {'busiest':>8}")
    for name, row in rows.items():
        cpu = f"{row['cpu']:>8.2f} {row['busiest']:>7.0f}%" if "cpu" in row else f"{'-':>8} {'-':>8}"
        print(f"{name:<46} {row['rps']:>8.0f} {row['p50']:>8.1f} {row['p99']:>8.1f} {cpu}")
    print("CPU ms: the workers' CPU time per request (per start, show and submit for the quiz)")
    print(
        f"busiest: the busiest worker's share of that CPU ({100 / workers:.0f}% is an even spread; "
        "with a threaded worker, keep-alive connections stay with the worker that accepted them)"
    )
    lesson, static = rows["lesson page (logged in)"], rows["same lesson HTML as a static file"]
    print(
        f"lesson and static rows: the median of {ROUNDS} alternating rounds of {ROUND_SECONDS} s each; "
        "each round (lesson req/s / static req/s = ratio): "
        + "; ".join(f"{a['rps']:.0f} / {b['rps']:.0f} = {a['rps'] / b['rps']:.2f}" for a, b in rounds)
    )
    print()
    print(f"lesson page (logged in): {lesson['rps']:.0f} req/s (target over 1,500 with 8 users)")
    print(f"lesson page / static file rate: {lesson['rps'] / static['rps']:.2f} (target at least 0.50)")
    print(
        f"quiz submission p99: {rows['quiz submission (POST, 10 answers)']['p99']:.1f} ms"
        " (target under 50 ms)"
    )
    print(
        f"first visit (home page HTML+CSS+JS): {first_visit / 1024:.1f} KB (target under 40 KB); "
        f"third-party requests: {len(first_external)}"
    )
    print(
        f"lesson page weight (HTML+CSS+JS): {weight / 1024:.1f} KB (target under 40 KB); "
        f"third-party requests: {len(external)}"
    )
    print(f"peak memory per worker: {', '.join(f'{m:.0f} MB' for m in memory)}")
    print(json.dumps({k: {m: round(v, 2) for m, v in r.items()} for k, r in rows.items()}))


if __name__ == "__main__":
    main()

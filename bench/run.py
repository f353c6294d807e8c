"""`make bench`: the portal under gunicorn (2 workers) on PostgreSQL and Redis with production settings,
measured with wrk on 127.0.0.1 against a bare view served by the same gunicorn in the same run.

For each N in BENCH_N it seeds a fresh database with `seed_scale`, then measures the bare view, the
dashboards and lists, and the submission POST. At the largest N it runs the deadline spike and the
PDF measurements. It prints a table and writes bench/results.json (`python bench/run.py --table` prints it again).

Environment (all optional): BENCH_N (1000,100000), BENCH_DURATION (10 s per measurement), BENCH_WARMUP (2),
BENCH_CONNECTIONS (8), BENCH_SPIKE_CONNECTIONS (256), BENCH_SPIKE_DURATION (60), BENCH_REVIEWERS (2000),
BENCH_DATABASE (bench), BENCH_POSTGRES (postgres://postgres@127.0.0.1:5432), BENCH_REDIS
(redis://127.0.0.1:6379/5), BENCH_PORT (8765), BENCH_PDF_SAMPLES (8).
"""

import json
import os
import shutil
import signal
import statistics
import subprocess  # nosec B404 - starts gunicorn, celery, manage.py and wrk
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent


@dataclass
class Config:
    sizes: list[int]
    duration: int
    warmup: int
    connections: int
    spike_connections: int
    spike_duration: int
    reviewers: int
    database: str
    postgres: str
    redis: str
    port: int
    pdf_samples: int

    @classmethod
    def from_env(cls) -> "Config":
        get = os.environ.get
        return cls(
            sizes=sorted(int(n) for n in get("BENCH_N", "1000,100000").split(",") if n.strip()),
            duration=int(get("BENCH_DURATION", "10")),
            warmup=int(get("BENCH_WARMUP", "2")),
            connections=int(get("BENCH_CONNECTIONS", "8")),
            spike_connections=int(get("BENCH_SPIKE_CONNECTIONS", "256")),
            spike_duration=int(get("BENCH_SPIKE_DURATION", "60")),
            reviewers=int(get("BENCH_REVIEWERS", "2000")),
            database=get("BENCH_DATABASE", "bench"),
            postgres=get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432"),
            redis=get("BENCH_REDIS", "redis://127.0.0.1:6379/5"),
            port=int(get("BENCH_PORT", "8765")),
            pdf_samples=int(get("BENCH_PDF_SAMPLES", "8")),
        )


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


# -- the machine: wrk, PostgreSQL, Redis ------------------------------------------------------------------


def ensure_wrk() -> None:
    if shutil.which("wrk"):
        return
    if os.geteuid() != 0:
        sys.exit("wrk is missing: install Debian's package (apt-get install wrk) and run again.")
    log("installing wrk (Debian package)")
    apt = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-q"], check=True, env=apt)  # nosec B603 B607
    subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, env=apt)  # nosec B603 B607


def admin_sql(config: Config, *statements: str) -> None:
    import psycopg2

    connection = psycopg2.connect(f"{config.postgres}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    connection.close()


def redis_client(config: Config):
    import redis

    return redis.Redis.from_url(config.redis)


# -- the portal's processes -------------------------------------------------------------------------------


class Portal:
    """Environment and processes of the portal under test (production settings, DEBUG off)."""

    def __init__(self, config: Config, workdir: Path):
        self.config, self.workdir = config, workdir
        self.env = {
            **os.environ,
            "DEBUG": "0",
            "SECRET_KEY": "bench-" + os.urandom(16).hex(),
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": f"{config.postgres}/{config.database}",
            "REDIS_URL": config.redis,
            "BENCH_BASELINE": "1",
            "MEDIA_ROOT": str(workdir / "media"),
            "EMAIL_URL": "dummymail://",
            "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "PYTHONPATH": str(ROOT),
        }
        self.gunicorn = None
        self.worker = None

    def manage(self, *args: str, database: str | None = None) -> float:
        env = dict(self.env)
        if database:
            env["DATABASE_URL"] = f"{self.config.postgres}/{database}"
        started = time.perf_counter()
        subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)  # nosec B603
        return time.perf_counter() - started

    def start_web(self) -> None:
        self.gunicorn = subprocess.Popen(  # nosec B603 - the production command of the Dockerfile
            [
                str(BIN / "gunicorn"),
                "portal.wsgi:application",
                "--config",
                "python:portal.gunicorn",
                "--bind",
                f"127.0.0.1:{self.config.port}",
                "--workers",
                "2",
                "--access-logfile",
                str(self.workdir / "access.log"),
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=open(self.workdir / "gunicorn.log", "ab"),
        )
        for _ in range(120):
            try:
                request = urllib.request.Request(
                    f"http://127.0.0.1:{self.config.port}/bench/bare/", headers={"X-Forwarded-Proto": "https"}
                )
                if urllib.request.urlopen(request, timeout=30).status == 200:  # nosec B310 - localhost
                    return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError("gunicorn did not answer; see " + str(self.workdir / "gunicorn.log"))

    def start_worker(self) -> None:
        self.worker = subprocess.Popen(  # nosec B603 - the production worker command of docker-compose.yml
            [str(BIN / "celery"), "-A", "portal", "worker", "-l", "warning", "--concurrency=2"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=open(self.workdir / "celery.log", "ab"),
        )

    @staticmethod
    def _stop(process, grace: float = 30) -> None:
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def stop_web(self) -> None:
        self._stop(self.gunicorn)
        self.gunicorn = None

    def stop_worker(self) -> None:
        self._stop(self.worker)
        self.worker = None


def check(port: int, request: dict) -> tuple[int, float]:
    """The status one request gets and how long it takes, before it is measured (a page that redirects
    to the log-in is no page)."""
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}{request['path']}", headers=request["headers"], method=request["method"]
    )

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    started = time.perf_counter()
    try:
        status = urllib.request.build_opener(NoRedirect).open(req, timeout=600).status  # nosec B310 - localhost
    except urllib.error.HTTPError as error:
        status = error.code
    return status, time.perf_counter() - started


def drain(port: int) -> None:
    """Wait for requests a load generator left behind at its deadline (one bare request per worker)."""
    for _ in range(2):
        check(port, {"method": "GET", "path": "/bench/bare/", "headers": {"X-Forwarded-Proto": "https"}})


# -- measurements -----------------------------------------------------------------------------------------


class Results:
    def __init__(self):
        self.rows: dict[str, dict] = {}

    def add(self, name, value, unit, baseline=None, *, target=None, higher_is_better=True, note=""):
        ratio = (value / baseline) if baseline else None
        met = None
        if target is not None and ratio is not None:
            met = ratio >= target if higher_is_better else ratio <= target
        row = {
            "value": round(value, 3),
            "unit": unit,
            "baseline": None if baseline is None else round(baseline, 3),
            "ratio": None if ratio is None else round(ratio, 3),
        }
        if target is not None:
            row["target"] = f"{'≥' if higher_is_better else '≤'} {target}"
            row["met"] = met
        if note:
            row["note"] = note
        self.rows[name] = row
        return row


def slow_page(config: Config, request: dict, first: float):
    """A page too slow for a timed wrk run: two requests one after the other (the first one already made);
    requests/s is what the two gunicorn workers would serve in parallel."""
    from load import Measurement

    times = [first, check(config.port, request)[1]]
    slowest = max(times)
    return Measurement(
        requests=len(times),
        seconds=sum(times) / 2,
        p50_ms=statistics.median(times) * 1000,
        p99_ms=slowest * 1000,
        max_ms=slowest * 1000,
        extra={"note": f"{statistics.median(times):.1f} s per request: timed one by one, not with wrk"},
    )


def measure(config: Config, request_list: list[dict], connections: int | None = None):
    from load import wrk

    wrk(config.port, request_list, seconds=config.warmup, connections=connections or config.connections)
    return wrk(config.port, request_list, seconds=config.duration, connections=connections or config.connections)


def measure_page(config: Config, scenario):
    """wrk on a page after two requests that check it answers 200 and warm it; a page slower than wrk can
    measure in the time given is timed request by request instead."""
    request = scenario.requests[0]
    slow = max(2.0, config.duration / 4)
    for _ in range(2):
        status, seconds = check(config.port, request)
        if status != 200:
            from load import Measurement

            log(f"{scenario.label}: {request['path']} answers {status} after {seconds:.1f} s")
            return Measurement(
                other=1,
                extra={
                    "note": f"answers {status} after {seconds:.0f} s (gunicorn's worker timeout is 30 s)"
                    if seconds >= 30
                    else f"answers {status}"
                },
            )
        if seconds > slow:
            return slow_page(config, request, seconds)
    m = measure(config, scenario.requests)
    drain(config.port)
    return m if m.requests >= 2 * config.connections else slow_page(config, request, seconds)


def run_size(config: Config, portal: Portal, results: Results, n: int, largest: bool, pages_by_size: dict) -> None:
    from django.db import connections

    connections.close_all()
    admin_sql(
        config,
        f'DROP DATABASE IF EXISTS "{config.database}" WITH (FORCE)',
        f'CREATE DATABASE "{config.database}" TEMPLATE "{config.database}_template"',
    )
    log(f"seeding N={n:,}")
    seconds = portal.manage("seed_scale", "--applications", str(n), "--reviewers", str(config.reviewers))
    results.add(f"seed_scale@{n}", seconds, "s")
    redis_client(config).flushdb()

    import pages

    scenarios, sessions = pages.scenarios(config.port)
    portal.start_web()
    results.add(f"machine_load@{n}", os.getloadavg()[0], "(1-minute load average before measuring)")
    try:
        measured = {}
        for scenario in scenarios.values():
            if scenario.missing:
                log(f"{scenario.label}: not measured ({scenario.missing})")
                results.add(f"{scenario.name}@{n}.rps", 0, "req/s", note=scenario.missing)
                continue
            measured[scenario.name] = m = measure_page(config, scenario)
            log(
                f"{scenario.label}: {m.rps:,.1f} req/s, p99 {m.p99_ms:.1f} ms, failed {m.other + m.errors}"
                + (f" ({m.extra['note']})" if m.extra.get("note") else "")
            )
        pages_by_size[n] = measured
        for name, m in measured.items():
            baseline = scenarios[name].baseline
            if not baseline:
                results.add(f"{name}@{n}.rps", m.rps, "req/s")
                results.add(f"{name}@{n}.p99", m.p99_ms, "ms")
                continue
            note = "; ".join(
                filter(None, [m.extra.get("note"), f"{m.other + m.errors} failed" if m.other + m.errors else ""])
            )
            row = results.add(
                f"{name}@{n}.rps",
                m.rps,
                "req/s",
                measured[baseline].rps,
                target=PAGE_TARGETS.get(name, 0.15),
                note=note,
            )
            if m.other or m.errors:
                row["met"] = False
            results.add(f"{name}@{n}.p99", m.p99_ms, "ms", measured[baseline].p99_ms)
        signed_in_floor(results, n, measured)
        submit(config, results, n, sessions, measured["bare_signed_in"])
        if largest:
            deadline_spike(config, results, sessions)
            web_during_pdfs(config, portal, results, scenarios["applicant_dashboard"].requests)
    finally:
        portal.stop_web()
        portal.stop_worker()
    if largest:
        pdf_render(config, results)


#: Each page's requests/s against its baseline (the signed-in bare view; the anonymous one for public pages).
PAGE_TARGETS = {"register": 0.10}
#: The signed-in bare view against the anonymous one: what a session, the user and their roles cost.
SIGNED_IN_FLOOR = 0.5
#: The deadline spike's 99th percentile at BENCH_SPIKE_CONNECTIONS connections.
SPIKE_P99_MS = 3000


def signed_in_floor(results: Results, n: int, measured: dict) -> None:
    anonymous, signed_in = measured.get("bare"), measured.get("bare_signed_in")
    if anonymous and signed_in:
        results.add(
            f"bare_signed_in@{n}.rps_vs_anonymous",
            signed_in.rps,
            "req/s",
            anonymous.rps,
            target=SIGNED_IN_FLOOR,
            note="the signed-in bare view against the anonymous one",
        )


def settled() -> dict:
    """The submission counts once requests a load generator abandoned at its deadline are done."""
    import pages

    previous = pages.counts()
    while True:
        time.sleep(1.5)
        current = pages.counts()
        if current == previous:
            return current
        previous = current


def submit(config: Config, results: Results, n: int, sessions, bare) -> None:
    import pages

    scenario = pages.submissions(sessions)
    before = settled()
    m = measure(config, scenario.requests)
    after = settled()
    log(
        f"submit: {m.rps:,.1f} req/s, p99 {m.p99_ms:.1f} ms, acknowledged {m.acked}, refused {m.refused}, "
        f"other {m.other}, versions +{after['versions'] - before['versions']}"
    )
    failed = m.refused + m.other + m.errors
    note = f"{m.refused} refused, {m.other} unexpected statuses, {m.errors} errors" if failed else ""
    row = results.add(f"submit@{n}.rps", m.rps, "req/s", bare.rps, target=0.25, note=note)
    if failed:
        row["met"] = False
    results.add(f"submit@{n}.p99", m.p99_ms, "ms", bare.p99_ms, target=5, higher_is_better=False)


def _queued_pdfs(config: Config) -> int:
    queue = redis_client(config)
    count = 0
    for raw in queue.lrange("portal", 0, -1):
        message = json.loads(raw)
        if message.get("headers", {}).get("task") == "surveys.tasks.render_version_pdf":
            count += 1
    return count


def deadline_spike(config: Config, results: Results, sessions) -> None:
    import pages
    from load import spike

    before = settled()
    redis_client(config).flushdb()
    scenario = pages.submissions(sessions)
    queued_before = _queued_pdfs(config)
    log(f"deadline spike: {config.spike_connections} connections for {config.spike_duration} s on submit")
    m = spike(config.port, scenario.requests, seconds=config.spike_duration, connections=config.spike_connections)
    after, queued = pages.counts(), _queued_pdfs(config) - queued_before
    committed, audited = after["versions"] - before["versions"], after["audit"] - before["audit"]
    failed = m.errors + m.refused + m.other
    log(
        f"spike: {m.requests} answered, {m.acked} acknowledged, {committed} versions committed, {audited} audited, "
        f"{queued} PDFs queued, {failed} errors, p99 {m.p99_ms:.0f} ms"
    )
    results.add(
        "spike.acknowledged_vs_committed",
        m.acked,
        "submissions",
        committed,
        target=1,
        higher_is_better=False,
        note="acknowledged responses / committed versions; must be exactly 1",
    )
    results.rows["spike.acknowledged_vs_committed"]["met"] = m.acked == committed
    results.add("spike.audited_vs_acknowledged", audited, "audit rows", m.acked)
    results.rows["spike.audited_vs_acknowledged"].update(target="= 1", met=audited == m.acked)
    results.add("spike.pdfs_queued_vs_acknowledged", queued, "tasks", m.acked)
    results.rows["spike.pdfs_queued_vs_acknowledged"].update(target="= 1", met=queued == m.acked)
    results.add("spike.errors", failed, "requests", m.requests + m.errors)
    results.rows["spike.errors"].update(target="= 0", met=failed == 0)
    results.add("spike.rps", m.rps, "req/s")
    results.add("spike.p99", m.p99_ms, "ms")
    results.rows["spike.p99"].update(target=f"≤ {SPIKE_P99_MS:,} ms", met=m.p99_ms <= SPIKE_P99_MS)


def web_during_pdfs(config: Config, portal: Portal, results: Results, request_list: list[dict]) -> None:
    """The applicant dashboard's p99 with the Celery worker idle, then while its two processes render PDFs."""
    from load import wrk

    from portal.tasks import enqueue
    from surveys.models import ApplicationVersion
    from surveys.tasks import render_version_pdf

    redis_client(config).flushdb()
    idle = wrk(config.port, request_list, seconds=config.duration, connections=2)
    pending = list(ApplicationVersion.objects.filter(pdf="").order_by("pk").values_list("pk", flat=True)[:1000])
    for version_id in pending:
        enqueue(render_version_pdf, version_id)
    portal.start_worker()
    for _ in range(240):
        if ApplicationVersion.objects.filter(pk__in=pending).exclude(pdf="").exists():
            break
        time.sleep(0.25)
    rendered_before = ApplicationVersion.objects.filter(pk__in=pending).exclude(pdf="").count()
    busy = wrk(config.port, request_list, seconds=config.duration, connections=2)
    rendered = ApplicationVersion.objects.filter(pk__in=pending).exclude(pdf="").count() - rendered_before
    left = redis_client(config).llen("portal")
    portal.stop_worker()
    log(
        f"web p99 idle {idle.p99_ms:.1f} ms, while rendering {busy.p99_ms:.1f} ms ({rendered} PDFs rendered meanwhile, "
        f"{left} still queued)"
    )
    results.add(
        "pdf.web_p99_during_rendering",
        busy.p99_ms,
        "ms",
        idle.p99_ms,
        target=3,
        higher_is_better=False,
        note=f"applicant dashboard, 2 connections; {rendered} PDFs rendered during the measurement",
    )
    results.add("pdf.web_rps_during_rendering", busy.rps, "req/s", idle.rps)


def pdf_render(config: Config, results: Results) -> None:
    """The application PDF as the portal renders it (context, template, WeasyPrint with cached fonts and
    stylesheet) against plain WeasyPrint on the same HTML (a new font configuration and stylesheet each time)."""
    from django.contrib.staticfiles import finders
    from django.template.loader import render_to_string
    from django.utils import translation
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from portal.services.pdf import render_pdf
    from surveys.models import ApplicationVersion
    from surveys.services.receipts import version_pdf_context

    template = "pdf/application_version.html"
    stylesheet = finders.find("css/pdf.css")
    versions = list(
        ApplicationVersion.objects.select_related(
            "application__survey", "application__organization", "submitted_by"
        ).order_by("-pk")[: config.pdf_samples]
    )

    def portal_render(version):
        return render_pdf(template, version_pdf_context(version))

    def plain_render(html):
        fonts = FontConfiguration()
        return HTML(string=html, base_url=str(ROOT / "static")).write_pdf(
            stylesheets=[CSS(filename=stylesheet, font_config=fonts)], font_config=fonts
        )

    with translation.override("ko"):
        pages_html = [render_to_string(template, version_pdf_context(v)) for v in versions]
    portal_render(versions[0])
    plain_render(pages_html[0])
    portal_times, plain_times = [], []
    for version, html in zip(versions, pages_html):
        started = time.perf_counter()
        portal_render(version)
        portal_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        plain_render(html)
        plain_times.append(time.perf_counter() - started)
    value, baseline = statistics.median(portal_times) * 1000, statistics.median(plain_times) * 1000
    log(f"application PDF {value:.0f} ms, plain WeasyPrint {baseline:.0f} ms (medians of {len(versions)})")
    results.add(
        "pdf.application_render",
        value,
        "ms",
        baseline,
        target=1.5,
        higher_is_better=False,
        note="median; portal render_pdf with its context against plain WeasyPrint on the same HTML",
    )


# -- report -----------------------------------------------------------------------------------------------


def growth(config: Config, results: Results, pages_by_size: dict) -> None:
    small, large = config.sizes[0], config.sizes[-1]
    if small == large:
        return
    for name, m in pages_by_size[large].items():
        if name in ("bare", "bare_signed_in") or name not in pages_by_size[small]:
            continue
        results.add(
            f"{name}@{large}.rps_vs_{small}",
            m.rps,
            "req/s",
            pages_by_size[small][name].rps,
            target=0.5,
            note=f"requests/s at N={large:,} against N={small:,}",
        )


def table(results: Results) -> str:
    lines = [
        "| measurement | value | baseline | ratio | target | met | note |",
        "| --- | ---: | ---: | ---: | --- | --- | --- |",
    ]
    for name, row in results.rows.items():
        baseline = "" if row["baseline"] is None else f"{row['baseline']:,.1f}"
        ratio = "" if row["ratio"] is None else f"{row['ratio']:.2f}"
        met = {True: "yes", False: "**no**", None: ""}[row.get("met")]
        lines.append(
            f"| {name} | {row['value']:,.1f} {row['unit']} | {baseline} | {ratio} | {row.get('target', '')} "
            f"| {met} | {row.get('note', '')} |"
        )
    return "\n".join(lines)


def main() -> None:
    config = Config.from_env()
    ensure_wrk()
    sys.path[:0] = [str(HERE), str(ROOT)]
    workdir = Path(tempfile.mkdtemp(prefix="portal-bench-"))
    portal = Portal(config, workdir)
    os.environ.update({k: v for k, v in portal.env.items() if k != "PYTHONPATH"})
    admin_sql(
        config,
        f'DROP DATABASE IF EXISTS "{config.database}" WITH (FORCE)',
        f'DROP DATABASE IF EXISTS "{config.database}_template" WITH (FORCE)',
        f'CREATE DATABASE "{config.database}_template"',
        f'CREATE DATABASE "{config.database}"',
    )
    log("migrating a template database and collecting static files")
    portal.manage("migrate", "--noinput", "-v0", database=f"{config.database}_template")
    portal.manage("collectstatic", "--noinput", "-v0")

    import django

    django.setup()
    results, pages_by_size = Results(), {}
    try:
        for n in config.sizes:
            run_size(config, portal, results, n, n == config.sizes[-1], pages_by_size)
        growth(config, results, pages_by_size)
    finally:
        portal.stop_web()
        portal.stop_worker()
        from django.db import connections

        connections.close_all()
        admin_sql(config, f'DROP DATABASE IF EXISTS "{config.database}_template" WITH (FORCE)')
        shutil.rmtree(workdir / "media", ignore_errors=True)
    (HERE / "results.json").write_text(json.dumps(results.rows, indent=2, ensure_ascii=False) + "\n")
    print(table(results))
    log(f"wrote {HERE / 'results.json'}; logs in {workdir}")
    missed = [name for name, row in results.rows.items() if row.get("met") is False]
    if missed:
        log("targets missed: " + ", ".join(missed))


if __name__ == "__main__":
    if sys.argv[1:] == ["--table"]:  # the table of the last run, for the README
        saved = Results()
        saved.rows = json.loads((HERE / "results.json").read_text())
        print(table(saved))
    else:
        main()

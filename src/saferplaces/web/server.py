"""The production web server ``saferplaces serve`` runs: gunicorn, or waitress where gunicorn cannot run.

Django must be set up (``django.setup()``) before :func:`serve` is called. Static
files are served by WhiteNoise inside the application, so one process serves
everything.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from typing import Any

#: The most worker processes :func:`fitted_workers` chooses, whatever the machine: each holds
#: the whole application in memory, and SQLite takes one writer at a time.
MAX_WORKERS = 9
#: Threads in each worker process.
THREADS = 4
#: Seconds ``stop_worker`` lets the background worker finish its task before it is killed.
WORKER_STOP_SECONDS = 20
#: Seconds a request may take before gunicorn restarts its worker (a PDF report can take a while).
TIMEOUT = 120


def cpu_count() -> int:
    """The processors this process may run on (fewer than the machine's under a CPU limit)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # macOS and Windows have no sched_getaffinity
        return os.cpu_count() or 1


def fitted_workers(cpus: int | None = None) -> int:
    """Gunicorn's advice, two workers per processor plus one, at most :data:`MAX_WORKERS`."""
    cpus = cpu_count() if cpus is None else cpus
    return max(1, min(2 * cpus + 1, MAX_WORKERS))


@dataclass(frozen=True)
class ServerPlan:
    """What :func:`serve` will run, said before it starts.

    Attributes
    ----------
    server
        ``"gunicorn"`` or ``"waitress"``.
    host, port
        The address it listens on.
    workers
        Worker processes, each of :data:`THREADS` threads (gunicorn); waitress runs
        ``workers * THREADS`` threads in one process.
    assumptions
        The choices made for the user, one sentence each.
    """

    server: str
    host: str
    port: int
    workers: int
    assumptions: tuple[str, ...] = field(default=())


def plan_server(host: str, port: int, workers: int | None = None) -> ServerPlan:
    """Choose the server and its worker count for this machine."""
    assumptions = []
    if workers is None:
        from saferplaces.wording import counted

        workers = fitted_workers()
        assumptions.append(
            f"{workers} workers of {THREADS} threads, fitted to the {counted(cpu_count(), 'processor')} this "
            f"process may use (two workers per processor plus one, at most {MAX_WORKERS}); "
            "--workers changes it."
        )
    try:
        import gunicorn  # noqa: F401

        server = "gunicorn"
    except ImportError:  # gunicorn does not run on Windows; the dependency is not installed there
        server = "waitress"
        assumptions.append(
            f"Gunicorn cannot run here, so waitress serves the app, with {THREADS} threads per worker."
        )
    return ServerPlan(server, host, port, workers, tuple(assumptions))


def warm_up() -> None:
    """Do once, before serving, what every worker would otherwise do on its first requests.

    Django imports the URL table (and with it every view module) at the first request, and
    Jinja compiles each template the first time a page uses it: about a second of processor
    time on a small machine, paid by each worker process in the middle of serving. Called
    when the WSGI application is made: with gunicorn's ``preload_app`` (``saferplaces serve``)
    it runs once, before the workers are forked, and they share the result. It opens no
    database or DuckDB connection, which a forked worker must not inherit.

    It also empties the residents' pages' cache, which is kept in a folder and outlives the
    server: pages made by the code that ran before must not be served by this one.
    """
    from django.core.cache import caches
    from django.template import engines
    from django.urls import get_resolver

    from saferplaces.web.public.data import CACHE_ALIAS

    caches[CACHE_ALIAS].clear()

    get_resolver()._populate()  # imports every URL module and view, as the first request would
    for engine in engines.all():
        env = getattr(engine, "env", None)  # Jinja2; Django's own templates (the admin) are left
        if env is None:
            continue
        for name in env.list_templates(extensions=("html", "xml", "txt")):
            env.get_template(name)


def serve(plan: ServerPlan) -> None:
    """Run the server the plan names until it is stopped (Ctrl+C or SIGTERM)."""
    from django.db import connections

    from saferplaces.web.config.wsgi import application

    # Worker processes are forked from this one: none may inherit an open database connection.
    connections.close_all()
    if plan.server == "waitress":
        import waitress

        waitress.serve(application, host=plan.host, port=plan.port, threads=plan.workers * THREADS)
        return
    _gunicorn_application(application, plan).run()


def _gunicorn_application(application: Any, plan: ServerPlan) -> Any:
    from gunicorn.app.base import BaseApplication

    class _Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            options = {
                "bind": f"{plan.host}:{plan.port}",
                "workers": plan.workers,
                "timeout": TIMEOUT,
                # Threads in each worker: a sync worker serves one request at a time and left the
                # 32-client benchmark waiting in the queue (docs/benchmarks.md).
                "worker_class": "gthread",
                "threads": THREADS,
                "graceful_timeout": 20,
                # Settings came from this process's environment; the workers share them.
                "preload_app": True,
                "errorlog": "-",
                "loglevel": "warning",
                "proc_name": "saferplaces",
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return application

    return _Server()


def start_worker() -> subprocess.Popen[bytes]:
    """Start ``saferplaces worker`` as a child process with this process's settings and store.

    ``saferplaces serve --with-worker`` runs it beside the server; :func:`stop_worker`
    stops it when the server stops.
    """
    command = [sys.executable, "-c", "from saferplaces.cli.main import main; main()", "worker"]
    # Its own session: Ctrl+C reaches the server only, and stop_worker then asks the worker
    # once to stop (a second signal would make it abandon the task it is running).
    return subprocess.Popen(command, env=dict(os.environ), start_new_session=True)  # noqa: S603


def stop_worker(worker: subprocess.Popen[bytes], timeout: float = WORKER_STOP_SECONDS) -> None:
    """Ask the worker to stop (it finishes the task it is running), killing it after ``timeout`` seconds.

    A task killed part-way saved nothing (its writes share one transaction), and its page
    then says the worker stopped (``saferplaces.web.work.jobs.mark_stopped_jobs``).
    """
    if worker.poll() is None:
        worker.terminate()
    try:
        worker.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()

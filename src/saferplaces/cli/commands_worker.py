"""Command: worker (runs the web application's background tasks)."""

from __future__ import annotations

import os

import click

from saferplaces.cli.common import store_option
from saferplaces.data.store_location import ENV_VAR, resolve_store_dir
from saferplaces.errors import InputError

DATABASE_BACKEND = "django_tasks_db.DatabaseBackend"


@click.command("worker")
@click.option(
    "--batch", is_flag=True, help="Run the tasks waiting now, then stop (instead of waiting for more)."
)
@click.option(
    "--interval",
    default=1.0,
    show_default=True,
    type=click.FloatRange(0.1, 60),
    help="Seconds to wait between looks for new tasks when there are none.",
)
@click.option(
    "--nice",
    default=10,
    show_default=True,
    type=click.IntRange(0, 19),
    help="How far to lower the worker's processor priority, so that web pages are answered first "
    "(0 leaves it as it is; POSIX only).",
)
@store_option
def worker_command(batch: bool, interval: float, store_dir: str | None, nice: int = 0) -> None:
    """Run the web application's background tasks until you press Ctrl+C.

    Assessment builds, target refreshes from the data store and large imports are
    started in the web application and run here, so no page waits for them. Use the
    same store folder (or $SAFERPLACES_DB, or $DATABASE_URL) as `saferplaces serve`.
    `saferplaces serve --with-worker` (and `./run demo`) starts one worker beside the server.

    \b
    Example:
      saferplaces worker
      saferplaces worker --batch
    """
    if nice and hasattr(os, "nice"):
        # A build takes whole processors for a minute; at a lower priority it takes only what the
        # web server leaves (docs/benchmarks.md, "Pages during a build"). Lowered first, so that
        # starting up gives way too.
        os.nice(nice)
    if store_dir:
        os.environ[ENV_VAR] = str(resolve_store_dir(store_dir))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saferplaces.web.config.settings.local")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    backend = settings.TASKS["default"]["BACKEND"]
    if backend != DATABASE_BACKEND:
        raise InputError(
            f"The task backend is {backend}, whose own worker runs the tasks, not this command.",
            "Start that backend's worker, or unset SAFERPLACES_TASKS_BACKEND to use the database backend.",
        )
    call_command("migrate", interactive=False, verbosity=0)
    click.echo(
        "The Safer Places worker is running background tasks" + ("." if batch else " (Ctrl+C stops it).")
    )
    call_command(
        "db_worker", batch=batch, interval=interval, reload=False, startup_delay=not batch, verbosity=1
    )


COMMANDS = [worker_command]

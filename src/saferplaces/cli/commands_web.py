"""Commands: serve and createuser (the partnership web application)."""

from __future__ import annotations

import os
from pathlib import Path

import click

from saferplaces.cli.common import store_option
from saferplaces.data.store_location import ENV_VAR, resolve_store_dir


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="The port.")
@click.option(
    "--seed-plans/--no-seed-plans",
    default=False,
    show_default=True,
    help="Load the four Staffordshire seed plans first (a plan already loaded is left as it is).",
)
@click.option(
    "--demo-accounts",
    is_flag=True,
    help="Make one account per role for trying the app, with a random password kept in the store folder.",
)
@click.option(
    "--demo-activity",
    is_flag=True,
    help="Add two quarters of activity invented for the demo (2025/26 Q1 and Q2) to two seed plans.",
)
@click.option(
    "--with-worker",
    is_flag=True,
    help="Also run one background worker (saferplaces worker); Ctrl+C stops both.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Worker processes (default: fitted to the machine, two per processor plus one).",
)
@click.option("--dev", is_flag=True, help="Use Django's development server instead (for developers only).")
@store_option
def serve_command(
    host: str,
    port: int,
    seed_plans: bool,
    demo_accounts: bool,
    demo_activity: bool,
    with_worker: bool,
    workers: int | None,
    dev: bool,
    store_dir: str | None,
) -> None:
    """Run the partnership web application on this machine.

    Brings the app's database (web.sqlite3 in the store folder, or $SAFERPLACES_DB,
    or $DATABASE_URL) up to date, then serves the app with gunicorn (waitress on
    Windows), static files included, until you press Ctrl+C. Behind a proxy with
    HTTPS, use the production settings (docs/deploy.md).

    \b
    Example:
      saferplaces serve --seed-plans --demo-accounts
      saferplaces serve --seed-plans --demo-activity --with-worker
      saferplaces serve --host 0.0.0.0 --port 8080 --workers 4
    """
    _setup_django(store_dir)
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    if seed_plans:
        call_command("load_seed_plans")
    if demo_activity:  # issue #11: invented activity so the demo's board packs have content
        call_command("load_demo_activity")
    address = f"http://{'localhost' if host == '127.0.0.1' else host}:{port}/"
    click.echo(f"Safer Places is at {address}")
    if demo_accounts:
        from django.conf import settings

        from saferplaces.web.demo_accounts import PASSWORD_FILE, ensure_demo_accounts

        accounts, password = ensure_demo_accounts(settings.ENV.store_dir)
        click.echo(f"Sign in at {address}sign-in/ with one of these accounts, password {password}")
        for account in accounts:
            click.echo(f"  {account.username:<13} {account.role.label:<26} {account.what_to_try}")
        click.echo(f"(The password is kept in {settings.ENV.store_dir / PASSWORD_FILE}.)")
        from saferplaces.web.assessments.demo import queue_demo_assessments

        if queue_demo_assessments():  # issue #10: the seeds' evidence matched to the bundled data
            click.echo(
                "The worker is building the Lichfield and Stafford 2025 assessments the seed plans link to."
            )
    if demo_activity:  # issue #11: a signed-off Q1 pack and a draft Q2 pack from the invented activity
        # in a process of its own: Typst's threads, started here, would not be in the server's
        # forked workers (ADR 0032), so the server's process never typesets before it forks
        _in_child_process("make_demo_packs")
    click.echo("To make your own account: saferplaces createuser NAME --superuser")
    from saferplaces.web.server import plan_server, serve, start_worker, stop_worker

    worker = start_worker() if with_worker else None
    if worker is not None:
        click.echo(f"A background worker is running beside the server (process {worker.pid}).")
    try:
        if dev:
            call_command("runserver", f"{host}:{port}", use_reloader=False)
            return
        plan = plan_server(host, port, workers)
        for sentence in plan.assumptions:
            click.echo(f"Note: {sentence}")
        click.echo(f"Serving with {plan.server}; press Ctrl+C to stop" + (" both." if worker else "."))
        serve(plan)
    finally:
        if worker is not None:
            stop_worker(worker)


def _in_child_process(command: str) -> None:
    """Run a management command in a new Python process with this one's settings and store."""
    import subprocess
    import sys

    code = "import django; django.setup(); from django.core.management import call_command; call_command(%r)"
    subprocess.run([sys.executable, "-c", code % command], env=dict(os.environ), check=True)  # noqa: S603


def _setup_django(store_dir: str | None) -> None:
    if store_dir:
        os.environ[ENV_VAR] = str(resolve_store_dir(store_dir))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saferplaces.web.config.settings.local")
    import django

    django.setup()


@click.command("createuser")
@click.argument("username")
@click.option(
    "--role",
    "roles",
    multiple=True,
    metavar="PARTNERSHIP:ROLE",
    help="A role in a partnership, such as lichfield:lead_officer. Roles: administrator, analyst, "
    "lead_officer, provider, board_member. Repeat for more.",
)
@click.option(
    "--superuser", is_flag=True, help="Give the account every permission, including the admin pages."
)
@click.password_option(help="The password; asked for (twice, hidden) when not given.")
@store_option
def createuser_command(
    username: str, roles: tuple[str, ...], superuser: bool, password: str, store_dir: str | None
) -> None:
    """Make an account for the web application, with its roles.

    There are no default accounts or passwords: make the first one with --superuser.

    \b
    Example:
      saferplaces createuser admin --superuser
      saferplaces createuser jo.bloggs --role lichfield:lead_officer
    """
    pairs = []
    for role in roles:
        slug, sep, name = role.partition(":")
        if not sep:
            raise click.BadParameter(
                f"{role!r} is not PARTNERSHIP:ROLE, such as lichfield:analyst.", param_hint="--role"
            )
        pairs.append((slug.strip(), name.strip()))
    _setup_django(store_dir)
    from django.core.management import call_command

    from saferplaces.web.accounts.users import create_user

    call_command("migrate", interactive=False, verbosity=0)
    user = create_user(username, password, pairs, superuser=superuser)
    click.echo(f"Made the account {user.username!r}" + (f" with {len(pairs)} role(s)." if pairs else "."))


@click.command("backup")
@click.argument("folder", type=click.Path(file_okay=False))
@store_option
def backup_command(folder: str, store_dir: str | None) -> None:
    """Copy the data store and the web app's database into a new FOLDER.

    Safe while the app runs: the store is copied under its write lock and the database
    with SQLite's online backup (or pg_dump for PostgreSQL). Restore it with
    saferplaces restore.

    \b
    Example:
      saferplaces backup /srv/backups/saferplaces-2026-12-03
    """
    _setup_django(store_dir)
    from django.conf import settings

    from saferplaces.web.backup import make_backup

    result = make_backup(Path(folder), settings.ENV.store_dir)
    click.echo(f"Backed up {result.store_files} store files and the {result.database} database to {folder}")


@click.command("restore")
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@click.option("--replace", is_flag=True, help="Overwrite a store folder that already holds data.")
@store_option
def restore_command(folder: str, replace: bool, store_dir: str | None) -> None:
    """Put back a backup made by saferplaces backup: the store folder and the database.

    Then brings the database up to date for this version (migrate).

    \b
    Example:
      saferplaces restore /srv/backups/saferplaces-2026-12-03 --store /srv/saferplaces
    """
    _setup_django(store_dir)
    from django.conf import settings
    from django.core.management import call_command

    from saferplaces.web.backup import restore_backup

    result = restore_backup(Path(folder), settings.ENV.store_dir, replace=replace)
    call_command("migrate", interactive=False, verbosity=0)
    click.echo(f"Restored {result.store_files} store files and the {result.database} database from {folder}")


COMMANDS = [serve_command, createuser_command, backup_command, restore_command]

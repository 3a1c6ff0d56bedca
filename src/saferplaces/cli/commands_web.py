"""Command: serve (the partnership web application)."""

from __future__ import annotations

import os

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
@store_option
def serve_command(host: str, port: int, seed_plans: bool, store_dir: str | None) -> None:
    """Run the partnership web application on this machine.

    Brings the app's database (web.sqlite3 in the store folder, or $SAFERPLACES_DB,
    or $DATABASE_URL) up to date, then serves the app until you press Ctrl+C.
    For a server, run gunicorn with the production settings instead (docs/web.md).

    \b
    Example:
      saferplaces serve --seed-plans
      saferplaces serve --host 0.0.0.0 --port 8080
    """
    if store_dir:
        os.environ[ENV_VAR] = str(resolve_store_dir(store_dir))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saferplaces.web.config.settings.local")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    if seed_plans:
        call_command("load_seed_plans")
    address = f"http://{'localhost' if host == '127.0.0.1' else host}:{port}/"
    click.echo(f"Safer Places is at {address}")
    click.echo("To sign in to the administration pages, first make an account with:")
    click.echo("  python -m saferplaces.web.manage createsuperuser")
    call_command("runserver", f"{host}:{port}", use_reloader=False)


COMMANDS = [serve_command]

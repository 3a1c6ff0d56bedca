"""A real worker process and its database, for test_worker_stop.py (run as a script, not collected).

    python tests/web/worker_process.py setup          migrate, add a partnership and an analyst,
                                                     start a slow job; print its id
    python tests/web/worker_process.py worker         run the database worker (db_worker) until killed
    python tests/web/worker_process.py page JOB_ID    print the job's page as the analyst sees it, as JSON
    python tests/web/worker_process.py retry JOB_ID   the same, then start it again and look once more

SAFERPLACES_HOME names the store folder whose web.sqlite3 all three share. The slow kind of
work ("test-slow") reports a step every tenth of a second for a minute, then saves a risk:
a worker killed part-way must leave it unsaved.
"""

from __future__ import annotations

import json
import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saferplaces.web.config.settings.local")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from saferplaces.web.work.jobs import Outcome, Progress, Save, runner  # noqa: E402
from saferplaces.web.work.models import Job  # noqa: E402

STEPS = 600


def _analyst_may_start(user: object, job: Job) -> bool:
    return getattr(user, "username", "") == "ana"


@runner("test-slow", may_start=_analyst_may_start)
def slow(job: Job, progress: Progress) -> Save:
    for step in range(STEPS):
        progress(step, STEPS, "Waiting")
        time.sleep(0.1)

    def save() -> Outcome:
        job.partnership.description = "saved by the slow job"
        job.partnership.save()
        return Outcome("Done.")

    return save


def main(command: str, *args: str) -> None:
    from django.contrib.auth.models import User

    from saferplaces.web.accounts.models import Role
    from saferplaces.web.partnerships.models import Partnership
    from saferplaces.web.work.jobs import start_job

    if command == "setup":
        call_command("migrate", interactive=False, verbosity=0)
        partnership = Partnership.objects.create(name="Testshire", slug="testshire", kind="district")
        user = User.objects.create_user("ana", password="a long password 123")
        Role.objects.create(user=user, partnership=partnership, name=Role.Name.ANALYST)
        print(start_job("test-slow", partnership, user, title="A slow job", steps_total=STEPS).pk)
    elif command == "worker":
        call_command("db_worker", batch=False, interval=0.1, reload=False, startup_delay=False, verbosity=0)
    elif command in {"page", "retry"}:
        from django.test import Client
        from django.test.utils import setup_test_environment

        setup_test_environment()  # the test client's host is allowed
        client = Client()
        client.force_login(User.objects.get(username="ana"))
        url = f"/partnerships/testshire/tasks/{args[0]}/"
        seen = {"page": _seen(client, url, args[0])}
        if command == "retry":  # start it again, then look at the failed job's page once more
            response = client.post(url + "retry/")
            again = Job.objects.order_by("-id").first()
            seen["retry"] = {
                "code": response.status_code,
                "location": response.get("Location", ""),
                "retry_of": again.retry_of_id,
                "status": again.status,
                "title": again.title,
            }
            seen["after"] = _seen(client, url, args[0])
        print(json.dumps(seen))


def _seen(client: object, url: str, job_id: str) -> dict[str, object]:
    from saferplaces.web.partnerships.models import Partnership

    response = client.get(url)
    job = Job.objects.get(pk=job_id)
    return {
        "code": response.status_code,
        "html": response.content.decode(),
        "status": job.status,
        "error": job.error,
        "saved": Partnership.objects.get(slug="testshire").description,
    }


if __name__ == "__main__":
    main(*sys.argv[1:])

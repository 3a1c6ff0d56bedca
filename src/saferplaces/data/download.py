"""Download police.uk street-level and outcomes files from data.police.uk and load them.

data.police.uk publishes one zip archive a month at
``<base>/data/archive/YYYY-MM.zip``. The archive named for a month holds the 36
months that end with it, for every force, as ``YYYY-MM/YYYY-MM-<force>-street.csv``
and ``YYYY-MM/YYYY-MM-<force>-outcomes.csv`` (plus stop-and-search files, which
we skip). See https://data.police.uk/about/ ("Data Download").

The plan is the smallest set of archives that covers the requested months: the
archive named for the last month (``--to``), then, if the range is longer than 36
months, the archive named 36 months earlier, and so on. Each archive is streamed
to a temporary file in the store's work folder, only the requested force's files
for the requested months are taken out of it, and the archive is deleted before
the next one is fetched. The files are then loaded in one all-or-nothing import
with :func:`saferplaces.data.ingest.ingest`, so a failed download changes nothing
in the store.

Only the standard library is used for HTTP (``urllib``): no extra dependency, and
nothing here imports the CLI. The JSON API is not used: it returns no LSOA codes
and needs a polygon per request, so it cannot rebuild the street-level files.
"""

from __future__ import annotations

import csv
import difflib
import http.client
import os
import re
import shutil
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from saferplaces import __version__
from saferplaces.data import policeuk_format as fmt
from saferplaces.data.bundled_files import bundled
from saferplaces.data.ingest import IngestResult, ingest
from saferplaces.data.input_files import check_inflated, check_total, disguised
from saferplaces.data.periods import month_from_index, month_index
from saferplaces.data.progress import Progress, no_progress
from saferplaces.data.store import Store, work_folder
from saferplaces.errors import DownloadError, InputError, StoreError

DEFAULT_BASE_URL = "https://data.police.uk"
#: Environment variable that overrides the base URL (tests point it at a local server).
BASE_URL_ENV = "SAFERPLACES_POLICE_UK_URL"
#: Months held by each monthly archive: the named month and the 35 before it.
ARCHIVE_MONTHS = 36
#: The first month data.police.uk published.
FIRST_MONTH = "2010-12"
#: Seconds to wait for the server to connect or send the next bytes (not for the whole file).
TIMEOUT = 60.0
#: Tries for each archive when the network or the server fails in a way that may pass.
ATTEMPTS = 3
#: Seconds before the first retry; doubled before each further one.
BACKOFF = 0.5
#: HTTP statuses worth a retry: timeouts, rate limits and server faults.
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
#: HTTP statuses that mean the archive is not there.
MISSING_STATUSES = frozenset({403, 404, 410})
CHUNK = 1 << 20
KINDS = ("street", "outcomes")
USER_AGENT = f"saferplaces/{__version__} (+https://github.com/saferplaces/saferplaces)"


@dataclass(frozen=True)
class ArchivePlan:
    """One monthly archive to fetch and the requested months taken from it."""

    name: str
    url: str
    months: tuple[str, ...]


@dataclass(frozen=True)
class DownloadResult:
    """What a download did.

    Attributes
    ----------
    force
        The police.uk force slug, e.g. ``"staffordshire"``.
    months
        Every month requested, oldest first.
    archives
        The archives fetched, in the order fetched.
    files
        The file names taken from the archives, e.g. ``2025-01-staffordshire-street.csv``.
    missing_street, missing_outcomes
        Requested months for which an archive held no file of that kind for the force.
    bytes_downloaded
        Bytes received, over all archives.
    ingest
        The import's result, or None with ``--no-ingest``.
    saved
        Where the files were saved with ``--out``.
    assumptions
        Sentences on the choices made (which archive supplied which months).
    """

    force: str
    months: tuple[str, ...]
    archives: tuple[ArchivePlan, ...]
    files: tuple[str, ...]
    missing_street: tuple[str, ...]
    missing_outcomes: tuple[str, ...]
    bytes_downloaded: int
    ingest: IngestResult | None = None
    saved: tuple[Path, ...] = ()
    assumptions: tuple[str, ...] = field(default=())

    def count(self, kind: str) -> int:
        """Number of files of ``kind`` (``"street"`` or ``"outcomes"``) downloaded."""
        return sum(1 for f in self.files if fmt.kind_of(f) == kind)


# --------------------------------------------------------------------------------------------
# Validation at the front door


def police_uk_forces() -> dict[str, str]:
    """Return {force slug: force name} for the forces data.police.uk publishes."""
    with open(bundled("reference/police_uk_forces.csv"), encoding="utf-8", newline="") as handle:
        return {row["force"]: row["force_name"] for row in csv.DictReader(handle)}


def validate_force(value: str, name: str = "--force") -> str:
    """Return the police.uk slug for a force given by slug or name, any case.

    Raises
    ------
    InputError
        Naming the argument and listing the forces allowed.
    """
    forces = police_uk_forces()
    text = (value or "").strip()
    key = text.lower()
    if key in forces:
        return key
    by_name = {n.lower(): s for s, n in forces.items()}
    if key in by_name:
        return by_name[key]
    slug = re.sub(r"[^a-z0-9]+", "-", key).strip("-")
    if slug in forces:
        return slug
    close = difflib.get_close_matches(slug, list(forces), n=1, cutoff=0.6)
    hint = f"Did you mean '{close[0]}'? " if close else ""
    raise InputError(
        f"The {name} value '{value}' is not a police.uk force.",
        f"{hint}Use one of: {', '.join(sorted(forces))}.",
    )


def validate_month(value: str, name: str) -> str:
    """Return a month ``YYYY-MM`` that data.police.uk can hold, else raise InputError."""
    text = (value or "").strip()
    if not fmt.MONTH.match(text):
        raise InputError(
            f"The {name} value '{value}' is not a month like 2025-01.",
            f"Give {name} as a year and month, YYYY-MM.",
        )
    if text < FIRST_MONTH:
        raise InputError(
            f"The {name} month {text} is before {FIRST_MONTH}, the first month data.police.uk published.",
            f"Give {name} as {FIRST_MONTH} or later.",
        )
    this_month = datetime.now(UTC).strftime("%Y-%m")
    if text > this_month:
        raise InputError(
            f"The {name} month {text} has not happened yet.",
            f"Give {name} as {this_month} or earlier; police.uk publishes a month about "
            "seven weeks after it ends.",
        )
    return text


def validate_month_range(start: str, end: str) -> tuple[str, ...]:
    """Check ``--from`` and ``--to`` and return every month between them, inclusive."""
    first = validate_month(start, "--from")
    last = validate_month(end, "--to")
    if first > last:
        raise InputError(
            f"The --from month {first} is after the --to month {last}.",
            "Give a --from month no later than --to.",
        )
    return tuple(month_from_index(i) for i in range(month_index(first), month_index(last) + 1))


def resolve_base_url(
    explicit: str | None = None, env: str = BASE_URL_ENV, default: str = DEFAULT_BASE_URL
) -> str:
    """Return the publisher's address: ``explicit``, else the variable ``env``, else ``default``.

    For data.police.uk they are --base-url, $SAFERPLACES_POLICE_UK_URL and https://data.police.uk.
    """
    source = "--base-url" if explicit else env
    value = (explicit or os.environ.get(env) or default).strip()
    parts = urllib.parse.urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(
            f"The {source} value '{value}' is not an http or https address.",
            f"Give an address like {default}.",
        )
    return value.rstrip("/")


def plan_archives(months: Sequence[str], base_url: str) -> list[ArchivePlan]:
    """Choose the fewest monthly archives that hold ``months`` (a contiguous, sorted run).

    The archive named for the last month holds it and the 35 before; each further
    archive is named 36 months before the previous one.
    """
    plans: list[ArchivePlan] = []
    wanted = set(months)
    end = month_index(months[-1])
    first = month_index(months[0])
    while end >= first:
        window = [month_from_index(i) for i in range(end - ARCHIVE_MONTHS + 1, end + 1)]
        name = month_from_index(end)
        plans.append(
            ArchivePlan(
                name=name,
                url=f"{base_url}/data/archive/{name}.zip",
                months=tuple(m for m in window if m in wanted),
            )
        )
        end -= ARCHIVE_MONTHS
    return plans


# --------------------------------------------------------------------------------------------
# HTTP


class _Retry(Exception):
    """A failure that may pass: try again, then report ``problem``."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


def _host(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _reason(exc: BaseException) -> str:
    reason = getattr(exc, "reason", None) or exc
    if isinstance(reason, BaseException):
        text = getattr(reason, "strerror", None) or str(reason) or type(reason).__name__
    else:
        text = str(reason)
    return text.rstrip(".")


def fetch(
    url: str,
    dest: Path,
    progress: Progress = no_progress,
    step: str = "Downloading",
    *,
    timeout: float = TIMEOUT,
    attempts: int = ATTEMPTS,
    backoff: float = BACKOFF,
    source: str = "data.police.uk",
    missing_hint: str = (
        "Check the month has been published (police.uk publishes a month about "
        "seven weeks after it ends) and choose an earlier --to if not."
    ),
    env: str = BASE_URL_ENV,
) -> int:
    """Stream ``url`` to the file ``dest`` and return the number of bytes received.

    ``source`` names the publisher in messages, ``missing_hint`` is what to do when the file is
    not there, and ``env`` the environment variable that moves the base address.

    Network faults, timeouts, an early end to the body and HTTP 408/429/5xx are
    retried ``attempts`` times in all, waiting ``backoff`` seconds and then twice
    as long each time. A missing file (HTTP 403/404/410) and a refused connection
    are not retried: waiting does not mend them.

    Raises
    ------
    DownloadError
        With a sentence on what went wrong and one on what to do.
    StoreError
        When ``dest`` cannot be written (for example the disk is full).
    """
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    problem = ""
    for attempt in range(1, max(1, attempts) + 1):
        try:
            return _fetch_once(request, dest, progress, step, timeout, env)
        except urllib.error.HTTPError as exc:
            exc.close()
            if exc.code in MISSING_STATUSES:
                missing = f"{source} has no file at {url} (HTTP {exc.code})."
                raise DownloadError(missing, missing_hint) from exc
            if exc.code not in RETRY_STATUSES:
                raise DownloadError(
                    f"{source} refused the download of {url} (HTTP {exc.code} {exc.reason}).",
                    f"Try again later; if it keeps failing, check --base-url or {env}.",
                ) from exc
            problem = f"{source} answered HTTP {exc.code} {exc.reason} for {url}"
        except _Retry as exc:
            problem = exc.problem
        if attempt < attempts:
            time.sleep(backoff * 2 ** (attempt - 1))
    raise DownloadError(
        f"The download of {url} failed after {attempts} tries: {problem}.",
        f"Check your internet connection and try again later; set --base-url or {env} if you use a mirror.",
    )


def _fetch_once(
    request: urllib.request.Request,
    dest: Path,
    progress: Progress,
    step: str,
    timeout: float,
    env: str = BASE_URL_ENV,
) -> int:
    url = request.full_url
    try:
        response = urllib.request.urlopen(request, timeout=timeout)  # noqa: S310 - http(s) only
    except urllib.error.HTTPError:
        raise
    except (urllib.error.URLError, TimeoutError, ConnectionError, http.client.HTTPException) as exc:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, TimeoutError | socket.timeout):
            raise _Retry(f"{_host(url)} did not answer within {timeout:g} seconds") from exc
        if isinstance(reason, ConnectionRefusedError):
            # The host is there and said no: a wrong address or a local proxy, not a blip.
            raise DownloadError(
                f"Could not connect to {_host(url)} ({_reason(exc)}).",
                f"Check your internet connection and the address in --base-url or {env}, then try again.",
            ) from exc
        raise _Retry(f"could not connect to {_host(url)} ({_reason(exc)})") from exc
    with response:
        total = int(response.headers.get("Content-Length") or 0)
        done = 0
        progress(step, 0, total)
        try:
            handle = open(dest, "wb")  # noqa: SIM115 - closed below
        except OSError as exc:
            raise _store_error(dest, exc) from exc
        with handle:
            while True:
                try:
                    chunk = response.read(CHUNK)
                except TimeoutError as exc:
                    raise _Retry(
                        f"{_host(url)} stopped sending for {timeout:g} seconds after {done:,} bytes"
                    ) from exc
                except (http.client.HTTPException, ConnectionError, OSError) as exc:
                    raise _Retry(
                        f"the connection broke after {done:,} of {total:,} bytes ({_reason(exc)})"
                        if total
                        else f"the connection broke after {done:,} bytes ({_reason(exc)})"
                    ) from exc
                if not chunk:
                    break
                try:
                    handle.write(chunk)
                except OSError as exc:
                    raise _store_error(dest, exc) from exc
                done += len(chunk)
                progress(step, done, max(total, done))
        if total and done < total:
            raise _Retry(f"the connection ended after {done:,} of {total:,} bytes")
    return done


def _store_error(path: Path, exc: OSError) -> StoreError:
    return StoreError(
        f"The download could not be written to {path.parent} ({exc.strerror or exc}); nothing was changed.",
        "Check there is free disk space (a data.police.uk archive is about 2 GB, an ONS "
        "population table a few MB) and that you "
        "may write to the folder, then try again.",
    )


# --------------------------------------------------------------------------------------------
# Archives


def member_name(month: str, force: str, kind: str) -> str:
    """The file name data.police.uk gives one force-month, e.g. ``2025-01-staffordshire-street.csv``."""
    return f"{month}-{force}-{kind}.csv"


def extract_force_months(
    archive: Path,
    url: str,
    force: str,
    months: Sequence[str],
    dest: Path,
    progress: Progress = no_progress,
) -> tuple[list[Path], list[tuple[str, str]]]:
    """Copy the force's street and outcomes files for ``months`` out of ``archive`` into ``dest``.

    Members are matched by file name wherever they sit in the archive, so both the
    ``YYYY-MM/`` folder layout and a flat layout work. Reading a member checks its
    CRC, so a damaged archive fails here rather than in the store. What the members
    decompress to is bounded as every import's input is (``input_files.LIMITS``), so a
    hostile answer cannot fill the disk.

    Returns
    -------
    tuple
        The files written, and the (month, kind) pairs the archive did not hold.

    Raises
    ------
    DownloadError
        If the file is not a readable zip archive or a member is damaged.
    DataFormatError
        If the members decompress beyond the limits.
    """
    wanted = {member_name(m, force, k): (m, k) for m in months for k in KINDS}
    found: dict[str, zipfile.ZipInfo] = {}
    written: list[Path] = []
    try:
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                base = info.filename.rsplit("/", 1)[-1]
                if not info.is_dir() and base in wanted and base not in found:
                    found[base] = info
            step = f"Extracting {force} files"
            archive_size = archive.stat().st_size
            check_total(archive_size, sum(i.file_size for i in found.values()), f"The archive from {url}")
            total = 0
            for i, (base, info) in enumerate(sorted(found.items())):
                progress(step, i, len(found))
                target = dest / base
                shown, again = f"{url}: {info.filename}", "Try the download again."
                check_inflated(shown, info.compress_size, info.file_size, again)  # as declared
                with zf.open(info) as src, open(target, "wb") as dst:
                    out = 0
                    # copied in counted pieces: a member can decompress to more than it declares
                    for chunk in iter(lambda src=src: src.read(CHUNK), b""):
                        out, total = out + len(chunk), total + len(chunk)
                        check_inflated(shown, info.compress_size, out, again)
                        check_total(archive_size, total, f"The archive from {url}")
                        dst.write(chunk)
                written.append(target)
            progress(step, len(found), len(found))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, zlib.error, NotImplementedError) as exc:
        with open(archive, "rb") as handle:
            what = disguised(handle.read(64))
        if what:
            raise DownloadError(
                f"The file downloaded from {url} is {what}, not a zip archive (the site may be "
                "down for maintenance or asking you to sign in).",
                "Try again later; if it keeps happening, open the address in a browser to see what it says.",
            ) from exc
        raise DownloadError(
            f"The file downloaded from {url} is not a complete zip archive ({_reason(exc)}).",
            "Try again; if it keeps failing, download the archive in a browser and load it "
            "with 'saferplaces ingest'.",
        ) from exc
    except OSError as exc:
        raise _store_error(dest / "x", exc) from exc
    missing = [pair for name, pair in sorted(wanted.items()) if name not in found]
    return written, missing


# --------------------------------------------------------------------------------------------
# The whole job


@contextmanager
def scratch_folder(root: Path, purpose: str, in_store: bool) -> Iterator[Path]:
    """A private work folder under ``root/.work``; removed afterwards, with ``root`` if we made it.

    In a store it is leased (``store.work_folder``), so that a write meanwhile leaves it alone.
    """
    existed = root.exists()
    with ExitStack() as stack:
        stack.callback(_remove_if_made, root, existed)
        try:
            if in_store:
                work = stack.enter_context(work_folder(root, purpose))
            else:
                work = root / ".work" / f"{purpose}-{uuid.uuid4().hex}"
                work.mkdir(parents=True)
                stack.callback(_remove_work, work)
        except OSError as exc:
            raise StoreError(
                f"The folder {root} cannot be written ({exc.strerror or exc}).",
                "Choose a folder you can write to with --store, --out or SAFERPLACES_HOME.",
            ) from exc
        yield work


def _remove_work(work: Path) -> None:
    shutil.rmtree(work, ignore_errors=True)
    with suppress(OSError):
        work.parent.rmdir()  # when no other job is using it


def _remove_if_made(root: Path, existed: bool) -> None:
    if not existed and root.exists() and {p.name for p in root.iterdir()} <= {".lock", ".collect.lock"}:
        shutil.rmtree(root, ignore_errors=True)


def download_police_uk(
    force: str,
    start: str,
    end: str,
    store: Store | None,
    *,
    out: str | os.PathLike[str] | None = None,
    ingest_files: bool = True,
    base_url: str | None = None,
    progress: Progress = no_progress,
    timeout: float = TIMEOUT,
    attempts: int = ATTEMPTS,
    backoff: float = BACKOFF,
) -> DownloadResult:
    """Fetch a force's police.uk street-level and outcomes files for a run of months, then load them.

    Parameters
    ----------
    force
        A police.uk force, by slug (``staffordshire``) or name (``Staffordshire Police``).
    start, end
        The first and last months, ``YYYY-MM``, inclusive.
    store
        The store to load into; may be None when ``ingest_files`` is False.
    out
        A folder to keep the downloaded CSV files in, under their police.uk names.
        Required when ``ingest_files`` is False.
    ingest_files
        Load the files into ``store`` (the default); False only downloads to ``out``.
    base_url
        The data.police.uk address; default ``$SAFERPLACES_POLICE_UK_URL``, else
        https://data.police.uk.
    progress
        Called as ``progress(step, done, total)``; downloads report bytes.
    timeout, attempts, backoff
        Seconds to wait for the server; tries per archive; seconds before the first retry.

    Returns
    -------
    DownloadResult

    Raises
    ------
    InputError
        A bad force, month, month range, base URL or missing ``out``, naming the argument.
    DownloadError
        The server could not be reached, has no such archive, or sent a damaged one.
    DataFormatError, StoreError
        From the import. In every case the store and ``out`` are unchanged.

    References
    ----------
    data.police.uk, "About: Data Download", https://data.police.uk/about/
    """
    slug = validate_force(force)
    months = validate_month_range(start, end)
    url = resolve_base_url(base_url)
    if not ingest_files and out is None:
        raise InputError(
            "--no-ingest was given without --out, so the files would be thrown away.",
            "Add --out DIR to say where to save them.",
        )
    if ingest_files and store is None:
        raise InputError("No store was given to load the files into.", "Give --store DIR.")
    out_dir = Path(out).expanduser() if out is not None else None
    if out_dir is not None and out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"The --out path {out_dir} is a file, not a folder.", "Give a folder for --out.")
    plans = plan_archives(months, url)
    root = store.root if ingest_files and store is not None else out_dir
    assert root is not None
    with scratch_folder(root, "download", in_store=ingest_files) as work:
        files: list[Path] = []
        missing: list[tuple[str, str]] = []
        received = 0
        for plan in plans:
            archive = work / f"{plan.name}.zip"
            received += fetch(
                plan.url,
                archive,
                progress,
                f"Downloading {plan.name}.zip",
                timeout=timeout,
                attempts=attempts,
                backoff=backoff,
            )
            extracted = work / f"files-{plan.name}"
            extracted.mkdir()
            got, lacking = extract_force_months(archive, plan.url, slug, plan.months, extracted, progress)
            archive.unlink()
            files.extend(got)
            missing.extend(lacking)
        missing_street = tuple(sorted(m for m, k in missing if k == "street"))
        missing_outcomes = tuple(sorted(m for m, k in missing if k == "outcomes"))
        if len(missing_street) == len(months):
            where = ", ".join(p.url for p in plans)
            raise DownloadError(
                f"data.police.uk holds no street-level files for {slug} from {months[0]} to "
                f"{months[-1]} (looked in {where}).",
                "Check the force and months; some forces have gaps in what they publish.",
            )
        files.sort(key=lambda p: p.name)
        out_existed = out_dir is not None and out_dir.exists()
        staged = _stage_out(files, out_dir) if out_dir is not None else []
        try:
            result = ingest([str(p) for p in files], store, progress) if ingest_files else None
        except BaseException:
            for tmp, _ in staged:
                tmp.unlink(missing_ok=True)
            if out_dir is not None and not out_existed:
                shutil.rmtree(out_dir, ignore_errors=True)
            raise
        saved = _commit_out(staged)
    assumptions = [
        f"Months {p.months[0]} to {p.months[-1]} come from the data.police.uk archive "
        f"{p.name}.zip, as published in it; police.uk revises months, and a later download "
        "replaces what changed."
        for p in plans
    ]
    if missing_street:
        assumptions.append(
            f"data.police.uk has no street-level file for {slug} in {_month_list(missing_street)};"
            " those months are not in the store."
        )
    if missing_outcomes and len(missing_outcomes) < len(months):
        assumptions.append(
            f"data.police.uk has no outcomes file for {slug} in {_month_list(missing_outcomes)}."
        )
    elif missing_outcomes:
        assumptions.append(f"data.police.uk has no outcomes files for {slug} in these months.")
    return DownloadResult(
        force=slug,
        months=months,
        archives=tuple(plans),
        files=tuple(p.name for p in files),
        missing_street=missing_street,
        missing_outcomes=missing_outcomes,
        bytes_downloaded=received,
        ingest=result,
        saved=tuple(saved),
        assumptions=tuple(assumptions),
    )


def _month_list(months: Sequence[str]) -> str:
    return ", ".join(months)


def _stage_out(files: Sequence[Path], out_dir: Path) -> list[tuple[Path, Path]]:
    """Copy files into ``out_dir`` under temporary names; :func:`_commit_out` renames them."""
    staged: list[tuple[Path, Path]] = []
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for path in files:
            tmp = out_dir / f".{path.name}.{uuid.uuid4().hex}.part"
            staged.append((tmp, out_dir / path.name))
            shutil.copyfile(path, tmp)
    except OSError as exc:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise StoreError(
            f"The files could not be saved to {out_dir} ({exc.strerror or exc}); nothing was changed.",
            "Check there is free disk space and that you may write to the --out folder.",
        ) from exc
    return staged


def _commit_out(staged: Sequence[tuple[Path, Path]]) -> list[Path]:
    for tmp, final in staged:
        os.replace(tmp, final)
    return [final for _, final in staged]


__all__ = [
    "ARCHIVE_MONTHS",
    "BASE_URL_ENV",
    "DEFAULT_BASE_URL",
    "ArchivePlan",
    "DownloadResult",
    "download_police_uk",
    "extract_force_months",
    "fetch",
    "plan_archives",
    "police_uk_forces",
    "resolve_base_url",
    "validate_force",
    "validate_month",
    "validate_month_range",
]

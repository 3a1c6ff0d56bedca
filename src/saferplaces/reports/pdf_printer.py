"""PDFs laid out by WeasyPrint in worker processes, while the caller does other work.

Kept apart from ``reports.documents`` and importing nothing but the standard library at
the top, so that a command can start its PDF worker first of all: the worker then loads
WeasyPrint while the command is still importing the statistics and building the
assessment, instead of competing with the build's database queries for the second core
(issue #9, docs/benchmarks.md).
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path


class PdfPrinter:
    """Lays out PDFs in worker processes while the caller writes the other formats.

    WeasyPrint takes longest of all the formats (it lays out every page), so each PDF is
    printed in a process of its own: ``submit`` returns at once. Use it as a context
    manager; leaving the block waits for every PDF and raises the first error.
    """

    def __init__(self, workers: int = 1, warm_in_parent: bool = True) -> None:
        """``warm_in_parent=False`` starts one worker at once, which loads WeasyPrint while the
        caller builds the assessment: the two cores share the loading with the build. Make the
        printer before opening the store, so that no database connection is forked. (The
        charts are drawn in the caller's process: plain SVG, a few milliseconds; ADR 0028.)"""
        if warm_in_parent:
            import weasyprint  # noqa: F401 - loaded once here, so the forked workers start warm

        fork = multiprocessing.get_context("fork")
        self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=fork)
        self._jobs: list[Future] = []
        if not warm_in_parent:
            self._jobs.append(self._pool.submit(_load_weasyprint))

    def submit(self, html: str, path: Path) -> None:
        self._jobs.append(self._pool.submit(pdf_file, html, str(path)))

    def wait(self) -> None:
        """Wait for every PDF submitted so far; raise the first error."""
        jobs, self._jobs = self._jobs, []
        for job in jobs:
            job.result()

    def __enter__(self) -> PdfPrinter:
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if exc[0] is None:
                self.wait()
        finally:
            self._pool.shutdown(wait=True, cancel_futures=True)


def _load_weasyprint() -> None:
    """Load WeasyPrint and set up its fonts with a tiny page (slow: done while the parent works)."""
    import weasyprint

    weasyprint.HTML(string="<p>Safer Places</p>").write_pdf()


def pdf_file(html: str, path: str) -> None:
    """Lay out ``html`` with WeasyPrint into the PDF file ``path``."""
    from weasyprint import HTML  # imported here: it is slow to load and only PDFs need it

    with _no_gc():
        HTML(string=html).write_pdf(path)


@contextlib.contextmanager
def _no_gc():
    """No cyclic garbage collection during one job: WeasyPrint makes many small
    objects, and the collector's passes over them took about a sixth of a PDF's time. The
    collector runs again after the job, so a long-lived worker does not keep what was left."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def pdf_bytes(html: str) -> bytes:
    """A PDF laid out from ``html`` by WeasyPrint, as bytes (for a web response).

    Files the HTML names by ``file://`` address (style sheets, pictures) are read from disk;
    nothing is fetched from the network.
    """
    from weasyprint import HTML

    return HTML(string=html).write_pdf()

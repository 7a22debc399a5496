"""Rendering the doctor's summary as a PDF (WeasyPrint: HTML and CSS to PDF).

A PDF costs the server about 0.7 s of CPU, so only ``SUMMARY_PDF_SLOTS`` are rendered at once
across every worker process of the machine: each render holds one slot, an exclusive ``flock``
on a file of ``RUNTIME_DIR/pdf-slots/``, taken without waiting. When every slot is taken the
request is refused at once (``PdfBusy``: the view answers 503 with Retry-After) instead of
queueing behind the others and slowing every page. The kernel releases a lock when its process
dies, so a killed worker never keeps a slot.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation


class PdfBusy(Exception):
    """Every PDF slot is taken: try again in a minute."""


def slot_folder() -> Path:
    return Path(settings.RUNTIME_DIR) / "pdf-slots"


@contextmanager
def pdf_slot() -> Iterator[int]:
    """Hold one of the machine's ``SUMMARY_PDF_SLOTS`` PDF slots; ``PdfBusy`` if none is free."""
    folder = slot_folder()
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(max(1, settings.SUMMARY_PDF_SLOTS)):
        descriptor = os.open(folder / f"slot-{number}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
            continue
        try:
            yield number
        finally:
            os.close(descriptor)  # closing releases the lock
        return
    raise PdfBusy


def static_file_path(url: str) -> str | None:
    """The file on disk behind one of our static URLs, or None for anything else."""
    prefix = staticfiles_storage.base_url
    if prefix not in url:
        return None
    relative = url.split(prefix, 1)[1].split("?", 1)[0]
    try:
        found = finders.find(relative)
        # In production the page names hashed files (css/symptomcheck.269334fca71c.css) that
        # only the collected static folder holds.
        if found is None and staticfiles_storage.exists(relative):
            found = staticfiles_storage.path(relative)
    except SuspiciousFileOperation:
        return None
    return found


def summary_as_pdf(html: str, *, base_url: str) -> bytes:
    """The PDF of an HTML page; only our own static files are loaded, nothing from the network."""
    import weasyprint  # imported here: it loads system libraries (Pango) only when needed
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesOnly(URLFetcher):
        # Read stylesheets from disk: the PDF is rendered inside a request, and fetching them
        # over HTTP from our own server would tie up a second worker.
        def fetch(self, url: str, headers=None) -> URLFetcherResponse:
            path = static_file_path(url)
            if path is None:
                raise ValueError(f"Not loaded into the PDF: {url}")
            with open(path, "rb") as static_file:
                body = static_file.read()
            return URLFetcherResponse(url, body=body, headers={"Content-Type": "text/css"})

    document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=StaticFilesOnly())
    return document.write_pdf()

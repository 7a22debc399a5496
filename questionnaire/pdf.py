"""Rendering the doctor's summary as a PDF (WeasyPrint: HTML and CSS to PDF)."""

from __future__ import annotations

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation


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

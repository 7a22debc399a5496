"""Logging filters that keep health answers out of the logs."""

from __future__ import annotations

import logging


class DropRequestData(logging.Filter):
    """Remove the request (and with it any POSTed answers) from log records."""

    def filter(self, record: logging.LogRecord) -> bool:
        if hasattr(record, "request"):
            record.request = None
        return True

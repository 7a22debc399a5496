"""gunicorn settings for `make serve` (production mode on this machine)."""

import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", max(2, multiprocessing.cpu_count() + 1)))
# A hung request (e.g. a database that stopped answering) is killed before a proxy gives up.
timeout = 30
graceful_timeout = 10
# Access log by method, path and status only: no client address, no query string, no body.
accesslog = "-"
access_log_format = '"%(m)s %(U)s" %(s)s %(b)s %(M)sms'
errorlog = "-"

"""Settings for Symptomcheck, read from the environment.

Development defaults work with nothing set. With ``DEBUG=0`` the app refuses to start without a
real ``SECRET_KEY``. ``DATABASE_URL`` selects a PostgreSQL server; without it the embedded
PostgreSQL under ``.pgdata/`` is used (see ``symptomcheck.database``). Never SQLite.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from symptomcheck.database import database_url, embedded_data_dir, with_time_limits
from symptomcheck.environment import (
    admin_path,
    env_flag,
    env_int,
    env_list,
    memory_backed_folder,
)
from symptomcheck.middleware import trusted_networks

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_flag("DEBUG", default=True)

DEVELOPMENT_SECRET_KEY = "development-only-secret-key-never-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set: with DEBUG=0 set SECRET_KEY to a long random string "
            '(python -c "import secrets; print(secrets.token_urlsafe(50))").'
        )
    SECRET_KEY = DEVELOPMENT_SECRET_KEY
elif not DEBUG and (SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "SECRET_KEY is too weak for DEBUG=0: use at least 50 random characters."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
ADMIN_PATH = admin_path(os.environ.get("ADMIN_PATH", "admin/"))
# The site's public address (https://hips.example.org): FHIR canonical URLs start with it and
# /fhir. Empty: the address each request came to.
CANONICAL_BASE_URL = os.environ.get("CANONICAL_BASE_URL", "").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "csp",
    "axes",
    # A second factor for staff (TOTP authenticator apps), required for reviewers: staff_security.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "staff_security",
    "crispy_forms",
    "crispy_bootstrap5",
    "formtools",
    "simple_history",
    "import_export",
    "conditions",
    "bench",
    "pages",
    "questionnaire",
    "ninja",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "symptomcheck.middleware.SecurityHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    "symptomcheck.middleware.DatabaseUnavailableMiddleware",
    # Before anything reads request.POST: a form body not in UTF-8 gets the calm 400 page.
    "symptomcheck.request_limits.FormCharsetMiddleware",
    # Before anything reads a body: the public site's tighter size and field limits.
    "symptomcheck.request_limits.PublicRequestSizeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Whether this session passed its second factor (request.user.is_verified()).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Staff whose session has not passed it: to the code page, or to set one up (reviewers).
    "staff_security.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Turns django-ratelimit's refusal into RATELIMIT_VIEW's page (HTTP 429).
    "django_ratelimit.middleware.RatelimitMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "symptomcheck.urls"
WSGI_APPLICATION = "symptomcheck.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# A new connection per request by default (about 6 ms here, Unix socket): connecting is bounded
# by connect_timeout, so a hung server gives the 503 page within 5 s, whereas a query on a kept
# connection to a hung server has no client-side limit and waits for gunicorn's 30 s timeout.
# Reading this starts no server and opens no connection. Without DATABASE_URL the embedded
# server in EMBEDDED_DATA_DIR is started (or started again, if it died) by the first connection
# that needs it: the symptomcheck.postgresql backend, Django's own with that one step added.
EMBEDDED_DATA_DIR = embedded_data_dir(BASE_DIR)
DATABASES = {
    "default": {
        **dj_database_url.parse(
            database_url(BASE_DIR),
            engine="symptomcheck.postgresql" if EMBEDDED_DATA_DIR else None,
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
            # A connection kept across a database restart is checked before reuse.
            conn_health_checks=True,
        ),
        "EMBEDDED_DATA_DIR": str(EMBEDDED_DATA_DIR) if EMBEDDED_DATA_DIR else "",
    }
}
DATABASES["default"]["OPTIONS"] = with_time_limits(
    DATABASES["default"].get("OPTIONS", {}),
    statement_timeout=env_int("DATABASE_STATEMENT_TIMEOUT", 15),
    idle_in_transaction_timeout=env_int("DATABASE_IDLE_IN_TRANSACTION_TIMEOUT", 60),
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed files in production; a missing file fails collectstatic, not a page.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Files the app writes at run time: sessions and the cache (git-ignored).
RUNTIME_DIR = Path(os.environ.get("RUNTIME_DIR", BASE_DIR / "var"))

# More than one app server behind a load balancer (docs/scaling.md): with REDIS_URL
# (redis://host:6379/0, rediss://... with TLS, unix:///path?db=0) the sessions, the cache and
# so the rate limits live in Redis (Django's own backend), shared by every server. Without it
# they stay on this machine, in files shared by its workers.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(
        "REDIS_URL must be a Redis URL (redis://host:6379/0, rediss://... or unix:///path), "
        f"not one starting with {REDIS_URL.split(':')[0]!r}."
    )

# The questionnaire's answers live server-side in the session, in files (or Redis) rather than
# in PostgreSQL, so that a database outage loses nothing a person entered
# (shared/reliability.md). With Redis the session engine is the pure cache one, not cached_db,
# which would write every step to PostgreSQL too and fail with it.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cache"
    if REDIS_URL
    else "django.contrib.sessions.backends.file"
)
SESSION_FILE_PATH = str(RUNTIME_DIR / "sessions")
SESSION_COOKIE_AGE = env_int("SESSION_HOURS", 3, minimum=1) * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "questionnaire.views.csrf_failure"
# What one person's answers in progress may take in the session file (JSON). A whole
# questionnaire takes about 2.5 KB; more is refused with the 400 page instead of being stored.
QUESTIONNAIRE_SESSION_MAX_BYTES = env_int("QUESTIONNAIRE_SESSION_MAX_BYTES", 32_768, minimum=4096)

# Request bodies of the public site (the questionnaire's forms, and the API's and FHIR's
# request.body; symptomcheck.request_limits). The largest real ones are an API assessment naming
# every seeded finding (1.2 KB) and a questionnaire step (0.5 KB, 12 fields); four times that is
# 5 KB and 48 fields, and the limits leave room for a knowledge base grown tenfold (the size
# tests/production/test_query_counts.py walks).
REQUEST_BODY_MAX_BYTES = env_int("REQUEST_BODY_MAX_BYTES", 16_384, minimum=4096)
REQUEST_MAX_FIELDS = env_int("REQUEST_MAX_FIELDS", 256, minimum=64)
# Staff pages in the admin post far more: saving the other-causes condition page sends 481
# fields and 23.5 KB, and grows with the knowledge base. Django's own limits are these; the
# public ones above are applied first to every path outside the admin.
ADMIN_REQUEST_BODY_MAX_BYTES = env_int("ADMIN_REQUEST_BODY_MAX_BYTES", 2_097_152, minimum=65_536)
ADMIN_REQUEST_MAX_FIELDS = env_int("ADMIN_REQUEST_MAX_FIELDS", 20_000, minimum=1000)
DATA_UPLOAD_MAX_MEMORY_SIZE = max(REQUEST_BODY_MAX_BYTES, ADMIN_REQUEST_BODY_MAX_BYTES)
DATA_UPLOAD_MAX_NUMBER_FIELDS = max(REQUEST_MAX_FIELDS, ADMIN_REQUEST_MAX_FIELDS)

# The cache holds only short-lived counters (the questionnaire's rate limit), shared by every
# worker: in files, in memory-backed /dev/shm where there is one, because a write to disk
# (write, then rename) costs a questionnaire page about 0.4 ms and one in memory a tenth of that.
CACHE_DIR = Path(
    os.environ.get("CACHE_DIR") or memory_backed_folder(RUNTIME_DIR) or RUNTIME_DIR / "cache"
)
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(CACHE_DIR),
        "TIMEOUT": 3600,
    },
    # Rendered question blocks, the same for every person (questionnaire/fragments.py). Per
    # process and in memory: they are cheap to rebuild and keyed by their own content.
    "fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "questionnaire-fragments",
        "TIMEOUT": 24 * 3600,
        "OPTIONS": {"MAX_ENTRIES": 1000},
    },
}
if REDIS_URL:
    # Sessions (SESSION_CACHE_ALIAS is "default") and the rate-limit counters, whose increments
    # are atomic in Redis. A Redis that does not answer fails a request within 2 s rather than
    # holding it. Redis must not evict these keys (maxmemory-policy noeviction, every key has a
    # TTL) and should persist them (appendonly yes) to keep questionnaires across its restarts.
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "symptomcheck",
        "TIMEOUT": 3600,
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
# In development WhiteNoise serves straight from the app folders; production uses collectstatic.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
for runtime_folder in (
    STATIC_ROOT,
    *([] if REDIS_URL else [SESSION_FILE_PATH, CACHES["default"]["LOCATION"]]),
):
    Path(runtime_folder).mkdir(parents=True, exist_ok=True)

# Rate limiting of questionnaire submissions per client (django-ratelimit), counted in the
# default cache. The file cache is shared by every worker on the machine but its increments are
# not atomic: under a race a few extra requests may pass, which is acceptable for throttling.
# With REDIS_URL the counts are exact and shared by every server.
QUESTIONNAIRE_RATE_LIMIT = os.environ.get("QUESTIONNAIRE_RATE_LIMIT", "120/m")
# A PDF summary costs the server about 0.7 s of CPU (WeasyPrint), two hundred questionnaire
# pages' worth: a client may download a few a minute, not flood the server with them.
SUMMARY_PDF_RATE_LIMIT = os.environ.get("SUMMARY_PDF_RATE_LIMIT", "10/m")
# How many PDFs the whole machine renders at once (every worker shares these slots, file locks
# in RUNTIME_DIR/pdf-slots); a PDF asked for while all are taken gets a 503 "busy" page.
SUMMARY_PDF_SLOTS = env_int("SUMMARY_PDF_SLOTS", 2, minimum=1)
RATELIMIT_VIEW = "questionnaire.views.rate_limited"
# The proxies in front of the app (networks in CIDR, comma-separated). Only through them is the
# client's address read from X-Forwarded-For (symptomcheck.middleware.client_address), for the
# rate limits and the admin lockout; empty (the default) trusts none: REMOTE_ADDR only.
TRUSTED_PROXIES = trusted_networks(env_list("TRUSTED_PROXIES", []))
RATELIMIT_IP_META_KEY = "symptomcheck.middleware.client_address"
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

# Completed assessments are kept anonymously for audit and aggregate figures, then deleted.
# How often each process asks which knowledge-base version is the latest published one
# (conditions/published.py): a publish in the admin reaches every patient within this time.
KNOWLEDGE_BASE_RECHECK_SECONDS = env_int("KNOWLEDGE_BASE_RECHECK_SECONDS", 5)

ASSESSMENT_RETENTION_DAYS = env_int("ASSESSMENT_RETENTION_DAYS", 90, minimum=1)

# Who runs this copy of the service (the controller of what it keeps) and how to reach them, as
# the privacy page names them; unset, the page says plainly that the operator has not yet done so.
SERVICE_OPERATOR_NAME = os.environ.get("SERVICE_OPERATOR_NAME", "").strip()
SERVICE_OPERATOR_CONTACT = os.environ.get("SERVICE_OPERATOR_CONTACT", "").strip()

# Admin: django-axes locks an account after repeated failed logins on it from any address, and
# an address after repeated failed logins from it on any account.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = 1  # hour
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# The address behind TRUSTED_PROXIES (none by default: REMOTE_ADDR only), so a forged
# X-Forwarded-For can neither lock out others nor reset a counter (django-axes #1099).
AXES_CLIENT_IP_CALLABLE = "symptomcheck.middleware.client_address"
AXES_RESET_ON_SUCCESS = True

# Two-step verification for staff (staff_security, django-otp's TOTP devices): reviewers and
# superusers set up an authenticator app before they use the admin; curators may. A wrong code
# counts towards the lockout above, and after one django-otp waits 1, 2, 4… seconds (this
# factor) before it checks another. The admin hides the devices' secrets.
OTP_TOTP_ISSUER = "Symptomcheck"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Security headers. HTTPS settings apply in production (DEBUG=0).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
# HTTPS_ONLY=0 lets `make serve` try production mode over plain HTTP on this machine.
if not DEBUG and env_flag("HTTPS_ONLY", default=True):
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto (opt-in: only if it strips it).
    if env_flag("TRUST_X_FORWARDED_PROTO", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Logs never contain answers: requests are logged by path and status only, and the request
# object (with its POST data) is stripped from every record before it is written.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_request_data": {"()": "symptomcheck.logging.DropRequestData"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["no_request_data"]},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
}

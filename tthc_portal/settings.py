"""Settings for the TTHC portal: one file, read from the environment.

Nothing set: SQLite in the project folder and Celery jobs run in-process (a newcomer needs nothing
else). DATABASE_URL and REDIS_URL set: PostgreSQL, Redis as the broker and separate Celery workers.
See README.md for the variables production needs.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

# A development key only when DEBUG is on; production must set SECRET_KEY or start-up fails.
SECRET_KEY = env("SECRET_KEY", default="django-insecure-dev-only-tthc-portal" if DEBUG else environ.Env.NOTSET)

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "import_export",
    "axes",
    "django_otp",
    "simple_history",
    "template_partials",
    "tthc_portal",  # the job infrastructure's command (recover_jobs); no models
    "orgs",
    "signing",
    "periods",
    "plans",
    "tasks",
    "indicators",
    "reports",
    "reminders",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "orgs.middleware.LoginRequiredMiddleware",
    "orgs.middleware.RequestMembershipsMiddleware",
    "orgs.middleware.SessionActivityMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "orgs.middleware.AuditRefusedMiddleware",
    "orgs.middleware.NoStoreMiddleware",
    "orgs.middleware.SecondFactorMiddleware",
    # Last, as django-axes asks: turns its lockout into the page below.
    "axes.middleware.AxesMiddleware",
]

# Content-Security-Policy (django-csp): scripts and styles only from the portal's own static files —
# no inline script, handler or style attribute in any template (tests/test_csp.py checks them all), so
# text a user typed can never run even if some escaping were missed. htmx is told not to inject its
# indicator style nor to evaluate code (templates/base.html, htmx-config).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# The second factor (orgs.two_factor): the key that seals the authenticator apps' seeds (default: derived
# from SECRET_KEY), and the demo's bypass — nobody is asked for a second factor — which production
# refuses: with DEBUG off the portal does not start with it on.
TWO_FACTOR_KEY = env("TWO_FACTOR_KEY", default="")
TWO_FACTOR_DEMO_BYPASS = env.bool("TWO_FACTOR_DEMO_BYPASS", default=False)
if TWO_FACTOR_DEMO_BYPASS and not DEBUG:
    raise ImproperlyConfigured(
        "TWO_FACTOR_DEMO_BYPASS chỉ dùng cho bản chạy thử (DEBUG=1): bản chính thức phải bắt buộc xác thực hai bước."
    )

ROOT_URLCONF = "tthc_portal.urls"

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
                "plans.context_processors.inbox",
            ],
        },
    },
]

WSGI_APPLICATION = "tthc_portal.wsgi.application"
ASGI_APPLICATION = "tthc_portal.asgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# Persistent connections (a new PostgreSQL connection per request costs more than many queries),
# checked before reuse so a restarted database does not fail the next request.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT compilation pays off for long analytic queries, not for a page's short ones, and it was seen
    # to cost a dashboard query 1 s of compilation for 20 ms of work.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "orgs.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "plans:list"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes): 5 failures lock that username *from that address* only, for 15
# minutes; another address (the real user at the office) or another username is not affected, and
# the lock lifts by itself, so an attacker cannot lock a real user out for good. A success resets.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# …and every username from one address after 30 failures from it (password spraying): orgs.throttling.
AXES_HANDLER = "orgs.throttling.Handler"
AXES_ADDRESS_FAILURE_LIMIT = env.int("AXES_ADDRESS_FAILURE_LIMIT", default=30)
# Password-reset e-mails within an hour: at most this many to one account, and sent at the request of one
# address (orgs.accounts.request_password_reset).
PASSWORD_RESET_EMAILS_PER_ACCOUNT = env.int("PASSWORD_RESET_EMAILS_PER_ACCOUNT", default=3)
PASSWORD_RESET_EMAILS_PER_ADDRESS = env.int("PASSWORD_RESET_EMAILS_PER_ADDRESS", default=20)
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # hammering a locked pair does not prolong its lock
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_DISABLE_ACCESS_LOG = True  # successful logins are in the portal's own audit log (orgs.AuditEvent)
# The client's address, for throttling and the audit log alike: REMOTE_ADDR, or behind N reverse
# proxies (TRUSTED_PROXY_COUNT=N) the N-th X-Forwarded-For entry from the right (see orgs.audit.client_ip).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "orgs.audit.client_ip"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# Dates as offices write them: dd/mm/yyyy (the "vi" locale formats are used for everything else).
FORMAT_MODULE_PATH = ["tthc_portal.formats"]

STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "var" / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
# Generated documents. Several worker machines must share this folder (or set STORAGES to an
# object store); the download view streams files through Django, never from MEDIA_URL directly.
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env.bool("STATIC_MANIFEST", default=False)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True

# Sessions and cookies
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)  # a working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=SECURE)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", default=False) else None
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if SECURE else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Mail: the console in development; SMTP (EMAIL_HOST …) in production.
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
# The portal's address, for links in e-mails sent outside a request.
PORTAL_URL = env("PORTAL_URL", default="http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="tthc-portal@localhost")

# The cache holds figures keyed by the version of what they were computed from (tthc_portal/caching.py):
# each process keeps its own, nothing needs sharing or invalidating.
# STATE_CACHE=0 computes every page afresh (tthc_portal.caching.StateCache keeps nothing): to measure
# what a page costs under a steady stream of writes.
STATE_CACHE = env.bool("STATE_CACHE", default=True)
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": env.int("CACHE_MAX_ENTRIES", default=20000)},
    }
}

# Signed documents (signing/): where key files live (never under MEDIA_ROOT, which is served), the
# file of secrets that open them (SIGNING_SECRET_<NAME> in the environment wins), the trust roots a
# signature must chain to (PEM files), the demo CA trusted too (on with DEBUG; off in production), and
# an RFC 3161 time-stamping authority (none: signatures carry no timestamp).
SIGNING_KEYS_DIR = Path(env("SIGNING_KEYS_DIR", default=str(BASE_DIR / "var" / "signing")))
SIGNING_SECRETS_FILE = Path(env("SIGNING_SECRETS_FILE", default=str(SIGNING_KEYS_DIR / "secrets.json")))
SIGNING_TRUST_ROOTS = env.list("SIGNING_TRUST_ROOTS", default=[])
SIGNING_TRUST_DEMO_CA = env.bool("SIGNING_TRUST_DEMO_CA", default=DEBUG)
SIGNING_TSA_URL = env("SIGNING_TSA_URL", default="")
SIGNING_TSA_TIMEOUT = env.int("SIGNING_TSA_TIMEOUT", default=10)
# A document prepared for a remote signature (signing.remote) waits this long for the signer's PIN;
# after, it is prepared again (its printed signing time would be too far from the signature's).
SIGNING_HOLD_MINUTES = env.int("SIGNING_HOLD_MINUTES", default=30)

# Celery: REDIS_URL unset → jobs run in-process (eager); set → a real broker and workers.
# Safe by default: a job is acknowledged only after it finished (a worker that dies hands it back),
# every job has soft and hard time limits, a worker is recycled when it grows too large, and Redis
# keeps an unacknowledged job invisible for far longer than the longest job may run.
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_IGNORE_RESULT = True  # a job's state lives in PostgreSQL (see tthc_portal/jobs.py)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# A plan's PDF is rendered in the background once the plan has not changed for this many seconds
# (plans.pdf.services.prerender_when_settled); 0: only when someone asks for it.
PLAN_PDF_SETTLE_SECONDS = env.int("PLAN_PDF_SETTLE_SECONDS", default=120)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("JOB_SOFT_TIME_LIMIT", default=240)
CELERY_TASK_TIME_LIMIT = env.int("JOB_HARD_TIME_LIMIT", default=300)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_MAX_TASKS_PER_CHILD = 200
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int("WORKER_MAX_MEMORY_KB", default=400_000)  # KiB
# Jobs queued but lost (Redis restarted empty, a worker killed) are found from their PostgreSQL state
# and sent again every five minutes by `celery -A tthc_portal beat` (or `manage.py recover_jobs` from cron).
CELERY_BEAT_SCHEDULE = {
    "recover-lost-jobs": {"task": "tthc_portal.jobs.recover", "schedule": 300.0},
    "advance-report-batches": {"task": "reports.tasks.advance_batches", "schedule": 300.0},
    # The daily reminders: every hour from 5:00 to 20:00 (Vietnam time), each user's digest once their
    # digest time (REMINDER_HOUR by default, or their own) has come; one digest per user and day.
    "daily-reminders": {"task": "reminders.tasks.daily", "schedule": crontab(hour="5-20", minute=0)},
    "resend-failed-emails": {"task": "orgs.tasks.resend_failed", "schedule": 3600.0},
}
# Reminders (reminders.rules): rows and report cut-offs within N days; plans waiting more than M working days.
REMINDER_DAYS_AHEAD = env.int("REMINDER_DAYS_AHEAD", default=7)
REMINDER_WAITING_DAYS = env.int("REMINDER_WAITING_DAYS", default=5)
REMINDER_HOUR = env.int("REMINDER_HOUR", default=7)
# A reviewer's batch of reports is queued this many at a time (reports.services.advance_batch).
REPORT_BATCH_CHUNK = env.int("REPORT_BATCH_CHUNK", default=50)
# /healthz: a worker that answered a ping within this many seconds counts as alive.
HEALTH_WORKER_FRESH_SECONDS = env.int("HEALTH_WORKER_FRESH_SECONDS", default=120)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
assert CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] > CELERY_TASK_TIME_LIMIT

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "ERROR"},
        "axes": {"level": "WARNING"},  # lockouts are in the portal's audit log
    },
}

# django-import-export strips a leading "=" from exported cells; plans.files.exporting escapes + - @ tab CR too.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True

# openpyxl must parse XML through defusedxml (checked at start-up in orgs.apps).
DEMO_PASSWORD = "tthc-demo-2024"

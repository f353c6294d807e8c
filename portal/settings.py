"""Settings for the portal, read from the environment.

Development needs nothing set: SQLite, eager Celery, mail to the console.
Production (DEBUG off) refuses to start without SECRET_KEY.
"""

from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from portal.logformat import json_formatter

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off. "
            "DEBUG가 꺼져 있을 때는 SECRET_KEY 환경 변수를 반드시 설정해야 합니다."
        )
    SECRET_KEY = "insecure-development-key-only-for-debug"  # nosec B105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "portal.apps.PortalConfig",
    "surveys.apps.SurveysConfig",
    "review.apps.ReviewConfig",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_celery_beat",
    "django_htmx",
    "csp",
    "django_countries",
    "django_prometheus",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.KoreanFirstLocaleMiddleware",
    "portal.middleware.RequestSizeLimitMiddleware",
    "portal.middleware.VerifyUploadLimitMiddleware",
    "portal.middleware.StripNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "portal.signed_in.CachedAuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "portal.middleware.RequestContextMiddleware",
    "portal.middleware.SessionIdleTimeoutMiddleware",
    "portal.middleware.RequireTwoFactorMiddleware",
    "portal.middleware.AdminRequiresSecondFactorMiddleware",
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
            ],
        },
    },
]

# Database: PostgreSQL in production and CI, a SQLite file for the demo.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# django-prometheus's wrappers of the same backends count queries, errors and their durations.
_METERED_ENGINES = {
    "django.db.backends.postgresql": "django_prometheus.db.backends.postgresql",
    "django.db.backends.sqlite3": "django_prometheus.db.backends.sqlite3",
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Tests on SQLite use an in-memory database per process, as Django does by default; said explicitly because
    # the metered engine's name hides SQLite from pytest-django, which would otherwise derive a file name per
    # worker from the demo file's path.
    DATABASES["default"].setdefault("TEST", {}).setdefault("NAME", ":memory:")
DATABASES["default"]["ENGINE"] = _METERED_ENGINES.get(DATABASES["default"]["ENGINE"], DATABASES["default"]["ENGINE"])
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: broker and cache when REDIS_URL is set; otherwise tasks run eagerly.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache, except that a Redis outage reads as a miss instead of an error.
            "BACKEND": "portal.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="portal"),
        }
    }
    # Sessions read from Redis, written through to PostgreSQL: any web node serves any session, and a
    # Redis restart signs no one out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The signed-in user and their memberships are read from the cache (portal/signed_in.py); every change drops the
# entry at once, and this bounds what a change made while Redis was unreachable leaves behind.
SIGNED_IN_CACHE_SECONDS = env.int("SIGNED_IN_CACHE_SECONDS", default=120)

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="portal")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# Worker processes run at this lower CPU priority (nice), so pages stay quick while PDFs render.
WORKER_NICENESS = env.int("WORKER_NICENESS", default=10)
CELERY_TIMEZONE = "Asia/Seoul"
# Generated files (version and notice PDFs, committee books): one still pending ARTEFACT_REQUEUE_MINUTES after
# it was queued is queued again by the beat (a lost worker or broker message), which looks every
# ARTEFACT_REQUEUE_EVERY seconds; after ARTEFACT_MAX_ATTEMPTS failed renderings it is marked failed.
ARTEFACT_REQUEUE_MINUTES = env.float("ARTEFACT_REQUEUE_MINUTES", default=10.0)
ARTEFACT_REQUEUE_EVERY = env.float("ARTEFACT_REQUEUE_EVERY", default=300.0)
ARTEFACT_MAX_ATTEMPTS = env.int("ARTEFACT_MAX_ATTEMPTS", default=5)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "requeue-stale-mail": {"task": "portal.tasks.mail_requeue_stale", "schedule": 300.0},
    "requeue-artefacts": {"task": "portal.tasks.artefacts_requeue", "schedule": ARTEFACT_REQUEUE_EVERY},
    "deadline-reminders": {"task": "surveys.tasks.deadline_reminders", "schedule": 3600.0},
    "overdue-review-reminders": {"task": "review.tasks.overdue_review_reminders", "schedule": 3600.0},
    "review-due-reminders": {"task": "review.tasks.review_due_reminders", "schedule": 3600.0},
    "access-log-purge": {"task": "surveys.tasks.access_log_purge", "schedule": 86400.0},
    "sign-pending-pdfs": {"task": "portal.tasks.sign_pending_documents", "schedule": 900.0},
    "expire-bundles": {"task": "review.tasks.expire_bundles", "schedule": 3600.0},
}

# Signed PDFs (PAdES, pyHanko). With no key configured the demo CA in SIGNING_DEMO_DIR is used
# (created by `manage.py signing_demo_ca`, or on first use in DEBUG); production configures its own.
SIGNING_KEY_FILE = env.str("SIGNING_KEY_FILE", default="")
SIGNING_CERT_FILE = env.str("SIGNING_CERT_FILE", default="")
SIGNING_CHAIN_FILE = env.str("SIGNING_CHAIN_FILE", default="")
SIGNING_KEY_PASSPHRASE = env.str("SIGNING_KEY_PASSPHRASE", default="")
SIGNING_TRUST_ROOTS = env.list("SIGNING_TRUST_ROOTS", default=[])
SIGNING_DEMO_DIR = env.str("SIGNING_DEMO_DIR", default=str(BASE_DIR / "signing-demo"))
SIGNING_REASON = env.str("SIGNING_REASON", default="산업통상자원부 국가첨단전략기술 포털 발급 문서")
SIGNING_LOCATION = env.str("SIGNING_LOCATION", default="Sejong, KR")
VERIFY_UPLOAD_MAX_MB = env.int("VERIFY_UPLOAD_MAX_MB", default=20)
VERIFY_RATE_PER_MINUTE = env.int("VERIFY_RATE_PER_MINUTE", default=20)
# The open-data API, CSV and feeds (/api/v1/): requests a minute per client address.
OPEN_DATA_RATE_PER_MINUTE = env.int("OPEN_DATA_RATE_PER_MINUTE", default=120)

# Identity and accounts.
AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=60 * 60 * 24)

ACCOUNT_ADAPTER = "portal.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
# Every account has one login address, verified (an invitation's or approval's password link proves it;
# see portal.signals). A new address needs the current password and a unique address, is confirmed
# by a link sent to it, and the old address is told (portal.forms.ChangeEmailForm).
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_FORMS = {"add_email": "portal.forms.ChangeEmailForm"}
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_RATE_LIMITS = {"login_failed": False}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[국가첨단전략기술 포털] "
ACCOUNT_SESSION_REMEMBER = False
MFA_ADAPTER = "allauth.mfa.adapter.DefaultMFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "국가첨단전략기술 포털"
MFA_TOTP_TOLERANCE = 1

# Login throttling: failures are counted per account (whatever address they come from, so
# rotating addresses does not help) and per account and address; never per address alone, so
# one shared NAT or proxy does not lock out everyone behind it.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = ["username", ["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "login"
AXES_USERNAME_CALLABLE = "portal.adapters.axes_username"
AXES_LOCKOUT_TEMPLATE = "account/lockout.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env.int("PROXY_COUNT", default=0)

# Organisation codes of the co-receiving ministries the ministry channel is addressed to besides
# MOTIE: their observers (read-only) read submitted ministry-channel applications; others read none.
CO_RECEIVING_MINISTRIES = env.list("CO_RECEIVING_MINISTRIES", default=["MSIT"])

# Roles that must have a second factor before using the portal.
TWO_FACTOR_ROLES = ["reviewer", "secretary", "admin"]
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=60 * 30)
SESSION_COOKIE_AGE = 60 * 60 * 12
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True

# Language and time.
LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", _("Korean")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True

# Static files and uploads.
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
FILE_UPLOAD_PERMISSIONS = 0o640
# A form's fields (files excluded) may take at most this much: the longest section of an application
# (every answer at its length limit, in Korean, URL-encoded) is well under 1 MB.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_KB", default=2560) * 1024

_static_backend = (
    "whitenoise.storage.CompressedManifestStaticFilesStorage"
    if not DEBUG and env.bool("STATIC_MANIFEST", default=True)
    else "django.contrib.staticfiles.storage.StaticFilesStorage"
)
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    _file_backend = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _file_backend = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT, "base_url": None},
    }
STORAGES = {"default": _file_backend, "staticfiles": {"BACKEND": _static_backend}}

# Mail.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="국가첨단전략기술 포털 <noreply@portal.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = 20

# Forms.
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Security headers. A strict Content-Security-Policy: no inline code, no third parties.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
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
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Portal settings.
# Audit and access-log rows are kept at least two years; the database refuses earlier deletes of access rows.
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=730)
if AUDIT_RETENTION_DAYS < 730:
    raise ImproperlyConfigured(
        "AUDIT_RETENTION_DAYS는 730일(2년) 이상이어야 합니다. / "
        "AUDIT_RETENTION_DAYS must be at least 730 days (two years)."
    )
MAIL_MAX_ATTEMPTS = env.int("MAIL_MAX_ATTEMPTS", default=5)
# What the beat's artefacts_requeue asks, each returning how many it queued again.
ARTEFACT_REQUEUERS = [
    "surveys.tasks.render_missing_pdfs",
    "review.tasks.requeue_notice_pdfs",
    "review.tasks.requeue_committee_books",
]
#: What `manage.py artefacts_retry` runs: each queues again the files of its kind that failed every attempt.
ARTEFACT_RETRIERS = [
    "surveys.tasks.retry_failed_pdfs",
    "review.tasks.retry_failed_notice_pdfs",
]
HEALTH_CELERY_TIMEOUT = env.float("HEALTH_CELERY_TIMEOUT", default=1.0)
DEMO_SEED_HOOKS = [
    "surveys.demo.seed",
    "surveys.demo.seed_applications",
    "review.demo.seed",
    "review.demo_pipelines.seed",
]
# `make bench` only: serves the bare baseline view the benchmarks compare every page with.
BENCH_BASELINE = env.bool("BENCH_BASELINE", default=False)

# Prometheus metrics at /metrics: for these client addresses (after PROXY_COUNT trusted proxies) and for
# superusers and ministry admins; anyone else gets a 404. With several processes per machine set
# PROMETHEUS_MULTIPROC_DIR (an empty folder per machine, emptied at start) so a scrape sums them all.
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=["127.0.0.1"])
PROMETHEUS_EXPORT_MIGRATIONS = False
PROMETHEUS_LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, float("inf"))

# Logs: one JSON object a line in production (LOG_FORMAT=json, the default when DEBUG is off), for a log
# collector to index by level, logger and message; plain text in development.
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": json_formatter(),
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"weasyprint": {"level": "ERROR"}, "fontTools": {"level": "ERROR"}},
}

# Application attachments.
ATTACHMENT_MAX_FILE_SIZE = env.int("ATTACHMENT_MAX_FILE_MB", default=20) * 1024 * 1024
ATTACHMENT_MAX_TOTAL_SIZE = env.int("ATTACHMENT_MAX_TOTAL_MB", default=100) * 1024 * 1024
# Zip-based documents (HWPX, DOCX, XLSX, PPTX): refused when they unpack to more, or hold more parts.
ATTACHMENT_MAX_UNPACKED_SIZE = env.int("ATTACHMENT_MAX_UNPACKED_MB", default=100) * 1024 * 1024
ATTACHMENT_MAX_ARCHIVE_ENTRIES = env.int("ATTACHMENT_MAX_ARCHIVE_ENTRIES", default=5000)
# A whole request (files included) larger than this is refused with 413 before it is read: the most
# one post may legitimately carry is an application's attachments plus its form fields.
REQUEST_MAX_SIZE = ATTACHMENT_MAX_TOTAL_SIZE + DATA_UPLOAD_MAX_MEMORY_SIZE
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

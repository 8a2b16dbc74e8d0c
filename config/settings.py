"""One settings module; every knob comes from the environment (see README "Configuration")."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        # Fail closed: production must never run on a key that is in the repository.
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "unfold",
    "unfold.contrib.filters",
    "unfold.contrib.import_export",
    "import_export",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "axes",
    "config",
    "directory",
    "questionnaires",
    "notifications",
    "visits",
    "appointments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.api.middleware.ApiJsonErrorsMiddleware",
    "core.api.middleware.ApiQueryStringMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Console logins (django-axes, docs/operations.md "Console login lockout"): after ADMIN_LOGIN_FAILURE_LIMIT
# failed logins for one username, that username is refused (even with the right password) for
# ADMIN_LOGIN_COOLOFF_MINUTES after the last failure; `manage.py axes_reset_username NAME` lifts it earlier.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("ADMIN_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("ADMIN_LOGIN_COOLOFF_MINUTES", "15")))
# By username, not address: behind a TLS proxy every client has the proxy's address, so an address lockout would
# lock everybody out. axes.W006 asks for the address too; that is the trade-off it warns about, made on purpose.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "config.lockout.lockout_response"

# The largest request body Django reads (JSON for the API, forms for the console): beyond it the API answers 413
# (API.md "Limits"). Django's default is 2.5 MB; the API needs far less.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("MAX_REQUEST_BODY_BYTES", str(1024 * 1024)))

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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

DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
# CONN_HEALTH_CHECKS: with persistent connections (DB_CONN_MAX_AGE > 0) a connection the server dropped (a restart,
# pg_terminate_backend, a proxy timeout) is noticed at the start of the next request and replaced, not a 500.
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")), conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share the file: wait for locks instead of failing, and take the write lock
    # at BEGIN so that a booking's check and insert cannot interleave with another writer.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Django's backend with small bulk inserts as VALUES rows and a health check without a round trip
        # (core/db/postgresql says why).
        DATABASES["default"]["ENGINE"] = "core.db.postgresql"
    DATABASES["default"].setdefault("OPTIONS", {})
    # A booking that waits this long for a competing lock gives up with a 409 instead of piling up.
    DATABASES["default"]["OPTIONS"].setdefault(
        "options", f"-c lock_timeout={os.environ.get('DB_LOCK_TIMEOUT_MS', '5000')}"
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
# Console instants carry their zone (config/formats/en/formats.py).
FORMAT_MODULE_PATH = ["config.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
LOGIN_REDIRECT_URL = "/admin/"

# The operator console (django-unfold). Everything it needs ships in the packages: it works offline.
UNFOLD = {
    "SITE_TITLE": "Appointments console",
    "SITE_HEADER": "Appointments",
    "SITE_SUBHEADER": "Operator console",
    "SITE_SYMBOL": "event_available",
    # "Return to site" on the login page and in the header: the API's documentation, not raw JSON.
    "SITE_URL": "/api/docs/",
    "SITE_FAVICONS": [{"rel": "icon", "type": "image/svg+xml", "href": lambda request: "/static/console/favicon.svg"}],
    "SHOW_VIEW_ON_SITE": False,
    "DASHBOARD_CALLBACK": "directory.admin_base.dashboard_context",
    "STYLES": [lambda request: "/static/console/console.css"],
    "SIDEBAR": {
        "show_search": True,
        "show_all_applications": True,
        "navigation": "directory.admin_base.sidebar_navigation",
    },
}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if os.environ.get("CACHE_URL"):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["CACHE_URL"]}
    }

# Exporting a list needs the permission to view it (django-import-export allows anybody by default).
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "directory.auth.BearerTokenAuthentication",
        "directory.auth.SessionPrincipalAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.api.permissions.ScopePermission"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.OmneoPagination",
    "DEFAULT_FILTER_BACKENDS": ["core.api.filters.OmneoFilterBackend", "core.api.filters.OmneoSortBackend"],
    "DEFAULT_RENDERER_CLASSES": [
        "core.api.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": ["core.api.parsers.GuardedJSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["core.api.throttling.TokenRateThrottle"],
    # Per token (docs/operations.md "Throttling"): integrations, admin sessions and anonymous callers share the
    # API_RATE_LIMIT figure; a customer token (one person's app) gets the smaller API_CUSTOMER_RATE_LIMIT.
    "DEFAULT_THROTTLE_RATES": {
        "token": os.environ.get("API_RATE_LIMIT", "6000/min"),
        "customer": os.environ.get("API_CUSTOMER_RATE_LIMIT", "600/min"),
    },
    "EXCEPTION_HANDLER": "core.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.OmneoAutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DATETIME_FORMAT": "%Y-%m-%dT%H:%M:%SZ",
    "TIME_FORMAT": "%H:%M:%S",
    "DATE_FORMAT": "%Y-%m-%d",
    "UNAUTHENTICATED_USER": None,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Appointments back office API (Omneo v3 compatible)",
    "VERSION": "3",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "PREPROCESSING_HOOKS": ["core.api.schema.drop_trailing_slash_aliases"],
    # Several models have a `status`: each choice set gets its own component name.
    "ENUM_NAME_OVERRIDES": {
        "AppointmentStatusEnum": "appointments.enums.AppointmentStatus",
        "WaitlistStatusEnum": "appointments.enums.WaitlistStatus",
        "OfferStatusEnum": "appointments.enums.OfferStatus",
        "QueueStatusEnum": "appointments.enums.QueueStatus",
        "NotificationStatusEnum": "notifications.enums.Status",
        "QuestionTypeEnum": "questionnaires.enums.QuestionType",
    },
}

# Celery: an embedded filesystem broker by default so that `make run` needs no server.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "celery" / "queue"
    _processed_dir = VAR_DIR / "celery" / "processed"
    _queue_dir.mkdir(parents=True, exist_ok=True)
    _processed_dir.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(_processed_dir),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
else:
    # A publish (the dispatcher's after-commit nudge) must never hang a request: one connection attempt, and on
    # Redis every socket operation bounded, so a broker that is down or frozen costs at most a few seconds.
    _broker_timeout = float(os.environ.get("BROKER_TIMEOUT_SECONDS", "2"))
    CELERY_BROKER_CONNECTION_TIMEOUT = _broker_timeout
    CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 0}
    if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
        CELERY_BROKER_TRANSPORT_OPTIONS.update(socket_timeout=_broker_timeout, socket_connect_timeout=_broker_timeout)
    elif CELERY_BROKER_URL.startswith(("amqp://", "amqps://", "pyamqp://")):
        # py-amqp bounds the handshake by the connect timeout; these bound a publish on an open connection to a
        # RabbitMQ that stopped reading (frozen, or blocking publishers under a memory alarm).
        CELERY_BROKER_TRANSPORT_OPTIONS.update(read_timeout=_broker_timeout, write_timeout=_broker_timeout)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# Minutes after a confirmed appointment's start before it may be called a no-show (by staff or mark_no_shows).
NO_SHOW_GRACE_MINUTES = int(os.environ.get("NO_SHOW_GRACE_MINUTES", "15"))
# Check-in (status arrived) opens this many minutes before the start, never before the start's local date.
CHECK_IN_EARLY_MINUTES = int(os.environ.get("CHECK_IN_EARLY_MINUTES", "60"))

# Notifications (docs/notifications.md). Webhooks to private/loopback/link-local addresses only when allowed.
NOTIFICATIONS_ALLOW_PRIVATE_URLS = env_bool("NOTIFICATIONS_ALLOW_PRIVATE_URLS", DEBUG)
NOTIFICATIONS_MAX_ATTEMPTS = int(os.environ.get("NOTIFICATIONS_MAX_ATTEMPTS", "6"))
NOTIFICATIONS_RETRY_BASE_SECONDS = int(os.environ.get("NOTIFICATIONS_RETRY_BASE_SECONDS", "30"))
NOTIFICATIONS_RETRY_MAX_SECONDS = int(os.environ.get("NOTIFICATIONS_RETRY_MAX_SECONDS", "3600"))
NOTIFICATIONS_LEASE_SECONDS = int(os.environ.get("NOTIFICATIONS_LEASE_SECONDS", "300"))
NOTIFICATIONS_BATCH_SIZE = int(os.environ.get("NOTIFICATIONS_BATCH_SIZE", "100"))
NOTIFICATIONS_SEND_THREADS = int(os.environ.get("NOTIFICATIONS_SEND_THREADS", "16"))

# Email: SMTP when EMAIL_HOST is set, otherwise printed to the console (development).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "appointments@localhost")

# How long a waitlist offer holds the freed place for the customer it was offered to.
WAITLIST_OFFER_MINUTES = int(os.environ.get("WAITLIST_OFFER_MINUTES", "15"))
# Customers' signed action links and staff calendar feeds (docs/customer-links.md). PUBLIC_URL is where
# customers and calendar apps reach this server: the links in messages are built on it.
PUBLIC_URL = os.environ.get("PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
# An appointment's view and calendar links work until this many days after its end.
CUSTOMER_LINK_DAYS_AFTER = int(os.environ.get("CUSTOMER_LINK_DAYS_AFTER", "30"))
# A token older than this is refused whatever its row says (every message signs a fresh one).
CUSTOMER_LINK_MAX_AGE_DAYS = int(os.environ.get("CUSTOMER_LINK_MAX_AGE_DAYS", "400"))
# Requests per token (the customer pages) and per feed URL, in the default cache like the API's throttle.
CUSTOMER_LINK_RATE_LIMIT = os.environ.get("CUSTOMER_LINK_RATE_LIMIT", "30/min")
# The queue's wait estimate learns service times (called -> served) from the last QUEUE_SERVICE_SAMPLE served
# walk-ins, once at least QUEUE_SERVICE_MIN_SAMPLE of them are plausible; until then it uses the duration.
QUEUE_SERVICE_SAMPLE = int(os.environ.get("QUEUE_SERVICE_SAMPLE", "20"))
QUEUE_SERVICE_MIN_SAMPLE = int(os.environ.get("QUEUE_SERVICE_MIN_SAMPLE", "5"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler", "level": os.environ.get("LOG_LEVEL", "INFO")}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# HTTPS and browser hardening (docs/operations.md "Production settings"). Always on: no MIME sniffing, no framing,
# session cookie out of JavaScript's reach. (CSRF_COOKIE_HTTPONLY stays off: Django's docs explain it adds nothing.)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(14 * 24 * 3600)))


def proxy_ssl_header(value: str) -> tuple[str, str] | None:
    """`X-Forwarded-Proto: https` -> ("HTTP_X_FORWARDED_PROTO", "https"): the header a TLS proxy sets."""
    if not value.strip():
        return None
    name, sep, expected = value.partition(":")
    if not sep or not name.strip() or not expected.strip():
        raise ImproperlyConfigured(f"SECURE_PROXY_SSL_HEADER must look like 'X-Forwarded-Proto: https', not {value!r}.")
    return "HTTP_" + name.strip().upper().replace("-", "_"), expected.strip()


# Behind a TLS-terminating proxy: the header (set by the proxy, never passed through from clients) that says the
# original request was HTTPS. Without it, SECURE_SSL_REDIRECT behind such a proxy redirects forever.
SECURE_PROXY_SSL_HEADER = proxy_ssl_header(os.environ.get("SECURE_PROXY_SSL_HEADER", ""))

if not DEBUG:
    # Production is HTTPS only, and `manage.py check --deploy` is clean with these defaults.
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

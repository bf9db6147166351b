"""Enlace settings: one module, driven by environment variables (django-environ).

With no environment at all the platform runs on its embedded default: SQLite and Celery tasks executed
eagerly in-process. Setting DATABASE_URL and REDIS_URL switches to PostgreSQL and a Redis broker with real
workers. DJANGO_ENV=production turns on every deployment safeguard (`manage.py check --deploy` is clean).
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

ROOT_DIR = Path(__file__).resolve().parents[2]
PLATFORM_DIR = ROOT_DIR / "platform"

env = environ.Env()
environ.Env.read_env(ROOT_DIR / ".env", overwrite=False)

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
IS_PRODUCTION = DJANGO_ENV == "production"

# The development key is only ever used without DJANGO_ENV=production; production refuses to start without one.
SECRET_KEY = env.str("SECRET_KEY") if IS_PRODUCTION else env.str("SECRET_KEY", default="enlace-dev-key-not-secret")
DEBUG = env.bool("DEBUG", default=not IS_PRODUCTION)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if IS_PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "django_countries",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "core",
    "accounts",
    "taxonomy",
    "suppliers",
    "buyers",
    "linkages",
    "matching",
    "events",
    "development",
    "reporting",
    "notifications",
    "interchange",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [ROOT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.current_organisation",
                "notifications.context_processors.unread_notifications",
            ],
        },
    },
]

if "DATABASE_URL" not in env:
    # The embedded default keeps its SQLite file in var/, which a fresh clone does not have yet.
    (ROOT_DIR / "var").mkdir(exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{ROOT_DIR / 'var' / 'enlace.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60 if IS_PRODUCTION else 0)
if "postgresql" in DATABASES["default"]["ENGINE"]:
    # PostgreSQL's JIT spends 100-200 ms compiling any query it thinks is large; the platform's are short (an
    # export's index of 50,000 processes runs in tens of milliseconds without it), so it costs more than it saves.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FORMS_URLFIELD_ASSUME_HTTPS = True

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish")), ("pt", _("Portuguese"))]
LOCALE_PATHS = [ROOT_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="America/Costa_Rica")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = ROOT_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [ROOT_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=ROOT_DIR / "var" / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if IS_PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Uploaded certificates: small documents only, checked by content as well as by extension.
CERTIFICATE_MAX_UPLOAD_BYTES = env.int("CERTIFICATE_MAX_UPLOAD_BYTES", default=5 * 1024 * 1024)
# An image certificate whose header declares more pixels than this is refused before anything decodes it (a few
# hundred bytes of PNG can declare 30,000 × 30,000). Pillow's own bomb warning (89 Mpx) is a refusal too.
CERTIFICATE_MAX_IMAGE_PIXELS = env.int("CERTIFICATE_MAX_IMAGE_PIXELS", default=50_000_000)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL or "cache+memory://")
# Without a broker the embedded default runs every task in-process, so the demo needs no server.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BEAT_SCHEDULE = {
    "train-ranker-nightly": {"task": "matching.train_ranker", "schedule": crontab(hour=2, minute=30)},
    "requeue-stalled-match-runs": {"task": "matching.requeue_stalled_runs", "schedule": 300.0},
    "requeue-stalled-imports": {"task": "interchange.requeue_stalled_imports", "schedule": 300.0},
    "mark-dormant-linkages": {"task": "linkages.mark_dormant_linkages", "schedule": crontab(hour=3, minute=0)},
    "scan-expiring-certifications": {
        "task": "notifications.scan_expiring_certifications",
        "schedule": crontab(hour=6, minute=0),
    },
    "send-daily-digests": {"task": "notifications.send_daily_digests", "schedule": crontab(hour=7, minute=0)},
}
CELERY_TIMEZONE = TIME_ZONE

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Matching: how many suppliers a run keeps, where the engine keeps its index and models, and how long supplier
# changes are collected before open requirements are re-matched.
MATCHING_TOP_K = env.int("MATCHING_TOP_K", default=50)
MATCHING_STATE_DIR = env.path("MATCHING_STATE_DIR", default=ROOT_DIR / "var" / "matching")
MATCHING_REMATCH_DEBOUNCE_SECONDS = env.int("MATCHING_REMATCH_DEBOUNCE_SECONDS", default=60)
# OCDS files uploaded through the API or the page are refused above this size (the command line has no limit).
OCDS_UPLOAD_MAX_BYTES = env.int("OCDS_UPLOAD_MAX_BYTES", default=50 * 1024 * 1024)
# Uploaded OCDS files are read as a stream and refused once they expand (gzip) beyond this; 0 means no limit. The
# command line uses OCDS_COMMAND_MAX_EXPANDED_BYTES (no limit by default: the operator chose the file).
OCDS_MAX_EXPANDED_BYTES = env.int("OCDS_MAX_EXPANDED_BYTES", default=2**30)
OCDS_COMMAND_MAX_EXPANDED_BYTES = env.int("OCDS_COMMAND_MAX_EXPANDED_BYTES", default=0)
# Deeper JSON than this is refused (OCDS itself needs about 10 levels); it would otherwise exhaust the stack.
OCDS_MAX_JSON_DEPTH = env.int("OCDS_MAX_JSON_DEPTH", default=100)
# OCDS exports: the ocid prefix registered with the Open Contracting Partnership for this platform's own processes
# (imported processes keep their publisher's ocid), and who publishes them under which licence.
OCDS_OCID_PREFIX = env.str("OCDS_OCID_PREFIX", default="ocds-enlace")
OCDS_PUBLISHER_NAME = env.str("OCDS_PUBLISHER_NAME", default="Enlace")
OCDS_PUBLISHER_URI = env.str("OCDS_PUBLISHER_URI", default=env.str("SITE_URL", default="http://127.0.0.1:8000"))
OCDS_LICENSE = env.str("OCDS_LICENSE", default="")
# A linkage with no stage change or transaction for this many days is marked dormant by the nightly task.
LINKAGE_DORMANT_AFTER_DAYS = env.int("LINKAGE_DORMANT_AFTER_DAYS", default=180)

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Enlace <no-reply@enlace.example>")
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": env.str("ANON_THROTTLE_RATE", default="120/minute")},
    "EXCEPTION_HANDLER": "config.api_errors.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Enlace API",
    "DESCRIPTION": "Supplier profiles, sourcing requirements and verification for MNC–SME linkage programmes.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "LinkageStageEnum": "linkages.models.Stage",
        "RequirementStatusEnum": "buyers.models.Requirement.Status",
        "CertificationStatusEnum": "suppliers.models.Certification.Status",
        "VerificationStatusEnum": "suppliers.models.VerificationStatus",
        "LanguageEnum": "suppliers.models.Capability.Language",
        "CountryEnum": "django_countries.countries",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if IS_PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=int(timedelta(days=365).total_seconds()))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

"""Tandem settings: one module, configured from the environment.

Development needs nothing: SQLite, the console e-mail backend and a generated secret key.
Production (DJANGO_ENV=production) refuses to start without what it needs.
"""

import datetime
import ipaddress
import os
import warnings
from pathlib import Path
from typing import overload

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


@overload
def env(name: str, default: str) -> str: ...
@overload
def env(name: str, default: None = None) -> str | None: ...
def env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value in (None, "") else value


def env_bool(name: str, default: bool) -> bool:
    value = env(name)
    if value is None:
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = env(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_list(name: str) -> list[str]:
    value = env(name, "") or ""
    return [item.strip() for item in value.split(",") if item.strip()]


DJANGO_ENV = env("DJANGO_ENV", "development")
if DJANGO_ENV not in ("development", "production"):
    raise ImproperlyConfigured("DJANGO_ENV must be 'development' or 'production'")
PRODUCTION = DJANGO_ENV == "production"

if PRODUCTION:
    # EMAIL_HOST and URGENT_ALERT_EMAILS: an urgent answer must reach a clinician at once.
    # CLINIC_NAME and CLINIC_CONTACT: every partner page, the consent notice and the locked
    # and link pages tell partners how to reach the clinic; a placeholder there helps no one.
    required = (
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "DATABASE_URL",
        "EMAIL_HOST",
        "URGENT_ALERT_EMAILS",
        "CLINIC_NAME",
        "CLINIC_CONTACT",
    )
    missing = [name for name in required if not env(name)]
    if missing:
        raise ImproperlyConfigured(
            "Production mode needs these environment variables: " + ", ".join(missing)
        )

INSECURE_DEV_KEY = "django-insecure-tandem-development-only-never-use-in-production"  # noqa: S105
SECRET_KEY = env("SECRET_KEY", INSECURE_DEV_KEY)
if SECRET_KEY == INSECURE_DEV_KEY:
    warnings.warn(
        "Running with the insecure development SECRET_KEY: set SECRET_KEY for real use.",
        stacklevel=1,
    )
DEBUG = env_bool("DEBUG", not PRODUCTION)
if PRODUCTION:
    # Exactly the hosts configured (required above); a list of none is refused, not filled in.
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must name the site's host, e.g. intake.clinic.ca")
else:
    # This machine. The test client's "testserver" is the tests' own (config/settings_test.py).
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS") or ["127.0.0.1", "localhost", "[::1]"]
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
CSRF_FAILURE_VIEW = "config.errors.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "formtools",
    "crispy_forms",
    "crispy_bootstrap5",
    "intake",
    "screening",
]

MIDDLEWARE = [
    "config.no_store.ClinicNoStoreMiddleware",  # outermost: every clinic response, even errors
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "intake.door.PartnerIdleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "screening.middleware.IdleLogoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Clinician sign-in: throttled and locked after repeated failures (django-axes), then a
# second factor (TOTP, django-otp). Partner links do not use accounts at all.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
# A username and an address together: someone who knows a clinician's username cannot lock them
# out from everywhere, only from the address the wrong passwords came from.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "config.client_ip.client_ip"  # the proxy's forwarded address, if trusted
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_VERBOSE = False
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", "Tandem")

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
                "django.template.context_processors.csp",
                "intake.door.clinic",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: the queue's correlated subqueries look costly to the planner, which then spent
    # 1.8-4.4 s compiling a query that runs in 0.15 s over 10,000 cases (bench/README.md,
    # Clinic pages). Short queries like a web app's gain nothing from it.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web process and the worker share the file.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Clinicians are signed out after this long without activity.
CLINICIAN_IDLE_SECONDS = env_int("CLINICIAN_IDLE_SECONDS", 30 * 60)
CLINICIAN_SEEN_WRITE_SECONDS = 30  # how often the last activity is written to the session
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "screening:queue"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
TIME_ZONE = env("TIME_ZONE", "America/Vancouver")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/noto-sans", BASE_DIR / "node_modules" / "@fontsource" / "noto-sans" / "files"),
    ("vendor/axe-core", BASE_DIR / "node_modules" / "axe-core"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Outside production WhiteNoise serves straight from the app's static folders.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
# Stored files (the prescriber's summaries) are readable by the app's user only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

# Background work: Django's tasks framework, stored in the database and run by
# `manage.py worker` (separate processes, one per queue, so urgent e-mails and the prescriber's
# PDFs never wait behind each other). Tests run tasks at once (config/settings_test.py).
TASK_QUEUES = ["urgent", "pdf"]
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": TASK_QUEUES,
    }
}
# Each worker's sweep, every WORKER_SWEEP_SECONDS: a heartbeat for the health check, retries of
# urgent e-mails not sent, and tasks left running by a dead worker taken up again.
WORKER_SWEEP_SECONDS = env_int("WORKER_SWEEP_SECONDS", 5)
# The health check wants every queue's worker seen within this long.
WORKER_SEEN_SECONDS = env_int("WORKER_SEEN_SECONDS", 60)
# A task running longer than this, whose worker is no longer seen, runs again; a task ready or
# running longer than this counts as stuck for the health check.
TASK_RUNNING_TIMEOUT_SECONDS = env_int("TASK_RUNNING_TIMEOUT_SECONDS", 5 * 60)
# Urgent e-mails that failed are tried again after 15 s, 30 s, 60 s, ... at most every 5 minutes;
# after URGENT_ALERT_MAX_FAILURES failures the case shows "Alert not delivered".
URGENT_ALERT_RETRY_SECONDS = env_int("URGENT_ALERT_RETRY_SECONDS", 15)
URGENT_ALERT_RETRY_MAX_SECONDS = env_int("URGENT_ALERT_RETRY_MAX_SECONDS", 5 * 60)
URGENT_ALERT_MAX_FAILURES = env_int("URGENT_ALERT_MAX_FAILURES", 5)
# The prescriber's summary: "letter" (default) or "A4".
SUMMARY_PAPER = env("SUMMARY_PAPER", "letter")
if SUMMARY_PAPER not in ("letter", "A4"):
    raise ImproperlyConfigured("SUMMARY_PAPER must be 'letter' or 'A4'")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail: the console by default; EMAIL_HOST (and friends) switch to SMTP.
if env("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env("EMAIL_HOST"),
                "port": env_int("EMAIL_PORT", 587),
                "username": env("EMAIL_HOST_USER", ""),
                "password": env("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
                # seconds: a mail server that hangs never holds a worker (or a page) for long
                "timeout": env_int("EMAIL_TIMEOUT", 20),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Tandem intake <no-reply@tandem.invalid>")
CLINIC_NAME = env("CLINIC_NAME", "the clinic")
# How partners reach the clinic (a phone number, an address), shown on every partner page.
CLINIC_CONTACT = env("CLINIC_CONTACT", "the phone number or e-mail address the clinic gave you")
# What the clinic does after an urgent answer, and how soon (the consent notice says it).
CLINIC_URGENT_RESPONSE = env("CLINIC_URGENT_RESPONSE", "within one working day")
# How long the clinic keeps a partner's records (the consent notice says it).
RECORDS_RETENTION = env("RECORDS_RETENTION", "10 years after your last contact with the clinic")
# Where links in e-mails point (scheme and host, no trailing slash).
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")
# Addresses told at once when an answer needs urgent review.
URGENT_ALERT_EMAILS = env_list("URGENT_ALERT_EMAILS")

# Partner links.
INVITATION_TTL_DAYS = env_int("INVITATION_TTL_DAYS", 30)
# Failed link look-ups allowed per client address in LINK_GUESS_WINDOW seconds.
LINK_GUESS_LIMIT = env_int("LINK_GUESS_LIMIT", 20)
LINK_GUESS_WINDOW = env_int("LINK_GUESS_WINDOW", 15 * 60)
# Counted in the shared cache when there is one, else in the database: never per process.
LINK_GUESSES_IN_CACHE = bool(env("REDIS_URL"))
# Behind a reverse proxy that sets X-Forwarded-For, count link guesses per forwarded address.
TRUST_X_FORWARDED_FOR = env_bool("TRUST_X_FORWARDED_FOR", False)
# The reverse proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES") or ["127.0.0.1", "::1"]
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXIES must list addresses or networks, not {_proxy!r}"
        ) from None
# A neutral website that "Exit this page" goes to.
EXIT_PAGE_URL = env("EXIT_PAGE_URL", "https://www.bbc.co.uk/weather")
# A partner's session ends when the browser closes, and after this many minutes without a
# page or a "Stay on this page" (a warning comes PARTNER_IDLE_WARNING_SECONDS before).
PARTNER_IDLE_SECONDS = env_int("PARTNER_IDLE_MINUTES", 30) * 60
PARTNER_IDLE_WARNING_SECONDS = env_int("PARTNER_IDLE_WARNING_SECONDS", 120)
# Wrong resume codes in a row before a partner's link is locked (a clinician resets the code).
RESUME_CODE_ATTEMPTS = env_int("RESUME_CODE_ATTEMPTS", 5)
# Which crisis contacts a partner sees (intake/questionnaire/crisis.py): "CA-BC" (Canada and
# British Columbia), "CA" (Canada-wide lines only) or "US". Checked when the app starts.
CRISIS_REGION = env("CRISIS_REGION", "CA-BC")

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env("REDIS_URL")}
        if env("REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # polled over plain HTTP by the supervisor
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # No log line carries a partner's private-link token (a 404 warning names the path).
    "filters": {"tokens": {"()": "config.log_redaction.RedactTokens"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["tokens"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own handlers (its development console, mail to ADMINS) would print the
        # path as it is: its records go to the filtered console above instead.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "weasyprint": {"level": "ERROR"},
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

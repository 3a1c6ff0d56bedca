"""Settings shared by every Safer Places deployment.

Values a deployment changes come from :class:`saferplaces.web.config.env.WebEnv`;
``local``, ``production`` and ``test`` add what differs.
"""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

from csp.constants import NONE, SELF

from saferplaces.web.config.csp import govuk_template_script_hash
from saferplaces.web.config.env import WebEnv

ENV = WebEnv.from_environ()
WEB_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = ENV.secret_key or ""
DEBUG = ENV.debug
ALLOWED_HOSTS = list(ENV.allowed_hosts)
CSRF_TRUSTED_ORIGINS = list(ENV.csrf_trusted_origins)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "saferplaces.web.accounts",
    "saferplaces.web.partnerships",
    "saferplaces.web.plans",
    "saferplaces.web.performance",
    "saferplaces.web.projects",
    "saferplaces.web.audit",
    "saferplaces.web.transfers",
    "saferplaces.web.public",
    # Background work (issue #10): Django's tasks API, the database backend, our jobs.
    "django_tasks",
    "django_tasks_db",
    "saferplaces.web.work",
    # Assessments built in the app, priorities adopted from them (issue #10, sections 2 and 3).
    "saferplaces.web.assessments",
    # Quarterly board packs (issue 11, section 1).
    "saferplaces.web.boardpacks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "saferplaces.web.config.urls"
WSGI_APPLICATION = "saferplaces.web.config.wsgi.application"

TEMPLATES = [
    {
        # Our pages: Jinja2 with the govuk-frontend-jinja macros.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [WEB_DIR / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "saferplaces.web.config.jinja2.environment"},
    },
    {
        # Django's admin keeps its own templates.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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

DATABASES = ENV.databases()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
# The residents' pages are published in English and Welsh (web/public/locale).
LANGUAGES = [("en-gb", "English"), ("cy", "Cymraeg")]
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [WEB_DIR / "static"]
# Only collectstatic needs it; production defaults it to a folder in the store.
STATIC_ROOT = ENV.static_root

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGIN_URL = "sign-in"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Errors go to stderr, where gunicorn or systemd collects them.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "loggers": {"django": {"handlers": ["stderr"], "level": "WARNING"}},
}

PRODUCT_NAME = "Safer Places"

# Background work (issue #10, docs/deploy.md): the database backend needs no other server and
# is run by `saferplaces worker`; a deployment that outgrows it names another backend of
# Django's tasks API in SAFERPLACES_TASKS_BACKEND (its own worker then runs the tasks).
TASKS = {
    "default": {
        "BACKEND": os.environ.get("SAFERPLACES_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "OPTIONS": json.loads(os.environ.get("SAFERPLACES_TASKS_OPTIONS", "{}")),
    }
}
#: Imports of more rows than this run in the background.
BACKGROUND_IMPORT_ROWS = 2000
# -- Web security (issue #13; docs/web.md "Security"): every setting in this block -------------------
# Sign-in throttling (django-axes): five failed sign-ins for one username from one address lock that
# pair out for 15 minutes; the lockout page says so in GOV.UK words and the audit trail records it.
INSTALLED_APPS += ["axes"]
MIDDLEWARE.insert(1, "csp.middleware.CSPMiddleware")
MIDDLEWARE += [
    # Refuses an oversized upload before the body is read (after the session and user are known,
    # so the refusal page can show who is signed in).
    "saferplaces.web.config.middleware.RequestSizeLimitMiddleware",
    "saferplaces.web.accounts.middleware.IdleSessionMiddleware",
    # A response for a signed-in person says no-store, so no browser or proxy keeps it.
    "saferplaces.web.accounts.middleware.PrivatePagesMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "saferplaces.web.accounts.lockout.locked_out"
AXES_VERBOSE = False
# Sessions end after SAFERPLACES_SESSION_IDLE_MINUTES without a request (IdleSessionMiddleware
# renews an active session at most once a minute), and when the browser closes.
SESSION_COOKIE_AGE = ENV.session_idle_minutes * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Password reset by e-mail: written to standard error unless an SMTP server is set.
if ENV.email_host:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = ENV.email_host
    EMAIL_PORT = ENV.email_port
    EMAIL_HOST_USER = ENV.email_user
    EMAIL_HOST_PASSWORD = ENV.email_password
    EMAIL_USE_TLS = ENV.email_use_tls
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = ENV.email_from
PASSWORD_RESET_TIMEOUT = 3600  # a reset link works for one hour
# Content-Security-Policy (django-csp) on every response: scripts and styles from this site only,
# no inline script or style; GOV.UK's one inline script is allowed by its hash (web/config/csp.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, govuk_template_script_hash()],
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

# -- Caching what does not change between writes (issue #13; saferplaces.web.cache) ------------------
# A write moves the stamp file's time on; every server worker sees it. None: this process only.
SAFERPLACES_CACHE_STAMP = ENV.store_dir / ".web-generation"
# The residents' pages and their figures (web/public/http.py, ADR 0023): one folder every server
# process shares, so a page is made once, not once per worker; emptied when the server starts.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "public": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(ENV.store_dir / "web-cache"),
        "OPTIONS": {"MAX_ENTRIES": 20000},
    },
}

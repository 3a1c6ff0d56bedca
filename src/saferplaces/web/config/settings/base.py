"""Settings shared by every Safer Places deployment.

Values a deployment changes come from :class:`saferplaces.web.config.env.WebEnv`;
``local``, ``production`` and ``test`` add what differs.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

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

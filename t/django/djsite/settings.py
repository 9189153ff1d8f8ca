"""Settings of the suite's Django project (t/django/manage.py).

Nothing here serves requests yet: the hashers are Django's own list,
with every hasher Django 3.2 can be configured with, and the database
(when asked for) holds Django's auth tables for accountsctl
import-django to read.
"""
import os

SECRET_KEY = os.environ.get("ACC_DJANGO_SECRET_KEY", "test-only-not-a-secret")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "djsite",
]
# No database is needed to make or check a hash; with ACC_DJANGO_DBNAME
# the project is a Django site on the suite's PostgreSQL (the superuser,
# over its socket), in a database of its own.
DATABASES = {}
if os.environ.get("ACC_DJANGO_DBNAME"):
    DATABASES["default"] = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ["ACC_DJANGO_DBNAME"],
        "HOST": os.environ["ACC_PGSOCK"],
        "PORT": os.environ["ACC_PGPORT"],
        "USER": "postgres",
    }
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
USE_TZ = True
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.BCryptPasswordHasher",
]

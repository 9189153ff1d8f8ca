#!/usr/bin/python3
"""t/django/manage.py -- the test suite's minimal Django project.

A real Django (Debian's python3-django) beside the module under test:
the suite uses it to make and check password hashes with Django's own
hashers, so that what mod_accounts accepts is what Django wrote.
"""
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "djsite.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)

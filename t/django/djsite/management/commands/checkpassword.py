"""manage.py checkpassword: Django's check_password, the password on the
first line of stdin and the encoded hash on the second; prints True or
False."""
import sys

from django.contrib.auth.hashers import check_password
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Check a password against an encoded hash as Django does."

    def handle(self, *args, **options):
        password = sys.stdin.readline().rstrip("\n")
        encoded = sys.stdin.readline().rstrip("\n")
        self.stdout.write(str(check_password(password, encoded)))

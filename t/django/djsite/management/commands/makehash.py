"""manage.py makehash ALGORITHM: Django's hash of the password on stdin.

ALGORITHM is a hasher's name (pbkdf2_sha256, pbkdf2_sha1, argon2,
bcrypt_sha256, bcrypt), made by Django's own make_password with that
hasher's defaults, or scrypt: Django 3.2 (Debian 12's) has no scrypt
hasher, so it is made here exactly as Django 4.0's ScryptPasswordHasher
makes it (n=2**14, r=8, p=1, a 64-byte key, a 22-character salt).
"""
import base64
import hashlib
import sys

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.utils.crypto import get_random_string

ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def scrypt_django40(password):
    n, r, p = 2**14, 8, 1
    salt = get_random_string(22, ALPHABET)
    key = hashlib.scrypt(password.encode(), salt=salt.encode(), n=n, r=r, p=p,
                         maxmem=0, dklen=64)
    return "scrypt$%d$%s$%d$%d$%s" % (n, salt, r, p,
                                      base64.b64encode(key).decode("ascii"))


class Command(BaseCommand):
    help = "Print Django's hash of the password read from stdin."

    def add_arguments(self, parser):
        parser.add_argument("algorithm")

    def handle(self, *args, **options):
        password = sys.stdin.readline().rstrip("\n")
        algorithm = options["algorithm"]
        if algorithm == "scrypt":
            self.stdout.write(scrypt_django40(password))
        else:
            self.stdout.write(make_password(password, hasher=algorithm))

#!/usr/bin/python3
"""t/i18n/django_tr.py -- what Django's own catalogs say, for the tests.

Reads a JSON list of [lang, msgid] or [lang, msgid, msgid_plural, n] on
stdin and prints a JSON list of the translations, looked up in Debian's
python3-django compiled catalogs as a Django site with admin and auth
installed looks them up (admin, then auth, then django/conf), never in
mod_accounts' own data.  An untranslated message is its English (as
gettext gives it).
"""
import gettext
import json
import os
import sys

import django

ROOT = os.path.dirname(django.__file__)
ORDER = ["contrib/admin/locale", "contrib/auth/locale", "conf/locale"]


def catalogs(lang):
    d = lang.split("-")[0] + ("_" + lang.split("-")[1].upper() if "-" in lang else "")
    out = []
    for sub in ORDER:
        mo = os.path.join(ROOT, sub, d, "LC_MESSAGES", "django.mo")
        if os.path.exists(mo):
            with open(mo, "rb") as f:
                out.append(gettext.GNUTranslations(f))
    return out


def lookup(lang, msgid, plural=None, n=None):
    for c in catalogs(lang):
        if plural is None:
            if msgid in c._catalog:
                return c.gettext(msgid)
        elif (msgid, 0) in c._catalog:
            return c.ngettext(msgid, plural, n)
    if plural is None:
        return msgid
    return msgid if n == 1 else plural


print(json.dumps([lookup(*q) for q in json.load(sys.stdin)], ensure_ascii=False))

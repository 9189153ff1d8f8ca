/*
 * src/core/djsession.h -- Django's database sessions, read as Django reads
 * them (django/core/signing.py, django/contrib/sessions/backends/base.py,
 * django/contrib/auth/__init__.py), so a user logged in on a Django site
 * is logged in for a location mod_accounts guards.
 *
 * django_session.session_data (Django 3.1 and later; the older form,
 * signed with SHA-1, is not read):
 *
 *     <payload>:<timestamp>:<signature>
 *
 * payload the session's JSON in base64url without padding ('.' before it
 * when the JSON was zlib-compressed), timestamp base62, and signature
 * base64url(HMAC-SHA256(SHA-256(salt "signer" SECRET_KEY),
 * "<payload>:<timestamp>")) with salt "django.contrib.sessions.SessionStore"
 * for the database backend.  A logged-in session's JSON holds
 * "_auth_user_id" (the user's pk, a string) and "_auth_user_hash": the
 * hex HMAC-SHA256(SHA-256("django.contrib.auth.models.AbstractBaseUser."
 * "get_session_auth_hash" SECRET_KEY), user.password), which ties the
 * session to the password hash: a password change ends it.  Pure core:
 * APR, jansson, zlib; everything in the caller's pool.
 */
#ifndef ACC_DJSESSION_H
#define ACC_DJSESSION_H

#include "core.h"

#define ACC_DJSESSION_SALT "django.contrib.sessions.SessionStore"

/* The most a session's JSON may inflate to: Django keeps small things in
 * a session (messages, a cart); more is refused. */
#define ACC_DJSESSION_MAX_JSON (256 * 1024)

/* Whether s is what Django makes for a session key: 8 to 40 characters
 * of [a-z0-9] (Django's are 32). */
int acc_djsession_key_ok(const char *s);

/* Check and decode session_data under secret (slen bytes).  Returns 0
 * with *user_id and *auth_hash (in p) for a logged-in session; -1 when
 * the signature is wrong (or missing); -2 when it is Django's but nobody
 * is logged in with it; -3 when the signature holds but what it signs is
 * not what we read (more than ACC_DJSESSION_MAX_JSON inflated, or JSON
 * that jansson refuses). */
int acc_djsession_decode(apr_pool_t *p, const char *data,
                         const unsigned char *secret, apr_size_t slen,
                         apr_int64_t *user_id, const char **auth_hash);

/* value signed as Django's Signer signs session data: "value:signature",
 * in p (the tests and the fuzz target make session data with it). */
const char *acc_djsession_sign(apr_pool_t *p, const char *value,
                               const unsigned char *secret, apr_size_t slen);

/* Django's get_session_auth_hash of a stored password hash: 64 hex
 * digits, in p. */
const char *acc_djsession_auth_hash(apr_pool_t *p, const char *password,
                                    const unsigned char *secret,
                                    apr_size_t slen);

#endif /* ACC_DJSESSION_H */

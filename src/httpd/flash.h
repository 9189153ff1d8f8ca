/*
 * src/httpd/flash.h -- one-time messages, as Django's messages framework
 * shows them: "Your account has been created. You can log in now." on the
 * page a redirect leads to, once.
 *
 * The message travels in a short-lived cookie (accounts_msg, 60 s,
 * HttpOnly), never in the URL, as a code signed with the server's key
 * (core/device.h's signed tokens): nobody can make a page say something
 * else.  The next accounts page that renders shows it and deletes the
 * cookie.
 */
#ifndef ACC_FLASH_H
#define ACC_FLASH_H

#include "module.h"

/* The messages, by code. */
#define ACC_FLASH_REGISTERED "registered"
#define ACC_FLASH_LOGGED_OUT "logged_out"

/* Have the next page show the message of code. */
void acc_flash(request_rec *r, const char *code);

/* The message this request's cookie carries, or NULL; the cookie is
 * deleted on the way out. */
const char *acc_flash_take(request_rec *r);

#endif /* ACC_FLASH_H */

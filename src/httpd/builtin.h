/*
 * src/httpd/builtin.h -- the default templates compiled into the module
 * (src/builtin_templates.c, generated from templates/ at build time).
 */
#ifndef ACC_BUILTIN_H
#define ACC_BUILTIN_H

#include "core/core.h"

typedef struct {
    const char *name; /* the file's base name, e.g. "login.html" */
    const char *data;
    apr_size_t len;
} acc_builtin_t;

extern const acc_builtin_t acc_builtin_templates[];
extern const apr_size_t acc_builtin_templates_count;

#endif /* ACC_BUILTIN_H */

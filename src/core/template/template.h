/*
 * src/core/template/template.h -- a small Django-like template engine.
 *
 * Syntax (a subset of Django's, same meaning):
 *   {{ a.b.c }}                 a value, HTML-escaped (& < > " ')
 *   {{ a|safe }}                a value, not escaped
 *   {{ a|default:"text" }}      the literal when a is false/missing
 *   {% if [not] a.b %} ... {% elif [not] c %} ... {% else %} ... {% endif %}
 *   {% if a == "lit" %} / {% if a != "lit" %}   string comparison
 *   {% for x in a.list %} ... {% empty %} ... {% endfor %}
 *        (inside: forloop.counter, forloop.first, forloop.last)
 *   {% extends "base.html" %}   first tag of a template; then only blocks
 *   {% block name %} ... {% endblock [name] %}   ({{ block.super }} works)
 *   {% include "name.html" %}   rendered with the same context
 *   {% csrf_token %}            <input type="hidden"
 *                                name="csrfmiddlewaretoken" value="...">
 *                               from the context value "csrf_token"
 *   {# comment #}  and  {% comment %} ... {% endcomment %}
 *   {% translate "text" %}      the text in the request's language,
 *                               escaped ({% trans %} too)
 *   {% blocktranslate [count name=value] [trimmed] %}Hello, {{ name }}!
 *   [{% plural %}...] {% endblocktranslate %}   a message with {{ name }}
 *        placeholders (plain names, escaped on output), as Django's: its
 *        msgid has %(name)s for each; with count, the plural form for
 *        value; trimmed joins its lines with single spaces
 *        ({% blocktrans %} too)
 *
 * Templates are parsed once (at httpd startup) into a set; rendering reads
 * the set and never changes it, so one set serves every thread.  A missing
 * value renders as "" (Django's string_if_invalid default).
 */
#ifndef ACC_TEMPLATE_H
#define ACC_TEMPLATE_H

#include "../core.h"

typedef struct acc_tpl_set acc_tpl_set_t;
typedef struct acc_tval acc_tval_t;

/* ---- context values (all allocated in p; maps and lists are mutable
 * until rendered) ---- */

/* A string, escaped on output. NULL is treated as "". */
acc_tval_t *acc_tval_str(apr_pool_t *p, const char *s);
/* A string of trusted HTML, output verbatim. */
acc_tval_t *acc_tval_safe(apr_pool_t *p, const char *html);
/* A boolean; renders as "True"/"False" like Django. */
acc_tval_t *acc_tval_bool(apr_pool_t *p, int b);
/* An empty list / map. */
acc_tval_t *acc_tval_list(apr_pool_t *p);
acc_tval_t *acc_tval_map(apr_pool_t *p);
/* Append v to list (ignored when list is not a list). */
void acc_tval_push(acc_tval_t *list, acc_tval_t *v);
/* Set key in map to v (key is not copied; ignored when not a map). */
void acc_tval_set(acc_tval_t *map, const char *key, acc_tval_t *v);
/* Shorthands: set key to a string / a bool; return map for chaining. */
acc_tval_t *acc_tval_setstr(acc_tval_t *map, const char *key, const char *s);
acc_tval_t *acc_tval_setbool(acc_tval_t *map, const char *key, int b);
/* Look key up in a map (no dots); NULL when absent or not a map. */
acc_tval_t *acc_tval_get(const acc_tval_t *map, const char *key);

/* Truth as Django: "" false, empty list/map false, bool as is, missing
 * false; everything else true. */
int acc_tval_true(const acc_tval_t *v);

/* ---- sets of templates ---- */

/* A new empty set living in p (parsed templates live as long as p). */
acc_tpl_set_t *acc_tpl_set_create(apr_pool_t *p);

/* Parse src[0..len) as template `name` and add it to the set, replacing
 * any earlier template of that name.  origin is what error messages call
 * the source (a file path, or "built-in name").  Returns APR_SUCCESS, or
 * APR_EINVAL with *err = "<origin>:<line>: <what is wrong>" (in the set's
 * pool) for a syntax error: unknown tag, unclosed or mismatched block,
 * bad expression, extends not first, ... */
apr_status_t acc_tpl_add(acc_tpl_set_t *set, const char *name, const char *src,
                         apr_size_t len, const char *origin, const char **err);

/* Check that every extends/include names a template in the set and that
 * no chain of extends/includes loops.  Call once after the last add.
 * Returns APR_SUCCESS or APR_EINVAL with *err naming origin and line. */
apr_status_t acc_tpl_link(acc_tpl_set_t *set, const char **err);

/* 1 when the set has a template called name. */
int acc_tpl_has(const acc_tpl_set_t *set, const char *name);

/* Render template name with ctx (a map; may be NULL) into *out (in p,
 * NUL-terminated; *outlen gets its length when outlen is not NULL).
 * Returns APR_SUCCESS, or APR_NOTFOUND when there is no such template,
 * or APR_EINVAL when rendering nests deeper than a fixed limit. */
apr_status_t acc_tpl_render(const acc_tpl_set_t *set, const char *name,
                            const acc_tval_t *ctx, apr_pool_t *p,
                            const char **out, apr_size_t *outlen);

/* How a render translates (acc_tpl_render_i18n): gettext of msgid and
 * ngettext of (msgid, plural, n), each returning the translation or the
 * English it was given; ctx is theirs. */
typedef struct {
    const char *(*gettext)(void *ctx, const char *msgid);
    const char *(*ngettext)(void *ctx, const char *msgid, const char *plural,
                            unsigned long n);
    void *ctx;
} acc_tpl_i18n_t;

/* acc_tpl_render, translating as tr says (NULL: English, the msgids). */
apr_status_t acc_tpl_render_i18n(const acc_tpl_set_t *set, const char *name,
                                 const acc_tval_t *ctx,
                                 const acc_tpl_i18n_t *tr, apr_pool_t *p,
                                 const char **out, apr_size_t *outlen);

/* HTML-escape s (& < > " ' as &amp; &lt; &gt; &quot; &#x27;), in p. */
const char *acc_html_escape(apr_pool_t *p, const char *s);

#endif /* ACC_TEMPLATE_H */

/*
 * fuzz/fuzz_template.c -- libFuzzer target: parse, link and render templates.
 *
 * The input is up to three templates separated by a line "=====":
 * page.html, a.html and b.html.  Two fixed templates (base.html, inc.html)
 * are there to extend and include.  Whatever parses is linked and, when
 * linking succeeds, every template is rendered twice with a small fixed
 * context; the two outputs must be equal.
 *
 * APR pools hand out pieces of large blocks, so AddressSanitizer cannot see
 * a read past the end of one allocation.  While an input runs, apr_palloc
 * (and so apr_pcalloc, a macro over it) is replaced by a malloc of exactly
 * the size asked for; everything is freed after the input's pool is gone.
 */
#include "core/template/template.h"

#include "harness.h"

#include <dlfcn.h>

#define SEP        "\n=====\n"
#define MAX_PIECES 3
#define MAX_FANOUT 12 /* for + include + super words before we skip render */

typedef struct chunk {
    struct chunk *next;
    void *pad; /* keeps the payload 16-byte aligned */
} chunk_t;

static void *(*real_palloc)(apr_pool_t *, apr_size_t);
static chunk_t *chunks;
static int exact;

void *apr_palloc(apr_pool_t *p, apr_size_t size)
{
    chunk_t *c;

    if (!exact) {
        if (!real_palloc) {
            *(void **)&real_palloc = dlsym(RTLD_NEXT, "apr_palloc");
            if (!real_palloc) {
                abort();
            }
        }
        return real_palloc(p, size);
    }
    if (!(c = malloc(sizeof(*c) + size))) {
        abort();
    }
    c->next = chunks;
    chunks = c;
    return c + 1;
}

static void free_chunks(void)
{
    while (chunks) {
        chunk_t *c = chunks;

        chunks = c->next;
        free(c);
    }
}

static const char base_html[] =
    "<!doctype html><title>{% block title %}Site{% endblock %}</title>\n"
    "{% block nav %}{% if user.is_staff %}<a href=\"/admin\">admin</a>"
    "{% endif %}{% endblock %}\n"
    "<main>{% block content %}{% endblock %}</main>\n"
    "{% include \"inc.html\" %}\n";

static const char inc_html[] =
    "<footer>{{ user.name|default:\"guest\" }}{% csrf_token %}"
    "{% for i in items %}{{ forloop.counter }}:{{ i }}"
    "{% if not forloop.last %},{% endif %}{% empty %}none{% endfor %}"
    "</footer>";

static acc_tval_t *context(apr_pool_t *p)
{
    acc_tval_t *ctx = acc_tval_map(p), *user = acc_tval_map(p);
    acc_tval_t *items = acc_tval_list(p), *errors = acc_tval_map(p);
    acc_tval_t *el = acc_tval_list(p);

    acc_tval_setstr(user, "name", "<Ann & 'Bob'>");
    acc_tval_setstr(user, "email", "ann@example.org");
    acc_tval_setbool(user, "is_staff", 1);
    acc_tval_set(ctx, "user", user);
    acc_tval_push(items, acc_tval_str(p, "caf\xc3\xa9"));
    acc_tval_push(items, acc_tval_safe(p, "<b>2</b>"));
    acc_tval_set(ctx, "items", items);
    acc_tval_push(el, acc_tval_str(p, "too short"));
    acc_tval_set(errors, "password", el);
    acc_tval_set(ctx, "errors", errors);
    acc_tval_set(ctx, "empty", acc_tval_list(p));
    acc_tval_setstr(ctx, "next", "/a?b=\"c\"");
    acc_tval_setstr(ctx, "csrf_token", "tok\"en");
    acc_tval_setbool(ctx, "yes", 1);
    acc_tval_setbool(ctx, "no", 0);
    return ctx;
}

static size_t count(const uint8_t *d, size_t n, const char *w)
{
    size_t k = 0, i, wl = strlen(w);

    for (i = 0; i + wl <= n; i++) {
        k += memcmp(d + i, w, wl) == 0;
    }
    return k;
}

static const uint8_t *find(const uint8_t *d, size_t n, const char *w)
{
    size_t i, wl = strlen(w);

    for (i = 0; i + wl <= n; i++) {
        if (!memcmp(d + i, w, wl)) {
            return d + i;
        }
    }
    return NULL;
}

static void run(apr_pool_t *p, const uint8_t *data, size_t size, int render)
{
    static const char *const names[MAX_PIECES] = {"page.html", "a.html",
                                                  "b.html"};
    acc_tpl_set_t *set = acc_tpl_set_create(p);
    acc_tval_t *ctx = context(p);
    const char *err, *o1, *o2;
    apr_size_t l1, l2;
    char *copy;
    int i, n = 0;

    acc_tpl_add(set, "base.html", base_html, sizeof(base_html) - 1,
                "fixed base", &err);
    acc_tpl_add(set, "inc.html", inc_html, sizeof(inc_html) - 1, "fixed inc",
                &err);

    /* acc_html_escape on the whole input as a C string */
    if (!(copy = fuzz_cstr(data, size))) {
        abort();
    }
    acc_html_escape(p, copy);
    free(copy);

    for (i = 0; i < MAX_PIECES; i++) {
        const uint8_t *sep = i + 1 < MAX_PIECES ? find(data, size, SEP) : NULL;
        size_t len = sep ? (size_t)(sep - data) : size;

        if (acc_tpl_add(set, names[i], (const char *)data, len, names[i],
                        &err) == APR_SUCCESS) {
            n++;
        }
        if (!sep) {
            break;
        }
        size -= len + strlen(SEP);
        data = sep + strlen(SEP);
    }
    if (!n || acc_tpl_link(set, &err) != APR_SUCCESS || !render) {
        return;
    }
    for (i = 0; i < MAX_PIECES + 2; i++) {
        const char *name =
            i < 2 ? (i ? "inc.html" : "base.html") : names[i - 2];

        if (!acc_tpl_has(set, name)) {
            continue;
        }
        if (acc_tpl_render(set, name, ctx, p, &o1, &l1) == APR_SUCCESS) {
            if (acc_tpl_render(set, name, ctx, p, &o2, &l2) != APR_SUCCESS ||
                l1 != l2 || memcmp(o1, o2, l1) || strlen(o1) > l1) {
                abort();
            }
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p;
    int render;

    /* Nested loops, includes and supers multiply the output; past a few
     * of them, parse and link but do not render. */
    render = count(data, size, "for") + count(data, size, "include") +
                 count(data, size, "super") <=
             MAX_FANOUT;
    exact = 1;
    if (apr_pool_create(&p, pool) != APR_SUCCESS) {
        abort();
    }
    run(p, data, size, render);
    apr_pool_destroy(p);
    exact = 0;
    free_chunks();
    return 0;
}

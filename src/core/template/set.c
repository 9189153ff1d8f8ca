/*
 * src/core/template/set.c -- sets of templates: add (copy and parse), look
 * up, and link (every name found, no cycle of extends and includes).
 */
#include "internal.h"

#include <string.h>

const acc_tpl_t *acc_tpl_get(const acc_tpl_set_t *set, const char *name)
{
    return apr_hash_get(set->byname, name, APR_HASH_KEY_STRING);
}

static void set_err(const char **err, const char *msg)
{
    if (err) {
        *err = msg;
    }
}

acc_tpl_set_t *acc_tpl_set_create(apr_pool_t *p)
{
    acc_tpl_set_t *set = apr_pcalloc(p, sizeof(*set));

    set->p = p;
    set->byname = apr_hash_make(p);
    set->all = apr_array_make(p, 16, sizeof(acc_tpl_t *));
    return set;
}

apr_status_t acc_tpl_add(acc_tpl_set_t *set, const char *name, const char *src,
                         apr_size_t len, const char *origin, const char **err)
{
    apr_pool_t *tp;
    acc_tpl_t *t, *old;
    char *copy;
    const char *msg;
    apr_status_t rv;

    if (!set || !name || (!src && len)) {
        set_err(err, "template: bad arguments");
        return APR_EINVAL;
    }
    if ((rv = apr_pool_create(&tp, set->p)) != APR_SUCCESS) {
        set_err(err, apr_psprintf(set->p, "%s: out of memory",
                                  origin ? origin : name));
        return rv;
    }
    t = apr_pcalloc(tp, sizeof(*t));
    t->p = tp;
    t->origin = apr_pstrdup(tp, origin ? origin : name);
    t->blocks = apr_array_make(tp, 8, sizeof(acc_tpl_node_t *));
    t->refs = apr_array_make(tp, 4, sizeof(acc_tpl_ref_t));
    copy = apr_palloc(tp, len + 1);
    if (len) {
        memcpy(copy, src, len);
    }
    copy[len] = '\0';

    if (acc_tpl_parse(t, copy, len, set->p, &msg) < 0) {
        set_err(err, msg);
        apr_pool_destroy(tp);
        return APR_EINVAL;
    }

    old = apr_hash_get(set->byname, name, APR_HASH_KEY_STRING);
    if (old) {
        t->name = old->name;
        t->idx = old->idx;
        APR_ARRAY_IDX(set->all, t->idx, acc_tpl_t *) = t;
        apr_hash_set(set->byname, t->name, APR_HASH_KEY_STRING, t);
        apr_pool_destroy(old->p);
    }
    else {
        t->name = apr_pstrdup(set->p, name);
        t->idx = set->all->nelts;
        APR_ARRAY_PUSH(set->all, acc_tpl_t *) = t;
        apr_hash_set(set->byname, t->name, APR_HASH_KEY_STRING, t);
    }
    return APR_SUCCESS;
}

int acc_tpl_has(const acc_tpl_set_t *set, const char *name)
{
    return set && name && acc_tpl_get(set, name) != NULL;
}

typedef struct {
    int t; /* index in set->all */
    int e; /* next ref to follow */
} dfs_t;

static const char *cycle_msg(const acc_tpl_set_t *set, const dfs_t *stk,
                             int from, int top, const acc_tpl_t *last)
{
    const char *path = "";
    int k, include = 0;

    for (k = from; k <= top; k++) {
        const acc_tpl_t *t = APR_ARRAY_IDX(set->all, stk[k].t, acc_tpl_t *);

        include |= APR_ARRAY_IDX(t->refs, stk[k].e - 1, acc_tpl_ref_t).include;
        path = apr_pstrcat(set->p, path, t->name, " -> ", NULL);
    }
    return apr_pstrcat(set->p, include ? "include" : "extends",
                       " cycle: ", path, last->name, NULL);
}

apr_status_t acc_tpl_link(acc_tpl_set_t *set, const char **err)
{
    apr_pool_t *tmp;
    dfs_t *stk;
    char *color;
    int n, s, i, sp;

    if (!set) {
        set_err(err, "template: bad arguments");
        return APR_EINVAL;
    }
    n = set->all->nelts;
    for (i = 0; i < n; i++) {
        const acc_tpl_t *t = APR_ARRAY_IDX(set->all, i, acc_tpl_t *);

        for (s = 0; s < t->refs->nelts; s++) {
            const acc_tpl_ref_t *r = &APR_ARRAY_IDX(t->refs, s, acc_tpl_ref_t);

            if (!acc_tpl_get(set, r->name)) {
                set_err(err, apr_psprintf(
                                 set->p, "%s:%d: %s '%s': no such template",
                                 t->origin, r->line,
                                 r->include ? "include" : "extends", r->name));
                return APR_EINVAL;
            }
        }
    }

    /* Depth-first over extends and include edges; grey (1) on the stack. */
    if (apr_pool_create(&tmp, set->p) != APR_SUCCESS) {
        set_err(err, "template: out of memory");
        return APR_ENOMEM;
    }
    color = apr_pcalloc(tmp, n + 1);
    stk = apr_palloc(tmp, (n + 1) * sizeof(*stk));
    for (s = 0; s < n; s++) {
        if (color[s]) {
            continue;
        }
        sp = 0;
        stk[0].t = s;
        stk[0].e = 0;
        color[s] = 1;
        while (sp >= 0) {
            const acc_tpl_t *t =
                APR_ARRAY_IDX(set->all, stk[sp].t, acc_tpl_t *);
            const acc_tpl_ref_t *r;
            const acc_tpl_t *u;

            if (stk[sp].e == t->refs->nelts) {
                color[stk[sp--].t] = 2;
                continue;
            }
            r = &APR_ARRAY_IDX(t->refs, stk[sp].e++, acc_tpl_ref_t);
            u = acc_tpl_get(set, r->name);
            if (color[u->idx] == 1) {
                for (i = 0; stk[i].t != u->idx; i++) {
                }
                set_err(err,
                        apr_psprintf(set->p, "%s:%d: %s", t->origin, r->line,
                                     cycle_msg(set, stk, i, sp, u)));
                apr_pool_destroy(tmp);
                return APR_EINVAL;
            }
            if (color[u->idx] == 0) {
                color[u->idx] = 1;
                stk[++sp].t = u->idx;
                stk[sp].e = 0;
            }
        }
    }
    apr_pool_destroy(tmp);
    return APR_SUCCESS;
}

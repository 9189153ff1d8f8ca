/*
 * src/core/template/value.c -- context values: build them, look them up,
 * and judge them as Django does (truth, ==).
 */
#include "internal.h"

#include <string.h>

acc_tval_t *acc_tval_new(apr_pool_t *p, int kind)
{
    acc_tval_t *v = apr_pcalloc(p, sizeof(*v));

    v->kind = kind;
    return v;
}

acc_tval_t *acc_tval_str(apr_pool_t *p, const char *s)
{
    acc_tval_t *v = acc_tval_new(p, ACC_TV_STR);

    v->s = apr_pstrdup(p, s ? s : "");
    return v;
}

acc_tval_t *acc_tval_safe(apr_pool_t *p, const char *html)
{
    acc_tval_t *v = acc_tval_new(p, ACC_TV_SAFE);

    v->s = apr_pstrdup(p, html ? html : "");
    return v;
}

acc_tval_t *acc_tval_bool(apr_pool_t *p, int b)
{
    acc_tval_t *v = acc_tval_new(p, ACC_TV_BOOL);

    v->b = b != 0;
    return v;
}

acc_tval_t *acc_tval_list(apr_pool_t *p)
{
    acc_tval_t *v = acc_tval_new(p, ACC_TV_LIST);

    v->list = apr_array_make(p, 4, sizeof(acc_tval_t *));
    return v;
}

acc_tval_t *acc_tval_map(apr_pool_t *p)
{
    acc_tval_t *v = acc_tval_new(p, ACC_TV_MAP);

    v->map = apr_hash_make(p);
    return v;
}

void acc_tval_push(acc_tval_t *list, acc_tval_t *v)
{
    if (list && list->kind == ACC_TV_LIST) {
        APR_ARRAY_PUSH(list->list, acc_tval_t *) = v;
    }
}

void acc_tval_set(acc_tval_t *map, const char *key, acc_tval_t *v)
{
    if (map && map->kind == ACC_TV_MAP && key) {
        apr_hash_set(map->map, key, APR_HASH_KEY_STRING, v);
    }
}

acc_tval_t *acc_tval_setstr(acc_tval_t *map, const char *key, const char *s)
{
    if (map && map->kind == ACC_TV_MAP) {
        acc_tval_set(map, key, acc_tval_str(apr_hash_pool_get(map->map), s));
    }
    return map;
}

acc_tval_t *acc_tval_setbool(acc_tval_t *map, const char *key, int b)
{
    if (map && map->kind == ACC_TV_MAP) {
        acc_tval_set(map, key, acc_tval_bool(apr_hash_pool_get(map->map), b));
    }
    return map;
}

acc_tval_t *acc_tval_get(const acc_tval_t *map, const char *key)
{
    if (!map || map->kind != ACC_TV_MAP || !key) {
        return NULL;
    }
    return apr_hash_get(map->map, key, APR_HASH_KEY_STRING);
}

int acc_tval_true(const acc_tval_t *v)
{
    if (!v) {
        return 0;
    }
    switch (v->kind) {
        case ACC_TV_STR:
        case ACC_TV_SAFE:
            return v->s[0] != '\0';
        case ACC_TV_NUM:
            return strcmp(v->s, "0") != 0;
        case ACC_TV_BOOL:
            return v->b;
        case ACC_TV_LIST:
            return v->list->nelts > 0;
        case ACC_TV_MAP:
            return apr_hash_count(v->map) > 0;
        default:
            return 1;
    }
}

int acc_tval_text(const acc_tval_t *v)
{
    return v->kind == ACC_TV_STR || v->kind == ACC_TV_SAFE ||
           v->kind == ACC_TV_NUM;
}

/* Django's ==: strings by content, bools by value, missing equals
 * missing, anything else only itself. */
int acc_tval_eq(const acc_tval_t *a, const acc_tval_t *b)
{
    if (!a || !b) {
        return a == b;
    }
    if (acc_tval_text(a) && acc_tval_text(b)) {
        return strcmp(a->s, b->s) == 0;
    }
    if (a->kind == ACC_TV_BOOL && b->kind == ACC_TV_BOOL) {
        return a->b == b->b;
    }
    return a == b;
}

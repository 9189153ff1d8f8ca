/*
 * src/core/template/render.c -- rendering: a template and its context into
 * HTML, in the caller's pool.
 */
#include "internal.h"

#include <string.h>

/* Values rendering hands out: not in any pool, never written to. */
static const acc_tval_t tv_true = {ACC_TV_BOOL, 1, NULL, NULL, NULL};
static const acc_tval_t tv_false = {ACC_TV_BOOL, 0, NULL, NULL, NULL};
static const acc_tval_t tv_loop = {ACC_TV_LOOP, 0, NULL, NULL, NULL};
static const acc_tval_t tv_nothing = {ACC_TV_SAFE, 0, "", NULL, NULL};

typedef struct loopf loopf_t;

struct loopf {
    const char *name;
    const acc_tval_t *item;
    int i, n;
    loopf_t *up;
    acc_tval_t num[4]; /* counter, counter0, revcounter, revcounter0 */
    char buf[4][16];
};

typedef struct {
    const acc_tpl_node_t **v; /* definitions, root first */
    int n;                    /* how many are not popped */
} bstack_t;

typedef struct {
    const acc_tpl_set_t *set;
    const acc_tval_t *ctx;
    apr_pool_t *p;
    const acc_tpl_i18n_t *tr; /* NULL: English */
    acc_tpl_obuf_t *out;
    loopf_t *loops;
    apr_hash_t *bc; /* block name -> bstack_t; NULL without extends */
    const acc_tpl_node_t *blk; /* the block being rendered, for block.super */
    int level;
    int nest;
} rs_t;

static apr_status_t render_list(rs_t *rs, const acc_tpl_node_t *n);
static apr_status_t render_tpl(rs_t *rs, const acc_tpl_t *t);

static const acc_tval_t *loop_attr(loopf_t *f, const char *a)
{
    static const char *const names[4] = {"counter", "counter0", "revcounter",
                                         "revcounter0"};
    int k, v;

    if (!strcmp(a, "first")) {
        return f->i == 0 ? &tv_true : &tv_false;
    }
    if (!strcmp(a, "last")) {
        return f->i == f->n - 1 ? &tv_true : &tv_false;
    }
    for (k = 0; k < 4; k++) {
        if (!strcmp(a, names[k])) {
            v = k == 0 ? f->i + 1 : k == 1 ? f->i : f->n - f->i - (k - 2);
            apr_snprintf(f->buf[k], sizeof(f->buf[k]), "%d", v);
            f->num[k].kind = ACC_TV_NUM;
            f->num[k].s = f->buf[k];
            return &f->num[k];
        }
    }
    return NULL;
}

static const acc_tval_t *member(const acc_tval_t *v, const char *seg)
{
    const char *q;
    int i = 0;

    if (v->kind == ACC_TV_MAP) {
        return apr_hash_get(v->map, seg, APR_HASH_KEY_STRING);
    }
    if (v->kind != ACC_TV_LIST) {
        return NULL;
    }
    for (q = seg; *q >= '0' && *q <= '9' && i <= v->list->nelts; q++) {
        i = i * 10 + (*q - '0');
    }
    if (*q || q == seg || i >= v->list->nelts) {
        return NULL;
    }
    return APR_ARRAY_IDX(v->list, i, const acc_tval_t *);
}

static const acc_tval_t *resolve(rs_t *rs, const acc_tpl_operand_t *o)
{
    const acc_tval_t *v = NULL;
    const char *h = o->seg[0];
    loopf_t *f;
    int i = 1;

    for (f = rs->loops; f; f = f->up) {
        if (!strcmp(f->name, h)) {
            v = f->item;
            break;
        }
        if (!strcmp(h, "forloop")) {
            for (; i < o->nseg && !strcmp(o->seg[i], "parentloop"); i++) {
                if (!(f = f->up)) {
                    return NULL;
                }
            }
            if (i == o->nseg) {
                return &tv_loop;
            }
            v = loop_attr(f, o->seg[i++]);
            break;
        }
    }
    if (!f) {
        if (rs->blk && !strcmp(h, "block")) {
            return NULL;
        }
        v = acc_tval_get(rs->ctx, h);
    }
    for (; v && i < o->nseg; i++) {
        v = member(v, o->seg[i]);
    }
    return v;
}

/* Django's BlockNode.render: the top definition of the name, popped
 * while it renders so that block.super finds the next one down. */
static apr_status_t render_block(rs_t *rs, const acc_tpl_node_t *n)
{
    bstack_t *st =
        rs->bc ? apr_hash_get(rs->bc, n->s, APR_HASH_KEY_STRING) : NULL;
    const acc_tpl_node_t *popped = NULL, *save = rs->blk;
    apr_status_t rv;

    if (st && st->n > 0) {
        popped = st->v[--st->n];
    }
    rs->blk = popped ? popped : n;
    rv = render_list(rs, rs->blk->body);
    rs->blk = save;
    if (popped) {
        st->n++;
    }
    return rv;
}

static apr_status_t block_super(rs_t *rs, const acc_tval_t **v)
{
    bstack_t *st;
    acc_tpl_obuf_t tmp, *save = rs->out;
    acc_tval_t *r;
    apr_status_t rv = APR_EINVAL;

    *v = &tv_nothing;
    st = rs->bc ? apr_hash_get(rs->bc, rs->blk->s, APR_HASH_KEY_STRING) : NULL;
    if (!st || st->n == 0) {
        return APR_SUCCESS;
    }
    acc_tpl_ob_init(&tmp, rs->p, 256);
    rs->out = &tmp;
    if (++rs->level <= ACC_TPL_MAX_LEVEL) {
        rv = render_block(rs, rs->blk);
    }
    rs->level--;
    rs->out = save;
    if (rv == APR_SUCCESS) {
        tmp.d[tmp.len] = '\0';
        r = acc_tval_new(rs->p, ACC_TV_SAFE);
        r->s = tmp.d;
        *v = r;
    }
    return rv;
}

static apr_status_t eval(rs_t *rs, const acc_tpl_operand_t *o,
                         const acc_tval_t **v)
{
    if (o->lit) {
        *v = o->lit;
        return APR_SUCCESS;
    }
    if (o->super && rs->blk) {
        return block_super(rs, v);
    }
    *v = resolve(rs, o);
    return APR_SUCCESS;
}

/* A value as {{ }} shows it: a string escaped unless safe. */
static void put_value(rs_t *rs, const acc_tval_t *v, int safe)
{
    if (!v) {
        return;
    }
    switch (v->kind) {
        case ACC_TV_STR:
            if (!safe) {
                acc_tpl_ob_esc(rs->out, v->s);
                break;
            }
            /* fall through */
        case ACC_TV_SAFE:
        case ACC_TV_NUM:
            acc_tpl_ob_puts(rs->out, v->s);
            break;
        case ACC_TV_BOOL:
            acc_tpl_ob_puts(rs->out, v->b ? "True" : "False");
            break;
        default:
            break;
    }
}

static apr_status_t render_var(rs_t *rs, const acc_tpl_varexpr_t *ve)
{
    const acc_tval_t *v;
    apr_status_t rv;
    int i, safe = 0;

    if ((rv = eval(rs, &ve->val, &v)) != APR_SUCCESS) {
        return rv;
    }
    for (i = 0; i < ve->nf; i++) {
        if (ve->f[i].kind == ACC_TF_SAFE) {
            safe = 1;
        }
        else if (!acc_tval_true(v)) {
            if ((rv = eval(rs, &ve->f[i].arg, &v)) != APR_SUCCESS) {
                return rv;
            }
            safe = 0;
        }
    }
    put_value(rs, v, safe);
    return APR_SUCCESS;
}

static apr_status_t cond_eval(rs_t *rs, const acc_tpl_cond_t *c, int *res)
{
    int k, any = 0, all = 1;

    for (k = 0; k < c->n; k++) {
        const acc_tpl_term_t *t = &c->t[k];
        const acc_tval_t *a, *b;
        apr_status_t rv;

        if (t->or_) {
            if ((any |= all)) {
                break;
            }
            all = 1;
        }
        if (!all) {
            continue;
        }
        if ((rv = eval(rs, &t->a, &a)) != APR_SUCCESS) {
            return rv;
        }
        if (t->op == ACC_TCMP_NONE) {
            all = acc_tval_true(a);
        }
        else if ((rv = eval(rs, &t->b, &b)) != APR_SUCCESS) {
            return rv;
        }
        else {
            all = acc_tval_eq(a, b) == (t->op == ACC_TCMP_EQ);
        }
        all ^= t->neg;
    }
    *res = any | all;
    return APR_SUCCESS;
}

static apr_status_t render_for(rs_t *rs, const acc_tpl_node_t *n)
{
    const acc_tval_t *v;
    apr_status_t rv;
    loopf_t f;

    if ((rv = eval(rs, &n->var.val, &v)) != APR_SUCCESS) {
        return rv;
    }
    if (!v || v->kind != ACC_TV_LIST || v->list->nelts == 0) {
        return render_list(rs, n->empty);
    }
    memset(&f, 0, sizeof(f));
    f.name = n->s;
    f.n = v->list->nelts;
    f.up = rs->loops;
    rs->loops = &f;
    for (f.i = 0; f.i < f.n && rv == APR_SUCCESS; f.i++) {
        f.item = APR_ARRAY_IDX(v->list, n->reversed ? f.n - 1 - f.i : f.i,
                               const acc_tval_t *);
        rv = render_list(rs, n->body);
    }
    rs->loops = f.up;
    return rv;
}

/* A value as a count: a number's, a string's leading digits, a bool's
 * 0 or 1; 0 for anything else. */
static unsigned long count_of(const acc_tval_t *v)
{
    unsigned long n = 0;
    const char *s;

    if (!v) {
        return 0;
    }
    if (v->kind == ACC_TV_BOOL) {
        return v->b ? 1 : 0;
    }
    if (!acc_tval_text(v)) {
        return 0;
    }
    for (s = v->s; *s >= '0' && *s <= '9' && n < 100000000UL; s++) {
        n = n * 10 + (unsigned long)(*s - '0');
    }
    return n;
}

/* A blocktranslate: its message in the request's language, each
 * %(name)s or %(name)d the value of name (the count for the count's
 * name), escaped; the message's own text as it is (Django's). */
static apr_status_t render_msg(rs_t *rs, const acc_tpl_node_t *nd)
{
    const acc_tpl_msg_t *m = nd->msg;
    const acc_tval_t *cv = NULL;
    unsigned long n = 0;
    const char *s, *e;
    apr_status_t rv;

    if (m->plural) {
        if ((rv = eval(rs, &m->count, &cv)) != APR_SUCCESS) {
            return rv;
        }
        n = count_of(cv);
        s = rs->tr   ? rs->tr->ngettext(rs->tr->ctx, nd->s, m->plural, n)
            : n == 1 ? nd->s
                     : m->plural;
    }
    else {
        s = rs->tr ? rs->tr->gettext(rs->tr->ctx, nd->s) : nd->s;
    }
    while (*s) {
        const char *pc = strchr(s, '%');
        if (!pc) {
            acc_tpl_ob_puts(rs->out, s);
            break;
        }
        acc_tpl_ob_put(rs->out, s, (apr_size_t)(pc - s));
        if (pc[1] == '%') {
            acc_tpl_ob_put(rs->out, "%", 1);
            s = pc + 2;
            continue;
        }
        if (pc[1] == '(' && (e = strchr(pc + 2, ')')) != NULL && e[1] &&
            strchr("sd", e[1])) {
            const char *name =
                apr_pstrmemdup(rs->p, pc + 2, (apr_size_t)(e - pc - 2));
            if (m->count_name && !strcmp(name, m->count_name)) {
                acc_tpl_ob_puts(rs->out, apr_psprintf(rs->p, "%lu", n));
            }
            else {
                const char *seg[1];
                acc_tpl_operand_t o;
                seg[0] = name;
                memset(&o, 0, sizeof(o));
                o.seg = seg;
                o.nseg = 1;
                put_value(rs, resolve(rs, &o), 0);
            }
            s = e + 2;
            continue;
        }
        /* A stray '%' in a translation: as it is. */
        acc_tpl_ob_put(rs->out, "%", 1);
        s = pc + 1;
    }
    return APR_SUCCESS;
}

static apr_status_t render_node(rs_t *rs, const acc_tpl_node_t *n)
{
    static const char *const seg[] = {"csrf_token"};
    static const acc_tpl_operand_t csrf = {NULL, (const char **)seg, 1, 0};
    const acc_tval_t *v;
    const acc_tpl_branch_t *br;
    const acc_tpl_t *t;
    apr_status_t rv;
    apr_hash_t *bc;
    const acc_tpl_node_t *blk;
    int yes;

    switch (n->kind) {
        case ACC_TN_TEXT:
            acc_tpl_ob_put(rs->out, n->s, n->len);
            return APR_SUCCESS;
        case ACC_TN_VAR:
            return render_var(rs, &n->var);
        case ACC_TN_IF:
            for (br = n->br; br; br = br->next) {
                yes = 1;
                if (br->cond.n &&
                    (rv = cond_eval(rs, &br->cond, &yes)) != APR_SUCCESS) {
                    return rv;
                }
                if (yes) {
                    return render_list(rs, br->body);
                }
            }
            return APR_SUCCESS;
        case ACC_TN_FOR:
            return render_for(rs, n);
        case ACC_TN_BLOCK:
            return render_block(rs, n);
        case ACC_TN_INCLUDE:
            if (!(t = acc_tpl_get(rs->set, n->s))) {
                return APR_NOTFOUND;
            }
            /* Same context, fresh block context, as Django's include. */
            bc = rs->bc;
            blk = rs->blk;
            rs->bc = NULL;
            rs->blk = NULL;
            rv = render_tpl(rs, t);
            rs->bc = bc;
            rs->blk = blk;
            return rv;
        case ACC_TN_TRANS:
            acc_tpl_ob_esc(rs->out,
                           rs->tr ? rs->tr->gettext(rs->tr->ctx, n->s) : n->s);
            return APR_SUCCESS;
        case ACC_TN_BLOCKTRANS:
            return render_msg(rs, n);
        case ACC_TN_CSRF:
            v = resolve(rs, &csrf);
            if (v && acc_tval_text(v) && v->s[0]) {
                acc_tpl_ob_puts(rs->out,
                                "<input type=\"hidden\" "
                                "name=\"csrfmiddlewaretoken\" value=\"");
                acc_tpl_ob_esc(rs->out, v->s);
                acc_tpl_ob_puts(rs->out, "\">");
            }
            return APR_SUCCESS;
        default:
            return APR_SUCCESS;
    }
}

static apr_status_t render_list(rs_t *rs, const acc_tpl_node_t *n)
{
    apr_status_t rv = APR_SUCCESS;

    if (++rs->nest > ACC_TPL_MAX_RNEST) {
        rv = APR_EINVAL;
    }
    for (; n && rv == APR_SUCCESS; n = n->next) {
        rv = render_node(rs, n);
    }
    rs->nest--;
    return rv;
}

/* Render t; with extends, stack every block of the chain by name (root
 * first) and render the root. */
static apr_status_t render_tpl(rs_t *rs, const acc_tpl_t *t)
{
    const acc_tpl_t *chain[ACC_TPL_MAX_LEVEL + 1];
    const acc_tpl_node_t *blk;
    apr_hash_t *bc;
    apr_status_t rv = APR_SUCCESS;
    int n = 0, k, i;

    if (++rs->level > ACC_TPL_MAX_LEVEL) {
        rs->level--;
        return APR_EINVAL;
    }
    if (!t->parent) {
        rv = render_list(rs, t->body);
        rs->level--;
        return rv;
    }
    for (chain[n++] = t; t->parent; chain[n++] = t) {
        if (n > ACC_TPL_MAX_LEVEL) {
            rv = APR_EINVAL;
        }
        else if (!(t = acc_tpl_get(rs->set, t->parent))) {
            rv = APR_NOTFOUND;
        }
        if (rv != APR_SUCCESS) {
            rs->level--;
            return rv;
        }
    }
    bc = rs->bc;
    blk = rs->blk;
    rs->bc = apr_hash_make(rs->p);
    for (k = n - 1; k >= 0; k--) {
        for (i = 0; i < chain[k]->blocks->nelts; i++) {
            const acc_tpl_node_t *b =
                APR_ARRAY_IDX(chain[k]->blocks, i, acc_tpl_node_t *);
            bstack_t *st = apr_hash_get(rs->bc, b->s, APR_HASH_KEY_STRING);

            if (!st) {
                st = apr_palloc(rs->p, sizeof(*st));
                st->v = apr_palloc(rs->p, n * sizeof(*st->v));
                st->n = 0;
                apr_hash_set(rs->bc, b->s, APR_HASH_KEY_STRING, st);
            }
            st->v[st->n++] = b;
        }
    }
    rs->blk = NULL;
    rv = render_list(rs, t->body);
    rs->bc = bc;
    rs->blk = blk;
    rs->level--;
    return rv;
}

apr_status_t acc_tpl_render(const acc_tpl_set_t *set, const char *name,
                            const acc_tval_t *ctx, apr_pool_t *p,
                            const char **out, apr_size_t *outlen)
{
    return acc_tpl_render_i18n(set, name, ctx, NULL, p, out, outlen);
}

apr_status_t acc_tpl_render_i18n(const acc_tpl_set_t *set, const char *name,
                                 const acc_tval_t *ctx,
                                 const acc_tpl_i18n_t *tr, apr_pool_t *p,
                                 const char **out, apr_size_t *outlen)
{
    const acc_tpl_t *t = set && name ? acc_tpl_get(set, name) : NULL;
    acc_tpl_obuf_t ob;
    rs_t rs;
    apr_status_t rv;

    *out = "";
    if (outlen) {
        *outlen = 0;
    }
    if (!t) {
        return APR_NOTFOUND;
    }
    memset(&rs, 0, sizeof(rs));
    acc_tpl_ob_init(&ob, p, 8192);
    rs.set = set;
    rs.ctx = ctx;
    rs.tr = tr;
    rs.p = p;
    rs.out = &ob;
    if ((rv = render_tpl(&rs, t)) != APR_SUCCESS) {
        return rv;
    }
    ob.d[ob.len] = '\0';
    *out = ob.d;
    if (outlen) {
        *outlen = ob.len;
    }
    return APR_SUCCESS;
}

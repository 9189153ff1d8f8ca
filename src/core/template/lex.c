/*
 * src/core/template/lex.c -- inside one tag: its words, and the values,
 * filters and if-expressions made of them.
 */
#include "lex.h"

#include <stdarg.h>
#include <string.h>

int acc_tpl_perr(acc_tpl_parser_t *ps, int line, const char *fmt, ...)
{
    va_list ap;
    const char *msg;

    va_start(ap, fmt);
    msg = apr_pvsprintf(ps->errp, fmt, ap);
    va_end(ap);
    ps->err = apr_psprintf(ps->errp, "%s:%d: %s", ps->t->origin, line, msg);
    return -1;
}

int acc_tpl_lex(acc_tpl_parser_t *ps, int line, const char *s, apr_size_t len,
                acc_tpl_tok_t *tok)
{
    apr_size_t i = 0;
    int n = 0;

    for (;;) {
        acc_tpl_tok_t *k = &tok[n];
        apr_size_t st;

        while (i < len && acc_tpl_is_space(s[i])) {
            i++;
        }
        if (i == len) {
            return n;
        }
        if (n == ACC_TPL_MAX_TOKENS) {
            return acc_tpl_perr(ps, line, "more than %d words in one tag", n);
        }
        st = i;
        if (s[i] == '"' || s[i] == '\'') {
            for (i++; i < len && s[i] != s[st]; i++) {
                if (s[i] == '\\') {
                    i++;
                }
            }
            if (i >= len) {
                return acc_tpl_perr(ps, line, "unterminated string %.*s",
                                    acc_tpl_qlen(len - st), s + st);
            }
            k->kind = ACC_TK_STR;
            i++;
        }
        else if (acc_tpl_is_word(s[i])) {
            while (i < len && acc_tpl_is_word(s[i])) {
                i++;
            }
            k->kind = ACC_TK_WORD;
        }
        else if (i + 1 < len && (s[i] == '=' || s[i] == '!') &&
                 s[i + 1] == '=') {
            k->kind = s[i] == '=' ? ACC_TK_EQ : ACC_TK_NE;
            i += 2;
        }
        else if (s[i] == '|' || s[i] == ':') {
            k->kind = s[i] == '|' ? ACC_TK_PIPE : ACC_TK_COLON;
            i++;
        }
        else if (s[i] > ' ' && s[i] < 127) {
            return acc_tpl_perr(ps, line, "unexpected character '%c'", s[i]);
        }
        else {
            return acc_tpl_perr(ps, line, "unexpected byte 0x%02x",
                                (unsigned char)s[i]);
        }
        k->s = s + st;
        k->len = i - st;
        n++;
    }
}

/* A quoted literal without its quotes; \<quote> and \\ as Django reads
 * them, any other backslash kept. */
const char *acc_tpl_unquote(apr_pool_t *p, const acc_tpl_tok_t *k)
{
    char *out = apr_palloc(p, k->len);
    apr_size_t i, j = 0;

    for (i = 1; i + 1 < k->len; i++) {
        if (k->s[i] == '\\' && i + 2 < k->len &&
            (k->s[i + 1] == k->s[0] || k->s[i + 1] == '\\')) {
            i++;
        }
        out[j++] = k->s[i];
    }
    out[j] = '\0';
    return out;
}

int acc_tpl_mk_operand(acc_tpl_parser_t *ps, int line, const acc_tpl_tok_t *k,
                       acc_tpl_operand_t *o)
{
    apr_pool_t *p = ps->t->p;
    apr_size_t i, st;
    int n = 1;

    memset(o, 0, sizeof(*o));
    if (k->kind == ACC_TK_STR) {
        acc_tval_t *v = acc_tval_new(p, ACC_TV_SAFE);

        v->s = acc_tpl_unquote(p, k);
        o->lit = v;
        return 0;
    }
    if (k->kind != ACC_TK_WORD) {
        return acc_tpl_perr(ps, line, "expected a value, not '%.*s'",
                            acc_tpl_qlen(k->len), k->s);
    }
    for (i = 0; i < k->len && k->s[i] >= '0' && k->s[i] <= '9'; i++) {
    }
    if (i == k->len) {
        acc_tval_t *v = acc_tval_new(p, ACC_TV_NUM);

        v->s = apr_pstrmemdup(p, k->s, k->len);
        o->lit = v;
        return 0;
    }
    for (i = 0; i < k->len; i++) {
        if (k->s[i] == '.' &&
            (i == 0 || i + 1 == k->len || k->s[i + 1] == '.')) {
            return acc_tpl_perr(ps, line, "bad variable name '%.*s'",
                                acc_tpl_qlen(k->len), k->s);
        }
        n += k->s[i] == '.';
    }
    o->seg = apr_palloc(p, n * sizeof(*o->seg));
    for (st = i = 0; i <= k->len; i++) {
        if (i == k->len || k->s[i] == '.') {
            o->seg[o->nseg++] = apr_pstrmemdup(p, k->s + st, i - st);
            st = i + 1;
        }
    }
    o->super =
        n == 2 && !strcmp(o->seg[0], "block") && !strcmp(o->seg[1], "super");
    return 0;
}

/* value (| name [: arg])* */
int acc_tpl_parse_var(acc_tpl_parser_t *ps, int line, const acc_tpl_tok_t *k,
                      int n, acc_tpl_varexpr_t *ve)
{
    int i = 1;

    if (n == 0) {
        return acc_tpl_perr(ps, line, "empty variable tag");
    }
    if (acc_tpl_mk_operand(ps, line, &k[0], &ve->val) < 0) {
        return -1;
    }
    ve->f = apr_palloc(ps->t->p, n * sizeof(*ve->f));
    ve->nf = 0;
    while (i < n) {
        acc_tpl_filter_t *f = &ve->f[ve->nf++];
        int arg = 0;

        if (k[i].kind != ACC_TK_PIPE) {
            return acc_tpl_perr(ps, line, "unexpected '%.*s' in variable tag",
                                acc_tpl_qlen(k[i].len), k[i].s);
        }
        if (++i == n || k[i].kind != ACC_TK_WORD) {
            return acc_tpl_perr(ps, line, "missing filter name after '|'");
        }
        if (i + 1 < n && k[i + 1].kind == ACC_TK_COLON) {
            if (i + 2 == n) {
                return acc_tpl_perr(ps, line, "missing argument after ':'");
            }
            if (acc_tpl_mk_operand(ps, line, &k[i + 2], &f->arg) < 0) {
                return -1;
            }
            arg = 1;
        }
        if (acc_tpl_tok_is(&k[i], "safe") && !arg) {
            f->kind = ACC_TF_SAFE;
        }
        else if (acc_tpl_tok_is(&k[i], "default") && arg) {
            f->kind = ACC_TF_DEFAULT;
        }
        else if (acc_tpl_tok_is(&k[i], "safe") ||
                 acc_tpl_tok_is(&k[i], "default")) {
            return acc_tpl_perr(
                ps, line, "filter '%.*s' %s", (int)k[i].len, k[i].s,
                arg ? "takes no argument" : "needs an argument");
        }
        else {
            return acc_tpl_perr(ps, line, "unknown filter '%.*s'",
                                acc_tpl_qlen(k[i].len), k[i].s);
        }
        i += arg ? 3 : 1;
    }
    return 0;
}

/* term ((and | or) term)*, term = not* value [(== | !=) value] */
int acc_tpl_parse_cond(acc_tpl_parser_t *ps, int line, const acc_tpl_tok_t *k,
                       int n, acc_tpl_cond_t *c)
{
    int i = 0, or_ = 0;

    if (n == 0) {
        return acc_tpl_perr(ps, line, "'if' needs an expression");
    }
    c->t = apr_pcalloc(ps->t->p, n * sizeof(*c->t));
    c->n = 0;
    for (;;) {
        acc_tpl_term_t *t = &c->t[c->n++];

        t->or_ = or_;
        for (; i < n && acc_tpl_tok_is(&k[i], "not"); i++) {
            t->neg = !t->neg;
        }
        if (i == n) {
            return acc_tpl_perr(ps, line, "'if' expression ends too early");
        }
        if (acc_tpl_is_keyword(&k[i])) {
            return acc_tpl_perr(ps, line, "unexpected '%.*s' in 'if'",
                                (int)k[i].len, k[i].s);
        }
        if (acc_tpl_mk_operand(ps, line, &k[i++], &t->a) < 0) {
            return -1;
        }
        if (i < n && (k[i].kind == ACC_TK_EQ || k[i].kind == ACC_TK_NE)) {
            t->op = k[i++].kind == ACC_TK_EQ ? ACC_TCMP_EQ : ACC_TCMP_NE;
            if (i == n || acc_tpl_is_keyword(&k[i])) {
                return acc_tpl_perr(ps, line, "missing value after comparison");
            }
            if (acc_tpl_mk_operand(ps, line, &k[i++], &t->b) < 0) {
                return -1;
            }
        }
        if (i == n) {
            return 0;
        }
        if (!acc_tpl_tok_is(&k[i], "and") && !acc_tpl_tok_is(&k[i], "or")) {
            return acc_tpl_perr(ps, line, "unexpected '%.*s' in 'if'",
                                acc_tpl_qlen(k[i].len), k[i].s);
        }
        or_ = acc_tpl_tok_is(&k[i++], "or");
    }
}

/*
 * src/core/template/parse.c -- one template's source into its tree.
 */
#include "lex.h"

#include <string.h>

static acc_tpl_node_t *add_node(acc_tpl_parser_t *ps, int kind)
{
    acc_tpl_frame_t *f = &ps->st[ps->depth];
    acc_tpl_node_t *n = apr_pcalloc(ps->t->p, sizeof(*n));

    n->kind = kind;
    *f->tail = n;
    f->tail = &n->next;
    return n;
}

static acc_tpl_frame_t *push(acc_tpl_parser_t *ps, int line, int kind,
                             acc_tpl_node_t *n, acc_tpl_node_t **tail)
{
    acc_tpl_frame_t *f;

    if (ps->depth == ACC_TPL_MAX_NEST) {
        acc_tpl_perr(ps, line, "tags nested deeper than %d", ACC_TPL_MAX_NEST);
        return NULL;
    }
    f = &ps->st[++ps->depth];
    memset(f, 0, sizeof(*f));
    f->kind = kind;
    f->line = line;
    f->node = n;
    f->tail = tail;
    return f;
}

static const char *end_name(int kind)
{
    return kind == ACC_TN_IF    ? "endif"
           : kind == ACC_TN_FOR ? "endfor"
                                : "endblock";
}

static int unexpected(acc_tpl_parser_t *ps, int line, const char *tag)
{
    const acc_tpl_frame_t *f = &ps->st[ps->depth];

    if (ps->depth == 0) {
        return acc_tpl_perr(ps, line, "unexpected '%s'", tag);
    }
    return acc_tpl_perr(ps, line,
                        "unexpected '%s', expected '%s' (open since line %d)",
                        tag, end_name(f->kind), f->line);
}

static int no_args(acc_tpl_parser_t *ps, int line, const char *tag, int n)
{
    return n ? acc_tpl_perr(ps, line, "'%s' takes no arguments", tag) : 0;
}

static const char *tpl_name(acc_tpl_parser_t *ps, int line, const char *tag,
                            const acc_tpl_tok_t *k, int n)
{
    const char *name;

    if (n != 1 || k[0].kind != ACC_TK_STR) {
        acc_tpl_perr(ps, line, "'%s' needs one quoted template name", tag);
        return NULL;
    }
    name = acc_tpl_unquote(ps->t->p, &k[0]);
    if (!*name) {
        acc_tpl_perr(ps, line, "'%s' needs a template name", tag);
        return NULL;
    }
    return name;
}

static void add_ref(acc_tpl_parser_t *ps, int line, int include,
                    const char *name)
{
    acc_tpl_ref_t *r = apr_array_push(ps->t->refs);

    r->include = include;
    r->line = line;
    r->name = name;
}

static int tag_if(acc_tpl_parser_t *ps, int line, const char *tag,
                  const acc_tpl_tok_t *k, int n)
{
    acc_tpl_frame_t *f = &ps->st[ps->depth];
    acc_tpl_branch_t *br;

    if (!strcmp(tag, "if")) {
        acc_tpl_node_t *nd = add_node(ps, ACC_TN_IF);

        nd->br = br = apr_pcalloc(ps->t->p, sizeof(*br));
        if (acc_tpl_parse_cond(ps, line, k, n, &br->cond) < 0 ||
            !(f = push(ps, line, ACC_TN_IF, nd, &br->body))) {
            return -1;
        }
        f->br = br;
        return 0;
    }
    if (ps->depth == 0 || f->kind != ACC_TN_IF) {
        return unexpected(ps, line, tag);
    }
    if (!strcmp(tag, "endif")) {
        ps->depth--;
        return no_args(ps, line, tag, n);
    }
    if (f->phase) {
        return acc_tpl_perr(ps, line, "'%s' after 'else'", tag);
    }
    br = apr_pcalloc(ps->t->p, sizeof(*br));
    if (!strcmp(tag, "else")) {
        f->phase = 1;
        if (no_args(ps, line, tag, n) < 0) {
            return -1;
        }
    }
    else if (acc_tpl_parse_cond(ps, line, k, n, &br->cond) < 0) {
        return -1;
    }
    f->br->next = br;
    f->br = br;
    f->tail = &br->body;
    return 0;
}

static int tag_for(acc_tpl_parser_t *ps, int line, const char *tag,
                   const acc_tpl_tok_t *k, int n)
{
    acc_tpl_frame_t *f = &ps->st[ps->depth];
    acc_tpl_node_t *nd;

    if (strcmp(tag, "for")) {
        if (ps->depth == 0 || f->kind != ACC_TN_FOR ||
            (f->phase && !strcmp(tag, "empty"))) {
            return unexpected(ps, line, tag);
        }
        if (!strcmp(tag, "endfor")) {
            ps->depth--;
        }
        else {
            f->phase = 1;
            f->tail = &f->node->empty;
        }
        return no_args(ps, line, tag, n);
    }
    if ((n != 3 && n != 4) || k[0].kind != ACC_TK_WORD ||
        acc_tpl_is_keyword(&k[0]) || memchr(k[0].s, '.', k[0].len) ||
        !acc_tpl_tok_is(&k[1], "in") ||
        (n == 4 && !acc_tpl_tok_is(&k[3], "reversed"))) {
        return acc_tpl_perr(ps, line, "bad 'for': expected 'for x in list'");
    }
    nd = add_node(ps, ACC_TN_FOR);
    nd->s = apr_pstrmemdup(ps->t->p, k[0].s, k[0].len);
    nd->reversed = n == 4;
    if (acc_tpl_mk_operand(ps, line, &k[2], &nd->var.val) < 0) {
        return -1;
    }
    return push(ps, line, ACC_TN_FOR, nd, &nd->body) ? 0 : -1;
}

static int tag_block(acc_tpl_parser_t *ps, int line, const char *tag,
                     const acc_tpl_tok_t *k, int n)
{
    acc_tpl_frame_t *f = &ps->st[ps->depth];
    acc_tpl_node_t *nd;

    if (!strcmp(tag, "endblock")) {
        if (ps->depth == 0 || f->kind != ACC_TN_BLOCK) {
            return unexpected(ps, line, tag);
        }
        if (n > 1 || (n == 1 && (k[0].kind != ACC_TK_WORD ||
                                 strlen(f->node->s) != k[0].len ||
                                 memcmp(f->node->s, k[0].s, k[0].len)))) {
            return acc_tpl_perr(
                ps, line, "'endblock' does not match block '%s'", f->node->s);
        }
        ps->depth--;
        return 0;
    }
    if (n != 1 || k[0].kind != ACC_TK_WORD) {
        return acc_tpl_perr(ps, line, "'block' needs one name");
    }
    nd = add_node(ps, ACC_TN_BLOCK);
    nd->s = apr_pstrmemdup(ps->t->p, k[0].s, k[0].len);
    if (apr_hash_get(ps->bnames, nd->s, APR_HASH_KEY_STRING)) {
        return acc_tpl_perr(ps, line, "block '%s' appears more than once",
                            nd->s);
    }
    apr_hash_set(ps->bnames, nd->s, APR_HASH_KEY_STRING, nd);
    APR_ARRAY_PUSH(ps->t->blocks, acc_tpl_node_t *) = nd;
    return push(ps, line, ACC_TN_BLOCK, nd, &nd->body) ? 0 : -1;
}

static apr_size_t find2(const char *s, apr_size_t len, apr_size_t from, char a,
                        char b)
{
    while (from + 1 < len) {
        const char *q = memchr(s + from, a, len - from - 1);

        if (!q) {
            break;
        }
        from = (apr_size_t)(q - s);
        if (s[from + 1] == b) {
            return from;
        }
        from++;
    }
    return len;
}

static int count_nl(const char *s, apr_size_t len)
{
    const char *e = s + len;
    int n = 0;

    while ((s = memchr(s, '\n', (apr_size_t)(e - s))) != NULL) {
        n++;
        s++;
    }
    return n;
}

static int is_endcomment(const char *s, apr_size_t len)
{
    while (len && acc_tpl_is_space(*s)) {
        s++;
        len--;
    }
    while (len && acc_tpl_is_space(s[len - 1])) {
        len--;
    }
    return len == ACC_SLEN("endcomment") && !memcmp(s, "endcomment", len);
}

/* Skip from *pos past {% endcomment %}, whatever lies between. */
static int skip_comment(acc_tpl_parser_t *ps, apr_size_t *pos, int line)
{
    const char *s = ps->src;
    apr_size_t len = ps->len, at = *pos, o, c = 0;

    for (;;) {
        o = find2(s, len, at, '{', '%');
        if (o < len && c < o + 2) {
            c = find2(s, len, o + 2, '%', '}');
        }
        if (o == len || c == len) {
            return acc_tpl_perr(ps, line,
                                "unclosed 'comment' (no 'endcomment')");
        }
        if (is_endcomment(s + o + 2, c - o - 2)) {
            *pos = c + 2;
            return 0;
        }
        at = o + 2;
    }
}

static int parse_tag(acc_tpl_parser_t *ps, int line, const char *s,
                     apr_size_t len, apr_size_t *pos)
{
    acc_tpl_tok_t k[ACC_TPL_MAX_TOKENS];
    char tag[16];
    apr_size_t i = 0, st;
    int n;

    while (i < len && acc_tpl_is_space(s[i])) {
        i++;
    }
    for (st = i; i < len && acc_tpl_is_word(s[i]) && s[i] != '.'; i++) {
    }
    if (i == st) {
        return acc_tpl_perr(ps, line, "missing tag name");
    }
    if (i - st >= sizeof(tag)) {
        return acc_tpl_perr(ps, line, "unknown tag '%.*s'",
                            acc_tpl_qlen(i - st), s + st);
    }
    memcpy(tag, s + st, i - st);
    tag[i - st] = '\0';
    if (!strcmp(tag, "comment")) {
        return skip_comment(ps, pos, line);
    }
    if ((n = acc_tpl_lex(ps, line, s + i, len - i, k)) < 0) {
        return -1;
    }
    if (strcmp(tag, "extends")) {
        ps->first = 0;
    }
    if (!strcmp(tag, "if") || !strcmp(tag, "elif") || !strcmp(tag, "else") ||
        !strcmp(tag, "endif")) {
        return tag_if(ps, line, tag, k, n);
    }
    if (!strcmp(tag, "for") || !strcmp(tag, "empty") ||
        !strcmp(tag, "endfor")) {
        return tag_for(ps, line, tag, k, n);
    }
    if (!strcmp(tag, "block") || !strcmp(tag, "endblock")) {
        return tag_block(ps, line, tag, k, n);
    }
    if (!strcmp(tag, "extends")) {
        if (!ps->first) {
            return acc_tpl_perr(ps, line, "'extends' must be the first tag");
        }
        ps->first = 0;
        if (!(ps->t->parent = tpl_name(ps, line, tag, k, n))) {
            return -1;
        }
        add_ref(ps, line, 0, ps->t->parent);
        return 0;
    }
    if (!strcmp(tag, "include")) {
        acc_tpl_node_t *nd = add_node(ps, ACC_TN_INCLUDE);

        if (!(nd->s = tpl_name(ps, line, tag, k, n))) {
            return -1;
        }
        add_ref(ps, line, 1, nd->s);
        return 0;
    }
    if (!strcmp(tag, "csrf_token")) {
        add_node(ps, ACC_TN_CSRF);
        return no_args(ps, line, tag, n);
    }
    if (!strcmp(tag, "endcomment")) {
        return unexpected(ps, line, tag);
    }
    return acc_tpl_perr(ps, line, "unknown tag '%s'", tag);
}

/* The next {{, {% or {# at or after from, or len. */
static apr_size_t find_open(const char *s, apr_size_t len, apr_size_t from)
{
    while (from + 1 < len) {
        const char *q = memchr(s + from, '{', len - from - 1);

        if (!q) {
            break;
        }
        from = (apr_size_t)(q - s);
        if (s[from + 1] == '{' || s[from + 1] == '%' || s[from + 1] == '#') {
            return from;
        }
        from++;
    }
    return len;
}

static int parse(acc_tpl_parser_t *ps)
{
    const char *src = ps->src;
    apr_size_t len = ps->len, pos = 0;
    int line = 1;

    while (pos < len) {
        apr_size_t open = find_open(src, len, pos), close, i;
        char c;

        if (open > pos) {
            acc_tpl_node_t *nd = add_node(ps, ACC_TN_TEXT);

            nd->s = src + pos;
            nd->len = open - pos;
            for (i = pos; ps->first && i < open; i++) {
                ps->first = acc_tpl_is_space(src[i]);
            }
            line += count_nl(src + pos, open - pos);
        }
        if (open == len) {
            break;
        }
        c = src[open + 1];
        close = find2(src, len, open + 2, c == '{' ? '}' : c, '}');
        if (close == len) {
            return acc_tpl_perr(ps, line, "unclosed '{%c'", c);
        }
        pos = close + 2;
        if (c == '{') {
            acc_tpl_tok_t k[ACC_TPL_MAX_TOKENS];
            int n = acc_tpl_lex(ps, line, src + open + 2, close - open - 2, k);
            acc_tpl_node_t *nd;

            ps->first = 0;
            nd = add_node(ps, ACC_TN_VAR);
            if (n < 0 || acc_tpl_parse_var(ps, line, k, n, &nd->var) < 0) {
                return -1;
            }
        }
        else if (c == '%' && parse_tag(ps, line, src + open + 2,
                                       close - open - 2, &pos) < 0) {
            return -1;
        }
        line += count_nl(src + open, pos - open);
    }
    if (ps->depth > 0) {
        const acc_tpl_frame_t *f = &ps->st[ps->depth];

        return acc_tpl_perr(ps, f->line, "unclosed '%s' (no '%s')",
                            f->kind == ACC_TN_IF    ? "if"
                            : f->kind == ACC_TN_FOR ? "for"
                                                    : "block",
                            end_name(f->kind));
    }
    return 0;
}

int acc_tpl_parse(acc_tpl_t *t, const char *src, apr_size_t len,
                  apr_pool_t *errp, const char **err)
{
    acc_tpl_parser_t ps;

    memset(&ps, 0, sizeof(ps));
    ps.t = t;
    ps.src = src;
    ps.len = len;
    ps.errp = errp;
    ps.bnames = apr_hash_make(t->p);
    ps.first = 1;
    ps.st[0].tail = &t->body;
    if (parse(&ps) < 0) {
        *err = ps.err;
        return -1;
    }
    return 0;
}

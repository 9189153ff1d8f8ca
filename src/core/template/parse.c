/*
 * src/core/template/parse.c -- one template's source into its tree.
 * One piece: every tag's parser works on the one parser state and stack.
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

static apr_size_t find_open(const char *s, apr_size_t len, apr_size_t from);

/* Django's trim_whitespace: s stripped, each newline and the white space
 * around it one space. */
static const char *trim_msg(apr_pool_t *p, const char *s, apr_size_t len)
{
    char *out = apr_palloc(p, len + 1), *o = out;
    apr_size_t i = 0, j;

    while (len && acc_tpl_is_space(s[len - 1])) {
        len--;
    }
    while (i < len && acc_tpl_is_space(s[i])) {
        i++;
    }
    while (i < len) {
        if (acc_tpl_is_space(s[i])) {
            int nl = 0;
            for (j = i; j < len && acc_tpl_is_space(s[j]); j++) {
                nl |= s[j] == '\n';
            }
            if (nl) {
                *o++ = ' ';
                i = j;
                continue;
            }
        }
        *o++ = s[i++];
    }
    *o = '\0';
    return out;
}

/* s[0..n) with the white space around it dropped, as (*b, *e). */
static void strip(const char *s, apr_size_t n, const char **b, apr_size_t *e)
{
    while (n && acc_tpl_is_space(*s)) {
        s++;
        n--;
    }
    while (n && acc_tpl_is_space(s[n - 1])) {
        n--;
    }
    *b = s;
    *e = n;
}

/* A placeholder's name: letters, digits and '_', not first a digit. */
static int msg_name(const char *s, apr_size_t n)
{
    apr_size_t i;

    if (n == 0 || (s[0] >= '0' && s[0] <= '9')) {
        return 0;
    }
    for (i = 0; i < n; i++) {
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
              (s[i] >= '0' && s[i] <= '9') || s[i] == '_')) {
            return 0;
        }
    }
    return 1;
}

/* {% blocktranslate OPTS %}: its options, then its body from *pos up to
 * and past {% endblocktranslate %}: text, {{ name }} and, with count, one
 * {% plural %}; nothing else. */
static int tag_blocktrans(acc_tpl_parser_t *ps, int line, const char *opts,
                          apr_size_t olen, apr_size_t *pos)
{
    apr_pool_t *p = ps->t->p;
    acc_tpl_msg_t *m = apr_pcalloc(p, sizeof(*m));
    apr_array_header_t *names = apr_array_make(p, 4, sizeof(const char *));
    struct {
        char *d;
        apr_size_t len;
    } part[2];
    const char *src = ps->src, *w;
    apr_size_t len = ps->len, at = *pos, i = 0, wl;
    int trimmed = 0, which = 0, k;
    acc_tpl_node_t *nd;

    /* Options: trimmed, count NAME=VALUE. */
    while (i < olen) {
        apr_size_t st;
        while (i < olen && acc_tpl_is_space(opts[i])) {
            i++;
        }
        for (st = i; i < olen && !acc_tpl_is_space(opts[i]); i++) {
        }
        if (i == st) {
            break;
        }
        w = opts + st;
        wl = i - st;
        if (wl == 7 && !memcmp(w, "trimmed", 7)) {
            trimmed = 1;
        }
        else if (wl == 5 && !memcmp(w, "count", 5) && !m->count_name) {
            const char *eq;
            acc_tpl_tok_t tk;
            while (i < olen && acc_tpl_is_space(opts[i])) {
                i++;
            }
            for (st = i; i < olen && !acc_tpl_is_space(opts[i]); i++) {
            }
            eq = memchr(opts + st, '=', i - st);
            if (!eq || !msg_name(opts + st, (apr_size_t)(eq - opts - st)) ||
                eq + 1 == opts + i) {
                return acc_tpl_perr(ps, line,
                                    "bad 'blocktranslate': expected "
                                    "'count name=value'");
            }
            m->count_name =
                apr_pstrmemdup(p, opts + st, (apr_size_t)(eq - opts - st));
            tk.kind = ACC_TK_WORD;
            tk.s = eq + 1;
            tk.len = (apr_size_t)(opts + i - eq - 1);
            if (acc_tpl_mk_operand(ps, line, &tk, &m->count) < 0) {
                return -1;
            }
        }
        else {
            return acc_tpl_perr(ps, line,
                                "'blocktranslate' takes 'count name=value' "
                                "and 'trimmed' only, not '%.*s'",
                                acc_tpl_qlen(wl), w);
        }
    }
    for (k = 0; k < 2; k++) {
        part[k].d = apr_palloc(p, len - at + 1);
        part[k].len = 0;
    }
    for (;;) {
        apr_size_t open = find_open(src, len, at), close;
        const char *b;
        apr_size_t bl;
        char c;

        if (memchr(src + at, '%', open - at)) {
            return acc_tpl_perr(ps, line, "a '%%' in a 'blocktranslate'");
        }
        memcpy(part[which].d + part[which].len, src + at, open - at);
        part[which].len += open - at;
        if (open == len) {
            return acc_tpl_perr(ps, line,
                                "unclosed 'blocktranslate' (no "
                                "'endblocktranslate')");
        }
        c = src[open + 1];
        close = find2(src, len, open + 2, c == '{' ? '}' : c, '}');
        if (close == len || c == '#') {
            return acc_tpl_perr(ps, line, "bad tag in a 'blocktranslate'");
        }
        strip(src + open + 2, close - open - 2, &b, &bl);
        at = close + 2;
        if (c == '{') {
            const char *nm;
            if (!msg_name(b, bl)) {
                return acc_tpl_perr(ps, line,
                                    "'blocktranslate' takes plain names "
                                    "only, not '{{ %.*s }}'",
                                    acc_tpl_qlen(bl), b);
            }
            nm = apr_pstrmemdup(p, b, bl);
            memcpy(part[which].d + part[which].len, "%(", 2);
            memcpy(part[which].d + part[which].len + 2, b, bl);
            memcpy(part[which].d + part[which].len + 2 + bl, ")s", 2);
            part[which].len += bl + 4;
            APR_ARRAY_PUSH(names, const char *) = nm;
            continue;
        }
        if (bl == 6 && !memcmp(b, "plural", 6) && m->count_name && !which) {
            which = 1;
            continue;
        }
        if ((bl == 17 && !memcmp(b, "endblocktranslate", 17)) ||
            (bl == 13 && !memcmp(b, "endblocktrans", 13))) {
            break;
        }
        return acc_tpl_perr(ps, line,
                            "'%.*s' in a 'blocktranslate' (only {{ name }} "
                            "and, with count, one plural)",
                            acc_tpl_qlen(bl), b);
    }
    if (m->count_name && !which) {
        return acc_tpl_perr(ps, line,
                            "'blocktranslate count' needs a "
                            "'plural'");
    }
    *pos = at;
    nd = add_node(ps, ACC_TN_BLOCKTRANS);
    nd->msg = m;
    for (k = 0; k < 2; k++) {
        part[k].d[part[k].len] = '\0';
    }
    nd->s = trimmed ? trim_msg(p, part[0].d, part[0].len) : part[0].d;
    if (which) {
        m->plural = trimmed ? trim_msg(p, part[1].d, part[1].len) : part[1].d;
    }
    m->names = (const char **)names->elts;
    m->nnames = names->nelts;
    return 0;
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
    if (!strcmp(tag, "blocktranslate") || !strcmp(tag, "blocktrans")) {
        ps->first = 0;
        return tag_blocktrans(ps, line, s + i, len - i, pos);
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
    if (!strcmp(tag, "translate") || !strcmp(tag, "trans")) {
        acc_tpl_node_t *nd;
        if (n != 1 || k[0].kind != ACC_TK_STR) {
            return acc_tpl_perr(ps, line, "'%s' needs one quoted text", tag);
        }
        nd = add_node(ps, ACC_TN_TRANS);
        nd->s = acc_tpl_unquote(ps->t->p, &k[0]);
        return 0;
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

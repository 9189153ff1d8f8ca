/*
 * src/core/template/internal.h -- the template engine's own types: values,
 * the parsed tree, templates and sets, the output buffer; for
 * src/core/template/ only.
 *
 * The engine's files, by phase:
 *   value.c     context values (acc_tval_*), their truth and ==
 *   set.c       sets: add (copy and parse), look up, link
 *   parse.c     one template's source into its tree
 *   lex.c       inside one tag: words, values, filters, if-expressions
 *   render.c    rendering a template with a context
 *   output.c    the output buffer and HTML escaping
 */
#ifndef ACC_TPL_INTERNAL_H
#define ACC_TPL_INTERNAL_H

#include "../core.h"
#include "template.h"

/*
 * acc_tpl_add parses a source once into a tree (text, var, if, for, block,
 * include, csrf_token nodes) without recursion: open tags live on a fixed
 * stack of ACC_TPL_MAX_NEST frames.  acc_tpl_link checks the names between
 * templates and rejects cycles.  acc_tpl_render walks the tree into a
 * growing buffer in the caller's pool; it never writes to the set, so one
 * set serves every thread.  Inheritance follows Django's BlockContext: for
 * each block name a stack of definitions, root first, most derived on top.
 */

/* The engine's fixed limits. */
#define ACC_TPL_MAX_NEST   64  /* open if/for/block tags in one template */
#define ACC_TPL_MAX_LEVEL  32  /* include, extends and block.super levels */
#define ACC_TPL_MAX_RNEST  512 /* node lists open at once while rendering */
#define ACC_TPL_MAX_TOKENS 128 /* words in one tag */
#define ACC_TPL_QUOTE_MAX  40  /* bytes of user input quoted in a message */

/* ---- values ---- */

/* What a value is (acc_tval_t.kind). */
enum {
    ACC_TV_STR,  /* s, escaped on output */
    ACC_TV_SAFE, /* s, output verbatim */
    ACC_TV_BOOL, /* b */
    ACC_TV_LIST, /* list of acc_tval_t * */
    ACC_TV_MAP,  /* map of acc_tval_t * by name */
    ACC_TV_NUM,  /* s: a number literal or a forloop counter */
    ACC_TV_LOOP  /* forloop itself (true, renders as nothing) */
};

struct acc_tval {
    int kind;
    int b;
    const char *s;
    apr_array_header_t *list;
    apr_hash_t *map;
};

/* A value of kind (ACC_TV_*) with every other field zero, in p; the
 * caller fills it in. */
acc_tval_t *acc_tval_new(apr_pool_t *p, int kind);

/* 1 when v (not NULL) is a string, safe string or number: one with s. */
int acc_tval_text(const acc_tval_t *v);

/* Django's ==: text by content, bools by value, NULL (missing) equals
 * NULL; anything else equals only itself.  1 or 0. */
int acc_tval_eq(const acc_tval_t *a, const acc_tval_t *b);

/* ---- the parsed tree ---- */

typedef struct {
    const acc_tval_t *lit; /* a literal; NULL for a path */
    const char **seg;      /* path segments */
    int nseg;
    int super; /* the path is block.super */
} acc_tpl_operand_t;

enum { ACC_TF_SAFE, ACC_TF_DEFAULT };

typedef struct {
    int kind;
    acc_tpl_operand_t arg;
} acc_tpl_filter_t;

typedef struct {
    acc_tpl_operand_t val;
    acc_tpl_filter_t *f;
    int nf;
} acc_tpl_varexpr_t;

enum { ACC_TCMP_NONE, ACC_TCMP_EQ, ACC_TCMP_NE };

typedef struct {
    int neg; /* an odd number of `not` */
    int op;
    int or_; /* an `or` comes before this term */
    acc_tpl_operand_t a, b;
} acc_tpl_term_t;

typedef struct {
    acc_tpl_term_t *t;
    int n; /* 0: an else branch */
} acc_tpl_cond_t;

typedef struct acc_tpl_node acc_tpl_node_t;
typedef struct acc_tpl_branch acc_tpl_branch_t;

struct acc_tpl_branch {
    acc_tpl_cond_t cond;
    acc_tpl_node_t *body;
    acc_tpl_branch_t *next;
};

/* Node kinds; acc_tpl_node's comments name them without ACC_TN_. */
enum {
    ACC_TN_TEXT,
    ACC_TN_VAR,
    ACC_TN_IF,
    ACC_TN_FOR,
    ACC_TN_BLOCK,
    ACC_TN_INCLUDE,
    ACC_TN_CSRF,
    ACC_TN_TRANS,     /* {% translate "s" %} */
    ACC_TN_BLOCKTRANS /* {% blocktranslate %} */
};

/* A blocktranslate's message: msgid (and msgid_plural with count) with
 * %(name)s for each {{ name }}, as Django's makemessages writes it. */
typedef struct {
    const char *plural;      /* NULL without count */
    const char *count_name;  /* the count's name in the message */
    acc_tpl_operand_t count; /* its value */
    const char **names;      /* the names the message uses */
    int nnames;
} acc_tpl_msg_t;

struct acc_tpl_node {
    int kind;
    int reversed; /* FOR */
    acc_tpl_node_t *next;
    const char *s;         /* TEXT text, BLOCK and INCLUDE name, FOR var, TRANS
                              and BLOCKTRANS msgid */
    apr_size_t len;        /* TEXT */
    acc_tpl_varexpr_t var; /* VAR; FOR: var.val is the list */
    acc_tpl_branch_t *br;  /* IF */
    acc_tpl_node_t *body;  /* FOR, BLOCK */
    acc_tpl_node_t *empty; /* FOR */
    acc_tpl_msg_t *msg;    /* BLOCKTRANS (s: its msgid) */
};

/* ---- templates and sets ---- */

typedef struct {
    int include; /* else extends */
    int line;
    const char *name;
} acc_tpl_ref_t;

typedef struct {
    apr_pool_t *p; /* owns everything below except name */
    const char *name;
    const char *origin;
    acc_tpl_node_t *body;
    const char *parent;         /* extends target, or NULL */
    apr_array_header_t *blocks; /* every BLOCK node, at any depth */
    apr_array_header_t *refs;   /* acc_tpl_ref_t: for acc_tpl_link */
    int idx;                    /* position in set->all */
} acc_tpl_t;

struct acc_tpl_set {
    apr_pool_t *p;
    apr_hash_t *byname;      /* name -> acc_tpl_t * */
    apr_array_header_t *all; /* acc_tpl_t *, in the order first added */
};

/* The template called name in set, or NULL. */
const acc_tpl_t *acc_tpl_get(const acc_tpl_set_t *set, const char *name);

/* Parse src[0..len) into t (p, origin, blocks and refs set, the rest
 * zero); the tree is in t->p and points into src, which must live as long
 * as t.  Returns 0, or -1 with *err = "<origin>:<line>: <what is wrong>"
 * in errp, leaving a partial tree that only destroying t->p cleans up. */
int acc_tpl_parse(acc_tpl_t *t, const char *src, apr_size_t len,
                  apr_pool_t *errp, const char **err);

/* ---- output ---- */

/* A growing buffer: d[0..len) so far, always room for a final NUL. */
typedef struct {
    apr_pool_t *p;
    char *d;
    apr_size_t len, cap; /* len < cap: room for the NUL */
} acc_tpl_obuf_t;

/* Start b empty with cap (> 0) bytes from p; b grows in p. */
void acc_tpl_ob_init(acc_tpl_obuf_t *b, apr_pool_t *p, apr_size_t cap);

/* Append s[0..n) / the string s / s HTML-escaped as acc_html_escape
 * does, growing d in b's pool. */
void acc_tpl_ob_put(acc_tpl_obuf_t *b, const char *s, apr_size_t n);
void acc_tpl_ob_puts(acc_tpl_obuf_t *b, const char *s);
void acc_tpl_ob_esc(acc_tpl_obuf_t *b, const char *s);

#endif /* ACC_TPL_INTERNAL_H */

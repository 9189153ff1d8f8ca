/*
 * src/core/template/lex.h -- the parser's state, and the words inside one
 * tag; for lex.c and parse.c only.
 */
#ifndef ACC_TPL_LEX_H
#define ACC_TPL_LEX_H

#include "internal.h"

#include <string.h>

/* What a token is (acc_tpl_tok_t.kind). */
enum {
    ACC_TK_WORD,
    ACC_TK_STR,
    ACC_TK_EQ,
    ACC_TK_NE,
    ACC_TK_PIPE,
    ACC_TK_COLON
};

/* A token: s[0..len) in the template's source. */
typedef struct {
    int kind;
    const char *s;
    apr_size_t len;
} acc_tpl_tok_t;

/* An open if, for or block tag, and where its next node goes. */
typedef struct {
    int kind; /* ACC_TN_IF, _FOR, _BLOCK; unused for the body */
    int line;
    int phase; /* 1 after else / empty */
    acc_tpl_node_t *node;
    acc_tpl_branch_t *br;
    acc_tpl_node_t **tail;
} acc_tpl_frame_t;

/* The state of one acc_tpl_parse: open tags live on the fixed stack st,
 * so parsing never recurses. */
typedef struct {
    acc_tpl_t *t;
    const char *src; /* the template's own copy */
    apr_size_t len;
    apr_pool_t *errp;
    const char *err;
    apr_hash_t *bnames;
    int first; /* extends is still allowed */
    int depth; /* st[0] is the template body */
    acc_tpl_frame_t st[ACC_TPL_MAX_NEST + 1];
} acc_tpl_parser_t;

/* How many bytes of a len-byte piece of input a message quotes. */
static inline int acc_tpl_qlen(apr_size_t len)
{
    return len > ACC_TPL_QUOTE_MAX ? ACC_TPL_QUOTE_MAX : (int)len;
}

/* Whitespace between words, as C's isspace in the C locale. */
static inline int acc_tpl_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == '\v';
}

/* A byte of a word: a name, a dotted path or a number. */
static inline int acc_tpl_is_word(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

/* 1 when k is the word w. */
static inline int acc_tpl_tok_is(const acc_tpl_tok_t *k, const char *w)
{
    apr_size_t n = strlen(w);

    return k->kind == ACC_TK_WORD && k->len == n && memcmp(k->s, w, n) == 0;
}

/* 1 when k is one of if's words: and, or, not. */
static inline int acc_tpl_is_keyword(const acc_tpl_tok_t *k)
{
    return acc_tpl_tok_is(k, "and") || acc_tpl_tok_is(k, "or") ||
           acc_tpl_tok_is(k, "not");
}

/* Set ps->err to "<origin>:<line>: " and fmt's message (in ps->errp).
 * Returns -1, for the caller to return. */
int acc_tpl_perr(acc_tpl_parser_t *ps, int line, const char *fmt, ...);

/* Split s[0..len), what a tag holds after its name or what {{ }} holds,
 * into tok (room for ACC_TPL_MAX_TOKENS): words, quoted strings, ==, !=,
 * | and :.  The tokens point into s.  Returns how many, or -1 after
 * acc_tpl_perr (too many words, an unterminated string, a stray byte). */
int acc_tpl_lex(acc_tpl_parser_t *ps, int line, const char *s, apr_size_t len,
                acc_tpl_tok_t *tok);

/* The string token k without its quotes, NUL-terminated, in p; \<quote>
 * and \\ read as Django reads them, any other backslash kept. */
const char *acc_tpl_unquote(apr_pool_t *p, const acc_tpl_tok_t *k);

/* k as an operand in *o: a quoted literal, a number, or a dotted path
 * (block.super marked), in ps->t->p.  Returns 0, or -1 after
 * acc_tpl_perr. */
int acc_tpl_mk_operand(acc_tpl_parser_t *ps, int line, const acc_tpl_tok_t *k,
                       acc_tpl_operand_t *o);

/* The n tokens of {{ }} into *ve: a value, then any number of filters
 * (|safe, |default:value).  Returns 0, or -1 after acc_tpl_perr. */
int acc_tpl_parse_var(acc_tpl_parser_t *ps, int line, const acc_tpl_tok_t *k,
                      int n, acc_tpl_varexpr_t *ve);

/* The n tokens of an if or elif into *c: term ((and | or) term)*,
 * term = not* value [(== | !=) value].  Returns 0, or -1 after
 * acc_tpl_perr. */
int acc_tpl_parse_cond(acc_tpl_parser_t *ps, int line, const acc_tpl_tok_t *k,
                       int n, acc_tpl_cond_t *c);

#endif /* ACC_TPL_LEX_H */

/*
 * src/core/plural.c -- gettext's Plural-Forms header, parsed once into
 * bytecode for a small stack machine, evaluated for each plural message.
 * One piece: the parser and the evaluator share the opcodes and bounds.
 *
 * Bytecode rather than a tree because a tree is evaluated by recursion as
 * deep as the tree, and "n+n+n+...", which nests nothing, makes one 500
 * deep; the bytecode runs in one loop over an array with a stack of fixed
 * size.  The parser is recursive descent, and recurses only into a level
 * of nesting (a parenthesis or the middle of ?:) and, within one level,
 * into at most six levels of operator precedence, so ACC_PLURAL_DEPTH_MAX
 * bounds its depth.  Short-circuit operators and ?: are jumps, so that a
 * form costs only the comparisons that decide it.
 */
#include "plural.h"

#include <limits.h>
#include <stdarg.h>
#include <string.h>

/* Each instruction comes from at least one byte of expression: n and a
 * number push one value, a binary operator is one instruction, "&&" and
 * "||" are two (the jump and BOOL), "?" and ":" two (JZ and JMP), and a
 * run of "!" one. */
#define CODE_MAX ACC_PLURAL_EXPR_MAX

/* Only OP_N and OP_CONST grow the stack, and two operands have an
 * operator between them: at most (1024 + 1) / 2 values at once. */
#define STACK_MAX ((ACC_PLURAL_EXPR_MAX + 1) / 2)

/* How much of an unexpected token a message quotes. */
#define QUOTE_MAX 32

enum {
    OP_N,     /* push n */
    OP_CONST, /* push arg */
    OP_NOT,   /* top = !top */
    OP_BOOL,  /* top = top != 0 (what "!!" does) */
    OP_MUL,   /* pop b; top = top * b, and so on to OP_NE */
    OP_DIV,
    OP_MOD,
    OP_ADD,
    OP_SUB,
    OP_LT,
    OP_GT,
    OP_LE,
    OP_GE,
    OP_EQ,
    OP_NE,
    OP_AND, /* top == 0: jump to arg, the 0 is &&'s value; else pop */
    OP_OR,  /* top != 0: top = 1 and jump to arg; else pop */
    OP_JZ,  /* pop; jump to arg when it was 0 */
    OP_JMP  /* jump to arg */
};

typedef struct {
    unsigned char op;
    unsigned long arg; /* OP_CONST's value, or a jump's target */
} insn;

struct acc_plural {
    int nplurals;
    int ncode;
    insn code[]; /* ncode instructions; the value is left on the stack */
};

enum {
    T_END, /* the end of the expression */
    T_N,
    T_NUM,
    T_NAME, /* any identifier but n: refused */
    T_NOT,
    T_LP,
    T_RP,
    T_Q,
    T_COLON,
    T_OR,
    T_AND,
    T_EQ,
    T_NE,
    T_LT,
    T_GT,
    T_LE,
    T_GE,
    T_ADD,
    T_SUB,
    T_MUL,
    T_DIV,
    T_MOD,
    T_BAD /* a byte that starts no token */
};

/* The binary operators: precedence (higher binds tighter; 0 for tokens
 * that are not one) and instruction, as C and GNU gettext's plural.y. */
static const struct {
    unsigned char prec, op;
} binop[T_BAD + 1] = {
    [T_OR] = {1, OP_OR},   [T_AND] = {2, OP_AND}, [T_EQ] = {3, OP_EQ},
    [T_NE] = {3, OP_NE},   [T_LT] = {4, OP_LT},   [T_GT] = {4, OP_GT},
    [T_LE] = {4, OP_LE},   [T_GE] = {4, OP_GE},   [T_ADD] = {5, OP_ADD},
    [T_SUB] = {5, OP_SUB}, [T_MUL] = {6, OP_MUL}, [T_DIV] = {6, OP_DIV},
    [T_MOD] = {6, OP_MOD},
};

typedef struct {
    int t;
    const char *at;
    apr_size_t len;
} tok;

/* The parser's state.  The code is built here, on the stack (16 KB), and
 * copied to the pool at its exact size once it is whole. */
typedef struct {
    apr_pool_t *p;
    const char *hdr; /* the whole header: columns count from it */
    const char *s;   /* the next byte of the expression */
    const char *end; /* the expression's end (its ';' or NUL) */
    const char *err; /* the first error, in p */
    int depth;       /* levels of nesting open */
    int sp, spmax;   /* values on the stack after the code so far */
    int ncode;
    insn code[CODE_MAX];
} cc;

static int is_space(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

static int is_digit(char ch)
{
    return ch >= '0' && ch <= '9';
}

static int is_ident(char ch, int first)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_' ||
           (!first && is_digit(ch));
}

/* Past white space.  Never past the expression's end, which is ';' or
 * NUL. */
static const char *skip_space(const char *s)
{
    while (is_space(*s)) {
        s++;
    }
    return s;
}

/* The 1-based column of at in the header. */
static apr_size_t column(const cc *c, const char *at)
{
    return (apr_size_t)(at - c->hdr) + 1;
}

static int fail(cc *c, const char *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Records the first error, "column N: " and the message, and returns
 * 0. */
static int fail(cc *c, const char *at, const char *fmt, ...)
{
    va_list ap;

    if (c->err == NULL) {
        va_start(ap, fmt);
        c->err = apr_psprintf(c->p, "column %" APR_SIZE_T_FMT ": %s",
                              column(c, at), apr_pvsprintf(c->p, fmt, ap));
        va_end(ap);
    }
    return 0;
}

/* A token as a message names it: quoted, or as a byte when it is not
 * printable ASCII. */
static const char *what(cc *c, tok t)
{
    unsigned char ch = (unsigned char)*t.at;

    if (t.t == T_END) {
        return "the end";
    }
    if (t.t == T_BAD && (ch < 0x21 || ch > 0x7e || ch == '"')) {
        return apr_psprintf(c->p, "byte 0x%02x", ch);
    }
    return apr_psprintf(c->p, "\"%.*s%s\"",
                        (int)(t.len > QUOTE_MAX ? QUOTE_MAX : t.len), t.at,
                        t.len > QUOTE_MAX ? "..." : "");
}

/* The next token, after skipping white space (which it consumes). */
static tok peek(cc *c)
{
    const char *s = c->s = skip_space(c->s);
    char two = s + 1 < c->end ? s[1] : '\0';
    tok t = {T_BAD, s, 1};

    if (s == c->end) {
        t.t = T_END;
        t.len = 0;
        return t;
    }
    if (is_digit(*s) || is_ident(*s, 1)) {
        int digits = is_digit(*s);

        while (s + t.len < c->end &&
               (digits ? is_digit(s[t.len]) : is_ident(s[t.len], 0))) {
            t.len++;
        }
        t.t = digits ? T_NUM : t.len == 1 && *s == 'n' ? T_N : T_NAME;
        return t;
    }
    t.len = 2;
    switch (*s) {
        case '|':
            t.t = two == '|' ? T_OR : T_BAD;
            break;
        case '&':
            t.t = two == '&' ? T_AND : T_BAD;
            break;
        case '=':
            t.t = two == '=' ? T_EQ : T_BAD;
            break;
        case '!':
            t.t = two == '=' ? T_NE : T_NOT;
            break;
        case '<':
            t.t = two == '=' ? T_LE : T_LT;
            break;
        case '>':
            t.t = two == '=' ? T_GE : T_GT;
            break;
        default:
            break;
    }
    if (t.t == T_NOT || t.t == T_LT || t.t == T_GT) {
        t.len = 1;
    }
    else if (t.t == T_BAD) {
        static const char one[] = "()?:+-*/%";
        static const int as[] = {T_LP,  T_RP,  T_Q,   T_COLON, T_ADD,
                                 T_SUB, T_MUL, T_DIV, T_MOD};
        const char *hit = *s ? strchr(one, *s) : NULL;

        t.len = 1;
        if (hit != NULL) {
            t.t = as[hit - one];
        }
    }
    return t;
}

static void advance(cc *c, tok t)
{
    c->s = t.at + t.len;
}

/* Appends an instruction and counts the values the stack holds after it
 * (AND and OR as when they fall through, and pop).  Its index, or -1
 * when the code is full, which CODE_MAX rules out. */
static int emit(cc *c, int op, unsigned long arg)
{
    if (c->ncode == CODE_MAX) {
        fail(c, c->s, "plural expression is too complex");
        return -1;
    }
    c->code[c->ncode].op = (unsigned char)op;
    c->code[c->ncode].arg = arg;
    if (op == OP_N || op == OP_CONST) {
        if (++c->sp > c->spmax) {
            c->spmax = c->sp;
        }
    }
    else if (op != OP_NOT && op != OP_BOOL && op != OP_JMP) {
        c->sp--;
    }
    return c->ncode++;
}

static int cond(cc *c);

/* One level deeper, for "(" or the middle of "?:", or an error. */
static int nest(cc *c, const char *at)
{
    if (++c->depth > ACC_PLURAL_DEPTH_MAX) {
        return fail(c, at, "plural expression is nested more than %d deep",
                    ACC_PLURAL_DEPTH_MAX);
    }
    return 1;
}

/* An operand: any number of "!", then n, a number or "(" cond ")". */
static int unary(cc *c)
{
    tok t = peek(c), lp;
    int nots = 0;
    unsigned long v = 0;
    apr_size_t i;

    /* A run of "!" is one instruction: !!x is x != 0, !!!x is !x. */
    while (t.t == T_NOT) {
        nots++;
        advance(c, t);
        t = peek(c);
    }
    switch (t.t) {
        case T_N:
            advance(c, t);
            if (emit(c, OP_N, 0) < 0) {
                return 0;
            }
            break;
        case T_NUM:
            for (i = 0; i < t.len; i++) {
                unsigned long d = (unsigned long)(t.at[i] - '0');

                if (v > (ULONG_MAX - d) / 10) {
                    return fail(c, t.at, "number %s is too large", what(c, t));
                }
                v = v * 10 + d;
            }
            advance(c, t);
            if (emit(c, OP_CONST, v) < 0) {
                return 0;
            }
            break;
        case T_LP:
            lp = t;
            advance(c, t);
            if (!nest(c, t.at) || !cond(c)) {
                return 0;
            }
            c->depth--;
            t = peek(c);
            if (t.t != T_RP) {
                return fail(c, t.at,
                            "expected \")\" to close the \"(\" at column "
                            "%" APR_SIZE_T_FMT ", found %s",
                            column(c, lp.at), what(c, t));
            }
            advance(c, t);
            break;
        case T_NAME:
            return fail(c, t.at, "unknown name %s (the only variable is n)",
                        what(c, t));
        default:
            return fail(c, t.at,
                        "expected n, a number, \"!\" or \"(\", found %s",
                        what(c, t));
    }
    if (nots > 0 && emit(c, nots % 2 ? OP_NOT : OP_BOOL, 0) < 0) {
        return 0;
    }
    return 1;
}

/* Operands joined by binary operators of precedence prec or higher, left
 * to right (precedence climbing: each level recurses only into a higher
 * one, so at most six deep). */
static int binary(cc *c, int prec)
{
    if (!unary(c)) {
        return 0;
    }
    for (;;) {
        tok t = peek(c);
        int q = binop[t.t].prec, op = binop[t.t].op, jump;

        if (q == 0 || q < prec) {
            return 1;
        }
        advance(c, t);
        if (op == OP_AND || op == OP_OR) {
            /* left; AND/OR past; right; BOOL; past: */
            if ((jump = emit(c, op, 0)) < 0 || !binary(c, q + 1) ||
                emit(c, OP_BOOL, 0) < 0) {
                return 0;
            }
            c->code[jump].arg = (unsigned long)c->ncode;
        }
        else if (!binary(c, q + 1) || emit(c, op, 0) < 0) {
            return 0;
        }
    }
}

/* A whole expression: binary operands, each but the last followed by
 * "? middle :".  a ? b : c ? d : e is a chain, handled by this loop, not
 * nesting; only the middles recurse.  The code:
 *
 *     a; JZ L1; b; JMP end; L1: c; JZ L2; d; JMP end; L2: e; end:
 *
 * The JMPs to the end are patched when it is known; until then they are
 * chained through their args (the previous one's index + 1, 0 ending). */
static int cond(cc *c)
{
    unsigned long ends = 0, next;
    int jz, jmp;

    for (;;) {
        tok t;

        if (!binary(c, 1)) {
            return 0;
        }
        t = peek(c);
        if (t.t != T_Q) {
            break;
        }
        advance(c, t);
        if ((jz = emit(c, OP_JZ, 0)) < 0 || !nest(c, t.at) || !cond(c)) {
            return 0;
        }
        c->depth--;
        t = peek(c);
        if (t.t != T_COLON) {
            return fail(c, t.at, "expected \":\", found %s", what(c, t));
        }
        advance(c, t);
        if ((jmp = emit(c, OP_JMP, ends)) < 0) {
            return 0;
        }
        ends = (unsigned long)jmp + 1;
        c->code[jz].arg = (unsigned long)c->ncode;
        /* The else branch starts with the stack as the middle did. */
        c->sp--;
    }
    for (; ends != 0; ends = next) {
        next = c->code[ends - 1].arg;
        c->code[ends - 1].arg = (unsigned long)c->ncode;
    }
    return 1;
}

/* Skips white space, then the keyword word and "=" (with white space
 * around it).  Past the "=", or NULL. */
static const char *keyword(const char *s, const char *word)
{
    apr_size_t len = strlen(word);

    s = skip_space(s);
    if (strncmp(s, word, len) != 0) {
        return NULL;
    }
    s = skip_space(s + len);
    return *s == '=' ? s + 1 : NULL;
}

/* "nplurals=N;" at the start of the header into c->s (past it) and *np,
 * or 0 and c->err. */
static int nplurals(cc *c, int *np)
{
    const char *s = keyword(c->hdr, "nplurals"), *digits;
    unsigned v = 0;

    if (s == NULL) {
        return fail(c, skip_space(c->hdr), "expected \"nplurals=\"");
    }
    digits = s = skip_space(s);
    while (is_digit(*s)) {
        /* Saturate: anything above 6 is as wrong as 7. */
        v = v > 100 ? v : v * 10 + (unsigned)(*s - '0');
        s++;
    }
    if (s == digits) {
        return fail(c, s, "expected a number after \"nplurals=\"");
    }
    if (v < 1 || v > ACC_PLURAL_NPLURALS_MAX) {
        return fail(c, digits, "nplurals is %.*s%s; it must be from 1 to %d",
                    (int)(s - digits > QUOTE_MAX ? QUOTE_MAX : s - digits),
                    digits, s - digits > QUOTE_MAX ? "..." : "",
                    ACC_PLURAL_NPLURALS_MAX);
    }
    s = skip_space(s);
    if (*s != ';') {
        return fail(c, s, "expected \";\" after nplurals");
    }
    *np = (int)v;
    c->s = s + 1;
    return 1;
}

const char *acc_plural_parse(apr_pool_t *p, const char *header,
                             acc_plural_t **out)
{
    cc c;
    acc_plural_t *pl;
    const char *s, *e;
    tok t;
    int np = 0;

    if (out != NULL) {
        *out = NULL;
    }
    if (header == NULL || out == NULL) {
        return "acc_plural_parse: no header or nowhere to put it";
    }
    c.p = p;
    c.hdr = header;
    c.err = NULL;
    c.depth = c.sp = c.spmax = c.ncode = 0;
    if (!nplurals(&c, &np)) {
        return c.err;
    }
    if ((s = keyword(c.s, "plural")) == NULL) {
        fail(&c, skip_space(c.s), "expected \"plural=\"");
        return c.err;
    }
    /* The expression ends at ';' or the end: looking no further than the
     * limit, so that a long header costs no more than a long enough one. */
    for (e = s; *e != '\0' && *e != ';' && e - s <= ACC_PLURAL_EXPR_MAX; e++) {
    }
    if (e - s > ACC_PLURAL_EXPR_MAX) {
        fail(&c, s, "plural expression is longer than %d bytes",
             ACC_PLURAL_EXPR_MAX);
        return c.err;
    }
    c.s = s;
    c.end = e;
    if (!cond(&c)) {
        return c.err;
    }
    t = peek(&c);
    if (t.t != T_END) {
        if (t.t == T_RP) {
            fail(&c, t.at, "unmatched \")\"");
        }
        else {
            fail(&c, t.at, "expected an operator, found %s", what(&c, t));
        }
        return c.err;
    }
    if (*e == ';') {
        e = skip_space(e + 1);
        if (*e != '\0') {
            fail(&c, e, "unexpected text after the plural expression");
            return c.err;
        }
    }
    if (c.sp != 1 || c.spmax > STACK_MAX) {
        /* Cannot happen (see STACK_MAX); refused rather than trusted. */
        fail(&c, s, "plural expression is too complex");
        return c.err;
    }
    pl = apr_palloc(p, sizeof(*pl) + (apr_size_t)c.ncode * sizeof(insn));
    pl->nplurals = np;
    pl->ncode = c.ncode;
    memcpy(pl->code, c.code, (apr_size_t)c.ncode * sizeof(insn));
    *out = pl;
    return NULL;
}

int acc_plural_count(const acc_plural_t *pl)
{
    return pl != NULL ? pl->nplurals : 0;
}

int acc_plural_index(const acc_plural_t *pl, unsigned long n)
{
    unsigned long st[STACK_MAX], v;
    const insn *code, *i, *end;
    int sp = -1; /* the top's index */

    if (pl == NULL) {
        return 0;
    }
    code = pl->code;
    end = code + pl->ncode;
    /* Jumps only go forward: the loop ends. */
    for (i = code; i < end; i++) {
        switch (i->op) {
            case OP_N:
                st[++sp] = n;
                break;
            case OP_CONST:
                st[++sp] = i->arg;
                break;
            case OP_NOT:
                st[sp] = !st[sp];
                break;
            case OP_BOOL:
                st[sp] = st[sp] != 0;
                break;
            case OP_MUL:
                sp--;
                st[sp] *= st[sp + 1];
                break;
            case OP_DIV:
                sp--;
                st[sp] = st[sp + 1] ? st[sp] / st[sp + 1] : 0;
                break;
            case OP_MOD:
                sp--;
                st[sp] = st[sp + 1] ? st[sp] % st[sp + 1] : 0;
                break;
            case OP_ADD:
                sp--;
                st[sp] += st[sp + 1];
                break;
            case OP_SUB:
                sp--;
                st[sp] -= st[sp + 1];
                break;
            case OP_LT:
                sp--;
                st[sp] = st[sp] < st[sp + 1];
                break;
            case OP_GT:
                sp--;
                st[sp] = st[sp] > st[sp + 1];
                break;
            case OP_LE:
                sp--;
                st[sp] = st[sp] <= st[sp + 1];
                break;
            case OP_GE:
                sp--;
                st[sp] = st[sp] >= st[sp + 1];
                break;
            case OP_EQ:
                sp--;
                st[sp] = st[sp] == st[sp + 1];
                break;
            case OP_NE:
                sp--;
                st[sp] = st[sp] != st[sp + 1];
                break;
            case OP_AND:
                if (st[sp] == 0) {
                    i = code + i->arg - 1; /* the loop adds 1 */
                }
                else {
                    sp--;
                }
                break;
            case OP_OR:
                if (st[sp] != 0) {
                    st[sp] = 1;
                    i = code + i->arg - 1;
                }
                else {
                    sp--;
                }
                break;
            case OP_JZ:
                if (st[sp--] == 0) {
                    i = code + i->arg - 1;
                }
                break;
            case OP_JMP:
                i = code + i->arg - 1;
                break;
        }
    }
    v = st[0];
    return v < (unsigned long)pl->nplurals ? (int)v : 0;
}

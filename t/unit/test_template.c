/*
 * t/unit/test_template.c -- unit tests for the template engine.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <apr_general.h>
#include <string.h>

#include "core/template/template.h"

static apr_pool_t *p;

static int setup(void **state)
{
    ACC_UNUSED(state);
    return apr_pool_create(&p, NULL) == APR_SUCCESS ? 0 : -1;
}

static int teardown(void **state)
{
    ACC_UNUSED(state);
    apr_pool_destroy(p);
    p = NULL;
    return 0;
}

/* A set holding name/src pairs (NULL-terminated), added and linked. */
static acc_tpl_set_t *mkset(const char *first, ...)
{
    acc_tpl_set_t *set = acc_tpl_set_create(p);
    const char *name, *src, *err = NULL;
    va_list ap;

    va_start(ap, first);
    for (name = first; name; name = va_arg(ap, const char *)) {
        src = va_arg(ap, const char *);
        if (acc_tpl_add(set, name, src, strlen(src), name, &err) !=
            APR_SUCCESS) {
            fail_msg("add %s: %s", name, err);
        }
    }
    va_end(ap);
    if (acc_tpl_link(set, &err) != APR_SUCCESS) {
        fail_msg("link: %s", err);
    }
    return set;
}

static const char *render(const acc_tpl_set_t *set, const char *name,
                          const acc_tval_t *ctx)
{
    const char *out = NULL;
    apr_size_t len = 0;

    assert_int_equal(acc_tpl_render(set, name, ctx, p, &out, &len),
                     APR_SUCCESS);
    assert_non_null(out);
    assert_int_equal(strlen(out), len);
    return out;
}

/* Render a one-template set. */
static const char *r1(const char *src, const acc_tval_t *ctx)
{
    return render(mkset("t.html", src, NULL), "t.html", ctx);
}

/* The error acc_tpl_add gives for src (which must fail). */
static const char *add_err(const char *src)
{
    acc_tpl_set_t *set = acc_tpl_set_create(p);
    const char *err = NULL;

    assert_int_equal(
        acc_tpl_add(set, "t.html", src, strlen(src), "dir/t.html", &err),
        APR_EINVAL);
    assert_non_null(err);
    return err;
}

#define assert_has(hay, needle)                                                \
    do {                                                                       \
        if (!strstr((hay), (needle))) {                                        \
            fail_msg("'%s' does not contain '%s'", (hay), (needle));           \
        }                                                                      \
    } while (0)

static acc_tval_t *ctx_basic(void)
{
    acc_tval_t *ctx = acc_tval_map(p), *user = acc_tval_map(p);
    acc_tval_t *items = acc_tval_list(p), *it;

    acc_tval_setstr(user, "name", "Ann");
    acc_tval_setstr(user, "email", "ann@example.org");
    acc_tval_set(ctx, "user", user);
    acc_tval_setstr(ctx, "s", "str");
    acc_tval_setstr(ctx, "empty", "");
    acc_tval_setbool(ctx, "yes", 1);
    acc_tval_setbool(ctx, "no", 0);
    it = acc_tval_map(p);
    acc_tval_setstr(it, "n", "a");
    acc_tval_push(items, it);
    it = acc_tval_map(p);
    acc_tval_setstr(it, "n", "b");
    acc_tval_push(items, it);
    it = acc_tval_map(p);
    acc_tval_setstr(it, "n", "c");
    acc_tval_push(items, it);
    acc_tval_set(ctx, "items", items);
    acc_tval_set(ctx, "none", acc_tval_list(p));
    return ctx;
}

static void test_escape_each_char(void **state)
{
    static const char *const in[] = {"&", "<", ">", "\"", "'"};
    static const char *const out[] = {"&amp;", "&lt;", "&gt;", "&quot;",
                                      "&#x27;"};
    acc_tval_t *ctx = acc_tval_map(p);
    size_t i;

    ACC_UNUSED(state);
    for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
        acc_tval_setstr(ctx, "v", in[i]);
        assert_string_equal(r1("[{{ v }}]", ctx),
                            apr_pstrcat(p, "[", out[i], "]", NULL));
        assert_string_equal(acc_html_escape(p, in[i]), out[i]);
    }
    acc_tval_setstr(ctx, "v", "a<b>&\"c'd");
    assert_string_equal(r1("{{v}}", ctx), "a&lt;b&gt;&amp;&quot;c&#x27;d");
    assert_string_equal(acc_html_escape(p, "x<y"), "x&lt;y");
    assert_string_equal(acc_html_escape(p, NULL), "");
    /* UTF-8 passes through untouched, in values and in text */
    acc_tval_setstr(ctx, "v", "caf\xc3\xa9 \xe2\x82\xac <");
    assert_string_equal(r1("\xc3\xbc{{ v }}", ctx),
                        "\xc3\xbc"
                        "caf\xc3\xa9 \xe2\x82\xac &lt;");
    /* text of the template itself is never escaped */
    assert_string_equal(r1("<p a='1'>&</p>", NULL), "<p a='1'>&</p>");
}

static void test_safe(void **state)
{
    acc_tval_t *ctx = acc_tval_map(p);

    ACC_UNUSED(state);
    acc_tval_setstr(ctx, "h", "<b>x</b>");
    acc_tval_set(ctx, "t", acc_tval_safe(p, "<i>y</i>"));
    assert_string_equal(r1("{{ h|safe }}", ctx), "<b>x</b>");
    assert_string_equal(r1("{{ h }}", ctx), "&lt;b&gt;x&lt;/b&gt;");
    assert_string_equal(r1("{{ t }}", ctx), "<i>y</i>");
    assert_string_equal(r1("{{ t|safe }}", ctx), "<i>y</i>");
}

static void test_default(void **state)
{
    acc_tval_t *ctx = ctx_basic();

    ACC_UNUSED(state);
    assert_string_equal(r1("{{ missing|default:\"dflt\" }}", ctx), "dflt");
    assert_string_equal(r1("{{ missing|default:'single' }}", ctx), "single");
    assert_string_equal(r1("{{ empty|default:\"e\" }}", ctx), "e");
    assert_string_equal(r1("{{ no|default:\"f\" }}", ctx), "f");
    assert_string_equal(r1("{{ none|default:\"l\" }}", ctx), "l");
    assert_string_equal(r1("{{ s|default:\"x\" }}", ctx), "str");
    assert_string_equal(r1("{{ missing|default:user.name }}", ctx), "Ann");
    assert_string_equal(r1("{{ missing | default : \"sp\" }}", ctx), "sp");
    assert_string_equal(r1("{{ missing|default:\"a \\\"q\\\" b\" }}", ctx),
                        "a \"q\" b");
    /* \\ and \<quote> are escapes, any other backslash stays */
    assert_string_equal(r1("{{ missing|default:'x\\\\y\\n\\'' }}", ctx),
                        "x\\y\\n'");
    /* chained; literals are template text and so not escaped */
    assert_string_equal(r1("{{ missing|default:\"<a>\"|safe }}", ctx), "<a>");
    assert_string_equal(r1("{{ missing|default:\"\"|default:\"2nd\" }}", ctx),
                        "2nd");
    acc_tval_setstr(ctx, "h", "<");
    assert_string_equal(r1("{{ h|default:\"x\"|safe }}", ctx), "<");
    assert_string_equal(r1("{{ missing|safe|default:h }}", ctx), "&lt;");
}

static void test_lookup(void **state)
{
    acc_tval_t *ctx = ctx_basic(), *a = acc_tval_map(p), *b = acc_tval_map(p);

    ACC_UNUSED(state);
    acc_tval_setstr(b, "c", "deep");
    acc_tval_set(a, "b", b);
    acc_tval_set(ctx, "a", a);
    assert_string_equal(r1("{{ user.name }} <{{ user.email }}>", ctx),
                        "Ann <ann@example.org>");
    assert_string_equal(r1("{{ a.b.c }}", ctx), "deep");
    assert_string_equal(r1("{{ items.1.n }}", ctx), "b");
    assert_null(acc_tval_get(ctx, "nope"));
    assert_null(acc_tval_get(acc_tval_str(p, "x"), "x"));
    assert_non_null(acc_tval_get(ctx, "user"));
}

static void test_missing_and_kinds(void **state)
{
    acc_tval_t *ctx = ctx_basic();

    ACC_UNUSED(state);
    assert_string_equal(r1("[{{ nope }}]", ctx), "[]");
    assert_string_equal(r1("[{{ nope.deeper.still }}]", ctx), "[]");
    assert_string_equal(r1("[{{ user.nope }}]", ctx), "[]");
    assert_string_equal(r1("[{{ s.x }}]", ctx), "[]");
    assert_string_equal(r1("[{{ items.9.n }}]", ctx), "[]");
    assert_string_equal(r1("[{{ x }}]", NULL), "[]");
    assert_string_equal(r1("[{{ items }}{{ user }}]", ctx), "[]");
    assert_string_equal(r1("{{ yes }} {{ no }}", ctx), "True False");
    acc_tval_set(ctx, "n", acc_tval_str(p, NULL));
    assert_string_equal(r1("[{{ n }}]", ctx), "[]");
}

static void test_truth(void **state)
{
    acc_tval_t *m = acc_tval_map(p), *l = acc_tval_list(p);

    ACC_UNUSED(state);
    assert_false(acc_tval_true(NULL));
    assert_false(acc_tval_true(acc_tval_str(p, "")));
    assert_true(acc_tval_true(acc_tval_str(p, "0")));
    assert_false(acc_tval_true(acc_tval_bool(p, 0)));
    assert_true(acc_tval_true(acc_tval_bool(p, 1)));
    assert_false(acc_tval_true(m));
    assert_false(acc_tval_true(l));
    acc_tval_setstr(m, "k", "v");
    acc_tval_push(l, acc_tval_str(p, "v"));
    assert_true(acc_tval_true(m));
    assert_true(acc_tval_true(l));
    assert_true(acc_tval_true(acc_tval_safe(p, "<b>")));
}

static void test_if(void **state)
{
    acc_tval_t *ctx = ctx_basic();
    const char *chain = "{% if no %}1{% elif empty %}2{% elif s %}3"
                        "{% else %}4{% endif %}";

    ACC_UNUSED(state);
    assert_string_equal(r1("{% if yes %}y{% endif %}", ctx), "y");
    assert_string_equal(r1("{% if no %}y{% else %}n{% endif %}", ctx), "n");
    assert_string_equal(r1(chain, ctx), "3");
    assert_string_equal(
        r1("{% if no %}1{% elif nope %}2{% else %}4{% endif %}", ctx), "4");
    assert_string_equal(r1("{% if not no %}t{% endif %}", ctx), "t");
    assert_string_equal(r1("{% if not not yes %}t{% endif %}", ctx), "t");
    assert_string_equal(r1("{% if not items %}t{% else %}f{% endif %}", ctx),
                        "f");
    assert_string_equal(r1("{% if none %}t{% else %}f{% endif %}", ctx), "f");
    assert_string_equal(r1("{% if s == \"str\" %}eq{% endif %}", ctx), "eq");
    assert_string_equal(
        r1("{% if s == 'other' %}eq{% else %}ne{% endif %}", ctx), "ne");
    assert_string_equal(r1("{% if s != \"other\" %}ne{% endif %}", ctx), "ne");
    assert_string_equal(r1("{% if s!=\"str\" %}x{% else %}y{% endif %}", ctx),
                        "y");
    assert_string_equal(r1("{% if \"str\" == s %}eq{% endif %}", ctx), "eq");
    assert_string_equal(r1("{% if user.name == \"Ann\" %}A{% endif %}", ctx),
                        "A");
    assert_string_equal(r1("{% if not s == \"x\" %}A{% endif %}", ctx), "A");
    assert_string_equal(r1("{% if yes and s %}A{% endif %}", ctx), "A");
    assert_string_equal(r1("{% if yes and no %}A{% else %}B{% endif %}", ctx),
                        "B");
    assert_string_equal(r1("{% if no or s %}A{% endif %}", ctx), "A");
    assert_string_equal(r1("{% if no or empty %}A{% else %}B{% endif %}", ctx),
                        "B");
    /* and binds tighter: yes or (no and no), not (yes or no) and no */
    assert_string_equal(
        r1("{% if yes or no and no %}A{% else %}B{% endif %}", ctx), "A");
    assert_string_equal(
        r1("{% if no and no or yes %}A{% else %}B{% endif %}", ctx), "A");
    assert_string_equal(
        r1("{% if no and yes or no %}A{% else %}B{% endif %}", ctx), "B");
    assert_string_equal(r1("{%  if   yes  %}w{%endif%}", ctx), "w");
    assert_string_equal(r1("{%\nif\nyes\n%}nl{% endif %}", ctx), "nl");
}

static void test_for(void **state)
{
    acc_tval_t *ctx = ctx_basic();

    ACC_UNUSED(state);
    assert_string_equal(r1("{% for i in items %}{{ i.n }}{% endfor %}", ctx),
                        "abc");
    assert_string_equal(r1("{% for i in items reversed %}{{ i.n }}"
                           "{% endfor %}",
                           ctx),
                        "cba");
    assert_string_equal(r1("{% for i in items %}{{ forloop.counter }}"
                           "{% if forloop.first %}F{% endif %}"
                           "{% if forloop.last %}L{% endif %},{% endfor %}",
                           ctx),
                        "1F,2,3L,");
    assert_string_equal(r1("{% for i in items %}{{ forloop.counter0 }}"
                           "{{ forloop.revcounter }}{% endfor %}",
                           ctx),
                        "031221");
    assert_string_equal(r1("{% for i in none %}x{% empty %}E{% endfor %}", ctx),
                        "E");
    assert_string_equal(r1("{% for i in nope %}x{% empty %}E{% endfor %}", ctx),
                        "E");
    assert_string_equal(r1("{% for i in none %}x{% endfor %}.", ctx), ".");
    assert_string_equal(r1("{% for i in items %}{% if forloop.counter == 2 %}"
                           "two{% endif %}{% endfor %}",
                           ctx),
                        "two");
    /* the loop variable shadows an outer name, only inside the loop */
    assert_string_equal(
        r1("{% for s in items %}{{ s.n }}{% endfor %}{{ s }}", ctx), "abcstr");
    assert_string_equal(r1("[{{ forloop.counter }}]", ctx), "[]");
}

static void test_nested_for(void **state)
{
    acc_tval_t *ctx = acc_tval_map(p), *rows = acc_tval_list(p);
    int i, j;

    ACC_UNUSED(state);
    for (i = 0; i < 2; i++) {
        acc_tval_t *row = acc_tval_list(p);

        for (j = 0; j < 3; j++) {
            acc_tval_push(row, acc_tval_str(p, apr_itoa(p, i * 10 + j)));
        }
        acc_tval_push(rows, row);
    }
    acc_tval_set(ctx, "rows", rows);
    assert_string_equal(
        r1("{% for r in rows %}[{% for c in r %}{{ c }}"
           "{% if not forloop.last %},{% endif %}{% endfor %}]{% endfor %}",
           ctx),
        "[0,1,2][10,11,12]");
    assert_string_equal(r1("{% for r in rows %}{% for c in r %}"
                           "{{ forloop.parentloop.counter }}"
                           "{{ forloop.counter }} {% endfor %}{% endfor %}",
                           ctx),
                        "11 12 13 21 22 23 ");
    /* inner loop with the same name shadows the outer one */
    assert_string_equal(r1("{% for x in rows %}{% for x in x %}{{ x }}"
                           "{% endfor %}{% endfor %}",
                           ctx),
                        "012101112");
}

static void test_extends(void **state)
{
    acc_tval_t *ctx = ctx_basic();
    acc_tpl_set_t *set = mkset(
        "base.html",
        "<title>{% block title %}Site{% endblock %}</title>"
        "{% block body %}<main>{% block content %}base{% endblock %}</main>"
        "{% endblock body %}<f>{% block foot %}foot{% endblock %}</f>",
        "mid.html",
        "{% extends \"base.html\" %}"
        "{% block title %}Mid - {{ block.super }}{% endblock %}"
        "{% block content %}mid[{{ block.super }}]{% endblock %}",
        "page.html",
        "\n  {# leading comment #}\n{% extends 'mid.html' %}\n"
        "ignored text {{ user.name }}\n"
        "{% block title %}Page | {{ block.super }}{% endblock %}\n"
        "{% block content %}page({{ block.super }}) {{ user.name }}"
        "{% endblock %}",
        "solo.html", "{% block a %}A{{ block.super }}{% endblock %}", NULL);

    ACC_UNUSED(state);
    assert_string_equal(render(set, "base.html", ctx),
                        "<title>Site</title><main>base</main><f>foot</f>");
    assert_string_equal(
        render(set, "mid.html", ctx),
        "<title>Mid - Site</title><main>mid[base]</main><f>foot</f>");
    assert_string_equal(render(set, "page.html", ctx),
                        "<title>Page | Mid - Site</title>"
                        "<main>page(mid[base]) Ann</main><f>foot</f>");
    assert_string_equal(render(set, "solo.html", ctx), "A");
}

static void test_extends_nested_blocks(void **state)
{
    acc_tpl_set_t *set =
        mkset("base.html",
              "{% block outer %}<o>{% block inner %}i{% endblock %}</o>"
              "{% endblock %}",
              "only_inner.html",
              "{% extends \"base.html\" %}{% block inner %}I2{% endblock %}",
              "outer.html",
              "{% extends \"base.html\" %}{% block outer %}[{{ block.super }}]"
              "{% block inner %}new{% endblock %}{% endblock %}",
              "in_if.html",
              "{% extends \"base.html\" %}{% if x %}{% block inner %}IF"
              "{% endblock %}{% endif %}",
              NULL);

    ACC_UNUSED(state);
    assert_string_equal(render(set, "only_inner.html", NULL), "<o>I2</o>");
    assert_string_equal(render(set, "outer.html", NULL), "[<o>new</o>]new");
    /* as in Django, a block anywhere in a child overrides */
    assert_string_equal(render(set, "in_if.html", NULL), "<o>IF</o>");
}

static void test_include(void **state)
{
    acc_tval_t *ctx = ctx_basic();
    acc_tpl_set_t *set = mkset(
        "item.html", "<li>{{ i.n }}/{{ user.name }}</li>", "list.html",
        "<ul>{% for i in items %}{% include \"item.html\" %}{% endfor %}</ul>",
        "base.html", "{% block b %}B{% endblock %}", "page.html",
        "{% extends 'base.html' %}{% block b %}{% include 'list.html' %}"
        "{% endblock %}",
        NULL);

    ACC_UNUSED(state);
    assert_string_equal(render(set, "list.html", ctx),
                        "<ul><li>a/Ann</li><li>b/Ann</li><li>c/Ann</li></ul>");
    assert_string_equal(render(set, "page.html", ctx),
                        "<ul><li>a/Ann</li><li>b/Ann</li><li>c/Ann</li></ul>");
    /* an included template has its own blocks, not the includer's */
    set = mkset("base.html", "{% block b %}B{% endblock %}", "inc.html",
                "{% block b %}inc{% endblock %}", "page.html",
                "{% extends 'base.html' %}{% block b %}P "
                "{% include 'inc.html' %}{% endblock %}",
                NULL);
    assert_string_equal(render(set, "page.html", ctx), "P inc");
    assert_true(acc_tpl_has(set, "inc.html"));
    set = mkset("item.html", "", NULL);
    assert_true(acc_tpl_has(set, "item.html"));
    assert_false(acc_tpl_has(set, "nope.html"));
}

static void test_csrf_token(void **state)
{
    acc_tval_t *ctx = acc_tval_map(p);

    ACC_UNUSED(state);
    assert_string_equal(r1("<form>{% csrf_token %}</form>", ctx),
                        "<form></form>");
    acc_tval_setstr(ctx, "csrf_token", "abc123");
    assert_string_equal(r1("{% csrf_token %}", ctx),
                        "<input type=\"hidden\" name=\"csrfmiddlewaretoken\" "
                        "value=\"abc123\">");
    acc_tval_setstr(ctx, "csrf_token", "a\"><x");
    assert_string_equal(r1("{%csrf_token%}", ctx),
                        "<input type=\"hidden\" name=\"csrfmiddlewaretoken\" "
                        "value=\"a&quot;&gt;&lt;x\">");
    assert_string_equal(r1("{% csrf_token %}", NULL), "");
    acc_tval_setstr(ctx, "csrf_token", "");
    assert_string_equal(r1("{% csrf_token %}", ctx), "");
}

static void test_comments(void **state)
{
    const char *err;

    ACC_UNUSED(state);
    assert_string_equal(r1("a{# b {{ c }} #}d", NULL), "ad");
    assert_string_equal(
        r1("a{% comment %}{% bogus %}{{ x{% endcomment %}d", NULL), "ad");
    assert_string_equal(r1("a{% comment \"note\" %}x\ny{%endcomment%}d", NULL),
                        "ad");
    /* lines inside comments still count */
    err = add_err("{# one #}\n{% comment %}\n\n{% endcomment %}\n{% bad %}");
    assert_string_equal(err, "dir/t.html:5: unknown tag 'bad'");
}

/* A translator for the tests: French for a few msgids, "[n=N]" marking
 * which plural form was asked. */
static const char *fr_gettext(void *ctx, const char *msgid)
{
    ACC_UNUSED(ctx);
    if (!strcmp(msgid, "Log in")) {
        return "Connexion";
    }
    if (!strcmp(msgid, "Hello, %(name)s!")) {
        return "Bonjour, %(name)s\xc2\xa0!";
    }
    if (!strcmp(msgid, "One two")) {
        return "<b>Un</b> & deux";
    }
    return msgid;
}

static const char *fr_ngettext(void *ctx, const char *msgid, const char *plural,
                               unsigned long n)
{
    ACC_UNUSED(ctx);
    if (!strcmp(msgid, "%(n)s code left.")) {
        return n > 1 ? "%(n)d codes restants (%(who)s)."
                     : "%(n)d code restant (%(who)s).";
    }
    return n == 1 ? msgid : plural;
}

static const acc_tpl_i18n_t fr = {fr_gettext, fr_ngettext, NULL};

static const char *rfr(const char *src, const acc_tval_t *ctx)
{
    const char *out = NULL;
    acc_tpl_set_t *set = mkset("t.html", src, NULL);

    assert_int_equal(
        acc_tpl_render_i18n(set, "t.html", ctx, &fr, p, &out, NULL),
        APR_SUCCESS);
    return out;
}

static void test_translate(void **state)
{
    acc_tval_t *ctx = acc_tval_map(p);

    ACC_UNUSED(state);
    acc_tval_setstr(ctx, "name", "<Ann>");
    acc_tval_setstr(ctx, "who", "Bob & Co");
    acc_tval_setstr(ctx, "k", "3");
    acc_tval_setstr(ctx, "one", "1");
    /* Without a translator: the English, as given. */
    assert_string_equal(r1("[{% translate \"Log in\" %}]", ctx), "[Log in]");
    assert_string_equal(r1("{% trans 'A & B' %}", ctx), "A &amp; B");
    /* With one: translated, escaped. */
    assert_string_equal(rfr("[{% translate \"Log in\" %}]", ctx),
                        "[Connexion]");
    assert_string_equal(rfr("{% translate \"One two\" %}", ctx),
                        "&lt;b&gt;Un&lt;/b&gt; &amp; deux");
    assert_string_equal(rfr("{% translate \"Not in it\" %}", ctx), "Not in it");
    /* blocktranslate: the msgid has %(name)s; values escaped, the
     * message's own text as it is. */
    assert_string_equal(
        r1("{% blocktranslate %}Hello, {{ name }}!{% endblocktranslate %}",
           ctx),
        "Hello, &lt;Ann&gt;!");
    assert_string_equal(
        rfr("{% blocktranslate %}Hello, {{ name }}!{% endblocktranslate %}",
            ctx),
        "Bonjour, &lt;Ann&gt;\xc2\xa0!");
    assert_string_equal(
        rfr("{% blocktrans trimmed %}\n  Hello,\n   {{ name }}!\n"
            "{% endblocktrans %}",
            ctx),
        "Bonjour, &lt;Ann&gt;\xc2\xa0!");
    /* Untrimmed, the body as it is (so no match here). */
    assert_string_equal(
        rfr("{% blocktranslate %} Hello, {{ name }}!{% endblocktranslate %}",
            ctx),
        " Hello, &lt;Ann&gt;!");
    /* count: the plural form for the value; the count's name is the
     * number. */
    assert_string_equal(
        rfr("{% blocktranslate count n=k %}{{ n }} code left.{% plural %}"
            "{{ n }} codes left.{% endblocktranslate %}",
            ctx),
        "3 codes restants (Bob &amp; Co).");
    assert_string_equal(
        rfr("{% blocktranslate count n=one %}{{ n }} code left.{% plural %}"
            "{{ n }} codes left.{% endblocktranslate %}",
            ctx),
        "1 code restant (Bob &amp; Co).");
    assert_string_equal(
        r1("{% blocktranslate count n=k %}{{ n }} code left.{% plural %}"
           "{{ n }} codes left.{% endblocktranslate %}",
           ctx),
        "3 codes left.");
    assert_string_equal(r1("{% blocktranslate count n=7 %}one{% plural %}many "
                           "{{ n }}{% endblocktranslate %}",
                           ctx),
                        "many 7");
}

static void test_translate_errors(void **state)
{
    ACC_UNUSED(state);
    assert_has(add_err("{% translate %}"), "'translate' needs one quoted text");
    assert_has(add_err("{% translate x %}"), "needs one quoted text");
    assert_has(add_err("{% blocktranslate %}{{ a.b }}{% endblocktranslate %}"),
               "plain names only");
    assert_has(add_err("{% blocktranslate %}{{ a|safe }}"
                       "{% endblocktranslate %}"),
               "plain names only");
    assert_has(add_err("{% blocktranslate %}{% if x %}{% endif %}"
                       "{% endblocktranslate %}"),
               "in a 'blocktranslate'");
    assert_has(add_err("{% blocktranslate %}a{% plural %}b"
                       "{% endblocktranslate %}"),
               "in a 'blocktranslate'");
    assert_has(add_err("{% blocktranslate count n=k %}a"
                       "{% endblocktranslate %}"),
               "needs a 'plural'");
    assert_has(add_err("{% blocktranslate count n %}a{% plural %}b"
                       "{% endblocktranslate %}"),
               "expected 'count name=value'");
    assert_has(add_err("{% blocktranslate with a=b %}x"
                       "{% endblocktranslate %}"),
               "takes 'count name=value' and 'trimmed' only");
    assert_has(add_err("{% blocktranslate %}100%{% endblocktranslate %}"),
               "a '%' in a 'blocktranslate'");
    assert_has(add_err("\n{% blocktranslate %}never closed"),
               "dir/t.html:2: unclosed 'blocktranslate'");
    assert_has(add_err("{% blocktranslate %}{# x #}{% endblocktranslate %}"),
               "bad tag in a 'blocktranslate'");
}

static void test_syntax_errors(void **state)
{
    static const struct {
        const char *src, *err;
    } cases[] = {
        {"a\n{% bogus %}", "dir/t.html:2: unknown tag 'bogus'"},
        {"{{ x|upper }}", "dir/t.html:1: unknown filter 'upper'"},
        {"\n\n{{ x", "dir/t.html:3: unclosed '{{'"},
        {"\n{% if x", "dir/t.html:2: unclosed '{%'"},
        {"{# x", "dir/t.html:1: unclosed '{#'"},
        {"x\n{% if x %}\n{% for a in b %}{% endfor %}",
         "dir/t.html:2: unclosed 'if'"},
        {"{% block a %}", "dir/t.html:1: unclosed 'block'"},
        {"{% for x in y %}\n{% endif %}",
         "dir/t.html:2: unexpected 'endif', expected 'endfor'"},
        {"{% endfor %}", "dir/t.html:1: unexpected 'endfor'"},
        {"{% if a %}{% empty %}{% endif %}",
         "dir/t.html:1: unexpected 'empty'"},
        {"{% block a %}\n{% endblock b %}",
         "dir/t.html:2: 'endblock' does not match block 'a'"},
        {"{% block a %}{% endblock %}\n{% block a %}{% endblock %}",
         "dir/t.html:2: block 'a' appears more than once"},
        {"{% block a %}{% block a %}{% endblock %}{% endblock %}",
         "dir/t.html:1: block 'a' appears more than once"},
        {"x{% extends 'b' %}", "dir/t.html:1: 'extends' must be the first"},
        {"{{ x }}\n{% extends 'b' %}",
         "dir/t.html:2: 'extends' must be the first"},
        {"{% extends 'a' %}\n{% extends 'b' %}",
         "dir/t.html:2: 'extends' must be the first"},
        {"{% if x %}{% extends 'b' %}{% endif %}",
         "dir/t.html:1: 'extends' must be the first"},
        {"{% extends b %}", "dir/t.html:1: 'extends' needs one quoted"},
        {"{% for x y %}{% endfor %}", "dir/t.html:1: bad 'for'"},
        {"{% for x in %}{% endfor %}", "dir/t.html:1: bad 'for'"},
        {"{% for x.y in z %}{% endfor %}", "dir/t.html:1: bad 'for'"},
        {"{% for x in z backwards %}{% endfor %}", "dir/t.html:1: bad 'for'"},
        {"{% for x in a %}{% empty %}{% empty %}{% endfor %}",
         "dir/t.html:1: unexpected 'empty'"},
        {"{% if %}{% endif %}", "dir/t.html:1: 'if' needs an expression"},
        {"{% if a and %}{% endif %}", "dir/t.html:1: 'if' expression ends"},
        {"{% if a == %}{% endif %}", "dir/t.html:1: missing value"},
        {"{% if a b %}{% endif %}", "dir/t.html:1: unexpected 'b' in 'if'"},
        {"{% if a < b %}{% endif %}", "dir/t.html:1: unexpected character"},
        {"{% if a = b %}{% endif %}", "dir/t.html:1: unexpected character"},
        {"{% if and %}{% endif %}", "dir/t.html:1: unexpected 'and' in 'if'"},
        {"{% else %}", "dir/t.html:1: unexpected 'else'"},
        {"{% if a %}\n{% else %}\n{% else %}{% endif %}",
         "dir/t.html:3: 'else' after 'else'"},
        {"{% if a %}{% else %}{% elif b %}{% endif %}",
         "dir/t.html:1: 'elif' after 'else'"},
        {"{% if a %}{% endif x %}", "dir/t.html:1: 'endif' takes no"},
        {"{{ }}", "dir/t.html:1: empty variable tag"},
        {"{{ x|default }}", "dir/t.html:1: filter 'default' needs an arg"},
        {"{{ x|safe:'a' }}", "dir/t.html:1: filter 'safe' takes no arg"},
        {"{{ x| }}", "dir/t.html:1: missing filter name"},
        {"{{ x|default: }}", "dir/t.html:1: missing argument"},
        {"{{ x y }}", "dir/t.html:1: unexpected 'y' in variable tag"},
        {"{{ a..b }}", "dir/t.html:1: bad variable name 'a..b'"},
        {"{{ .a }}", "dir/t.html:1: bad variable name"},
        {"{{ 'abc }}", "dir/t.html:1: unterminated string"},
        {"{% include %}", "dir/t.html:1: 'include' needs one quoted"},
        {"{% include '' %}", "dir/t.html:1: 'include' needs a template"},
        {"\n{% comment %} never closed", "dir/t.html:2: unclosed 'comment'"},
        {"{% endcomment %}", "dir/t.html:1: unexpected 'endcomment'"},
        {"{% csrf_token x %}", "dir/t.html:1: 'csrf_token' takes no"},
        {"{% %}", "dir/t.html:1: missing tag name"},
        {"{% block %}{% endblock %}", "dir/t.html:1: 'block' needs one name"},
        {"{% averyveryverylongtagname %}", "dir/t.html:1: unknown tag"},
        {"{{ x\x01 }}", "dir/t.html:1: unexpected byte 0x01"},
    };
    size_t i;

    ACC_UNUSED(state);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *err = add_err(cases[i].src);

        if (strncmp(err, cases[i].err, strlen(cases[i].err))) {
            fail_msg("case %d: got '%s', want '%s...'", (int)i, err,
                     cases[i].err);
        }
    }
}

static void test_allowed_before_extends(void **state)
{
    acc_tpl_set_t *set = mkset(
        "b.html", "[{% block x %}{% endblock %}]", "c1.html",
        "  \n\t{% extends 'b.html' %}{% block x %}1{% endblock %}", "c2.html",
        "{# hi #}{% comment %}x{% endcomment %}{% extends 'b.html' %}"
        "outside {% if 1 %}{{ y }}{% endif %}{% block x %}2{% endblock %}",
        NULL);

    ACC_UNUSED(state);
    assert_string_equal(render(set, "c1.html", NULL), "[1]");
    assert_string_equal(render(set, "c2.html", NULL), "[2]");
}

static void test_link_errors(void **state)
{
    static const struct {
        const char *a, *b, *err;
    } cases[] = {
        {"{% extends 'nope.html' %}", "",
         "src/a.html:1: extends 'nope.html': no such template"},
        {"x\n{% include \"nope.html\" %}", "",
         "src/a.html:2: include 'nope.html': no such template"},
        {"{% extends 'b.html' %}", "\n{% extends 'a.html' %}",
         "src/b.html:2: extends cycle: a.html -> b.html -> a.html"},
        {"{% include 'b.html' %}", "\n\n{% include 'a.html' %}",
         "src/b.html:3: include cycle: a.html -> b.html -> a.html"},
        {"{% extends 'b.html' %}", "{% include 'a.html' %}",
         "src/b.html:1: include cycle: a.html -> b.html -> a.html"},
        {"x\n{% include 'a.html' %}", "",
         "src/a.html:2: include cycle: a.html -> a.html"},
    };
    size_t i;

    ACC_UNUSED(state);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        acc_tpl_set_t *set = acc_tpl_set_create(p);
        const char *err = NULL;

        assert_int_equal(acc_tpl_add(set, "a.html", cases[i].a,
                                     strlen(cases[i].a), "src/a.html", &err),
                         APR_SUCCESS);
        assert_int_equal(acc_tpl_add(set, "b.html", cases[i].b,
                                     strlen(cases[i].b), "src/b.html", &err),
                         APR_SUCCESS);
        assert_int_equal(acc_tpl_link(set, &err), APR_EINVAL);
        assert_non_null(err);
        if (strcmp(err, cases[i].err)) {
            fail_msg("case %d: got '%s', want '%s'", (int)i, err, cases[i].err);
        }
    }
}

static void test_deep_nesting(void **state)
{
    char *ok, *bad;
    const char *err;
    int i;

    ACC_UNUSED(state);
    ok = "";
    for (i = 0; i < 64; i++) {
        ok = apr_pstrcat(p, ok, "{% if x %}\n", NULL);
    }
    bad = apr_pstrcat(p, ok, "{% for a in b %}", NULL);
    for (i = 0; i < 64; i++) {
        ok = apr_pstrcat(p, ok, "{% endif %}", NULL);
    }
    assert_string_equal(r1(ok, NULL), "");
    err = add_err(bad);
    assert_string_equal(err, "dir/t.html:65: tags nested deeper than 64");
}

static void test_render_depth(void **state)
{
    acc_tpl_set_t *set = acc_tpl_set_create(p);
    const char *err, *out;
    int i;

    ACC_UNUSED(state);
    /* a chain of 40 includes links (no cycle) but is too deep to render */
    for (i = 0; i < 40; i++) {
        const char *src =
            apr_psprintf(p, "%d{%% include \"t%d\" %%}", i, i + 1);
        assert_int_equal(acc_tpl_add(set, apr_psprintf(p, "t%d", i), src,
                                     strlen(src), NULL, &err),
                         APR_SUCCESS);
    }
    assert_int_equal(acc_tpl_add(set, "t40", "end", 3, NULL, &err),
                     APR_SUCCESS);
    assert_int_equal(acc_tpl_link(set, &err), APR_SUCCESS);
    assert_int_equal(acc_tpl_render(set, "t0", NULL, p, &out, NULL),
                     APR_EINVAL);
    assert_string_equal(render(set, "t20", NULL),
                        "2021222324252627282930313233343536373839end");

    /* a cycle that was never linked still stops */
    set = acc_tpl_set_create(p);
    assert_int_equal(acc_tpl_add(set, "a", "{% include 'a' %}", 17, NULL, &err),
                     APR_SUCCESS);
    assert_int_equal(acc_tpl_render(set, "a", NULL, p, &out, NULL), APR_EINVAL);
    assert_int_equal(acc_tpl_add(set, "a", "{% extends 'a' %}", 17, NULL, &err),
                     APR_SUCCESS);
    assert_int_equal(acc_tpl_render(set, "a", NULL, p, &out, NULL), APR_EINVAL);
    /* and a missing target without link is APR_NOTFOUND */
    assert_int_equal(
        acc_tpl_add(set, "a", "{% include 'zz' %}", 18, NULL, &err),
        APR_SUCCESS);
    assert_int_equal(acc_tpl_render(set, "a", NULL, p, &out, NULL),
                     APR_NOTFOUND);
}

static void test_render_twice(void **state)
{
    acc_tval_t *ctx = ctx_basic();
    acc_tpl_set_t *set =
        mkset("base.html",
              "{% block a %}A{% endblock %}|{% block b %}B{% endblock %}",
              "page.html",
              "{% extends 'base.html' %}{% block a %}{{ block.super }}a"
              "{% for s in items %}{{ s.n }}{{ forloop.counter }}{% endfor %}"
              "{% endblock %}",
              NULL);
    const char *one, *two;

    ACC_UNUSED(state);
    one = render(set, "page.html", ctx);
    two = render(set, "page.html", ctx);
    assert_string_equal(one, "Aaa1b2c3|B");
    assert_string_equal(one, two);
    /* the loop variable did not leak into the context */
    assert_null(acc_tval_get(ctx, "forloop"));
    assert_string_equal(r1("{% for s in items %}{% endfor %}{{ s }}", ctx),
                        "str");
    assert_string_equal(render(set, "base.html", ctx), "A|B");
}

static void test_replace_and_errors(void **state)
{
    acc_tpl_set_t *set = acc_tpl_set_create(p);
    const char *err = NULL, *out;
    apr_size_t len;

    ACC_UNUSED(state);
    assert_int_equal(acc_tpl_add(set, "x", "one", 3, NULL, &err), APR_SUCCESS);
    assert_int_equal(acc_tpl_add(set, "x", "two", 3, NULL, &err), APR_SUCCESS);
    assert_string_equal(render(set, "x", NULL), "two");
    /* a failed add keeps the old template and names the origin */
    assert_int_equal(acc_tpl_add(set, "x", "{% if %}", 8, "built-in x", &err),
                     APR_EINVAL);
    assert_string_equal(err, "built-in x:1: 'if' needs an expression");
    assert_string_equal(render(set, "x", NULL), "two");
    /* default origin is the name */
    assert_int_equal(acc_tpl_add(set, "y", "{{", 2, NULL, &err), APR_EINVAL);
    assert_string_equal(err, "y:1: unclosed '{{'");
    assert_int_equal(acc_tpl_render(set, "nope", NULL, p, &out, &len),
                     APR_NOTFOUND);
    /* length excludes the NUL; src need not be NUL-terminated */
    assert_int_equal(acc_tpl_add(set, "z", "abcdef", 3, NULL, &err),
                     APR_SUCCESS);
    assert_int_equal(acc_tpl_render(set, "z", NULL, p, &out, &len),
                     APR_SUCCESS);
    assert_int_equal(len, 3);
    assert_string_equal(out, "abc");
    assert_int_equal(acc_tpl_add(set, "e", NULL, 0, NULL, &err), APR_SUCCESS);
    assert_string_equal(render(set, "e", NULL), "");
}

static void test_block_super_outside(void **state)
{
    acc_tval_t *ctx = acc_tval_map(p), *blk = acc_tval_map(p);

    ACC_UNUSED(state);
    acc_tval_setstr(blk, "super", "ctx");
    acc_tval_set(ctx, "block", blk);
    /* outside any block, "block" is an ordinary name */
    assert_string_equal(r1("{{ block.super }}", ctx), "ctx");
    assert_string_equal(
        r1("{% block a %}[{{ block.super }}]{% endblock %}", ctx), "[]");
    /* inside a block, "block" is the block: other members are missing */
    acc_tval_setstr(blk, "x", "X");
    assert_string_equal(r1("{{ block.x }}{% block a %}[{{ block.x }}]"
                           "{% endblock %}",
                           ctx),
                        "X[]");
    assert_string_equal(r1("{% block a %}{{ block.super|default:'d' }}"
                           "{% endblock %}",
                           ctx),
                        "d");
}

static void test_large_output(void **state)
{
    acc_tval_t *ctx = acc_tval_map(p), *l = acc_tval_list(p);
    const char *out;
    char *big;
    int i;

    ACC_UNUSED(state);
    for (i = 0; i < 5000; i++) {
        acc_tval_push(l, acc_tval_str(p, "<x>"));
    }
    acc_tval_set(ctx, "l", l);
    out = r1("{% for v in l %}{{ v }}{% endfor %}", ctx);
    assert_int_equal(strlen(out), 5000 * 9);
    assert_memory_equal(out, "&lt;x&gt;&lt;x&gt;", 18);

    /* one value far larger than the buffer's first size */
    big = apr_palloc(p, 100001);
    memset(big, '>', 100000);
    big[100000] = '\0';
    acc_tval_setstr(ctx, "big", big);
    out = r1("[{{ big|safe }}]{{ big }}", ctx);
    assert_int_equal(strlen(out), 100002 + 400000);
    assert_memory_equal(out + 100001, "]&gt;", 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_escape_each_char, setup, teardown),
        cmocka_unit_test_setup_teardown(test_safe, setup, teardown),
        cmocka_unit_test_setup_teardown(test_default, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lookup, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_and_kinds, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_truth, setup, teardown),
        cmocka_unit_test_setup_teardown(test_if, setup, teardown),
        cmocka_unit_test_setup_teardown(test_for, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nested_for, setup, teardown),
        cmocka_unit_test_setup_teardown(test_extends, setup, teardown),
        cmocka_unit_test_setup_teardown(test_extends_nested_blocks, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_include, setup, teardown),
        cmocka_unit_test_setup_teardown(test_csrf_token, setup, teardown),
        cmocka_unit_test_setup_teardown(test_comments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_translate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_translate_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_syntax_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_allowed_before_extends, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_link_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deep_nesting, setup, teardown),
        cmocka_unit_test_setup_teardown(test_render_depth, setup, teardown),
        cmocka_unit_test_setup_teardown(test_render_twice, setup, teardown),
        cmocka_unit_test_setup_teardown(test_replace_and_errors, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_block_super_outside, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_large_output, setup, teardown),
    };
    int rc;

    apr_initialize();
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    apr_terminate();
    return rc;
}

/*
 * src/core/password.c -- argon2 password hashes: make, verify, rehash, and the
 * AccountsPasswordHash parameters.
 *
 * Hashes are made and verified with libargon2's context API (argon2id,
 * 16-byte salt, 32-byte tag; verification re-derives the tag with the
 * stored parameters and compares in constant time).  We decode and encode
 * the PHC strings ourselves (phc.c), since the context API takes bytes,
 * and a stored string must pass our own strict parser first, so a
 * malformed row is "unusable" the same way whatever libargon2 thinks.
 *
 * Two things the context gives that libargon2's string functions do not:
 *
 * - argon2's m KiB per hash come from the caller's acc_hash_mem_t when
 *   they fit (httpd: its hash slot's, made once; a hash then touches no
 *   new page, where a fresh mapping costs the kernel a zeroed page for
 *   each and a TLB shootdown in every thread of the process at the unmap:
 *   about a tenth of the hash here), else from mmap, going back with
 *   munmap when the hash ends -- never from malloc, which keeps a freed
 *   block of that size in its heap (glibc raises its mmap threshold to
 *   the largest block freed).  That would leave each busy httpd process
 *   holding m KiB per arena, and changing malloc's settings instead would
 *   change them for every module in the process.
 * - One thread per hash whatever the lanes (p): the tag does not depend on
 *   the thread count, and an httpd worker should not start threads.
 */
#include "password.h"
#include "crypto.h"
#include "djhash.h"

#include <apr_crypto.h>

#include <argon2.h>
#include <string.h>
#include <sys/mman.h>

/* Ceilings for AccountsPasswordHash (stored hashes have their own:
 * acc_password_cost_ok).  No more lanes than verification accepts. */
#define MAX_M_KIB 4194304u /* 4 GiB */
#define MAX_LANES ((uint32_t)ACC_ARGON2_VERIFY_P_MAX)

static const acc_argon2_params_t defaults = {
    ACC_ARGON2_DEFAULT_M, ACC_ARGON2_DEFAULT_T, ACC_ARGON2_DEFAULT_P};

static argon2_type variant_type(const char *variant)
{
    if (strcmp(variant, "argon2id") == 0) {
        return Argon2_id;
    }
    return strcmp(variant, "argon2i") == 0 ? Argon2_i : Argon2_d;
}

/* The memory this thread's current hash may use (set only for the length
 * of one acc_password_*_in call: libargon2's allocation callbacks take no
 * argument of ours). */
static _Thread_local const acc_hash_mem_t *thread_mem;

unsigned char *acc_hash_mem_map(apr_size_t len)
{
    void *m = mmap(NULL, len, PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

    if (m == MAP_FAILED) {
        return NULL;
    }
#ifdef MADV_HUGEPAGE
    madvise(m, len, MADV_HUGEPAGE); /* where shmem_enabled allows */
#endif
    return m;
}

apr_size_t acc_hash_mem_len(const acc_argon2_params_t *prm)
{
    apr_size_t kib = prm->m_kib < 8 * prm->p ? 8 * prm->p : prm->m_kib;

    return kib * 1024;
}

void acc_hash_mem_unmap(unsigned char *base, apr_size_t len)
{
    if (base) {
        munmap(base, len);
    }
}

/* argon2's memory for one hash: the caller's when it fits, else its own
 * mapping, unmapped at the end. */
static int map_blocks(uint8_t **memory, size_t len)
{
    void *m;

    if (thread_mem && len <= thread_mem->len) {
        *memory = thread_mem->base;
        return ARGON2_OK;
    }
    m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
             0);
    *memory = m == MAP_FAILED ? NULL : m;
#ifdef MADV_HUGEPAGE
    if (*memory) {
        madvise(m, len, MADV_HUGEPAGE);
    }
#endif
    return *memory ? ARGON2_OK : ARGON2_MEMORY_ALLOCATION_ERROR;
}

static void unmap_blocks(uint8_t *memory, size_t len)
{
    /* libargon2 has wiped the blocks by now, in either case. */
    if (!(thread_mem && memory == thread_mem->base)) {
        munmap(memory, len);
    }
}

/* A context deriving the tag of pw (pwlen bytes, at most
 * ACC_PASSWORD_MAX_BYTES) into out, in this thread, with memory from
 * map_blocks.  pw is only read (no ARGON2_FLAG_CLEAR_PASSWORD). */
static void init_ctx(argon2_context *ctx, const acc_argon2_params_t *prm,
                     uint32_t version, const char *pw, apr_size_t pwlen,
                     unsigned char *salt, apr_size_t salt_len,
                     unsigned char *out, apr_size_t outlen)
{
    memset(ctx, 0, sizeof(*ctx));
    ctx->out = out;
    ctx->outlen = (uint32_t)outlen;
    ctx->pwd = (uint8_t *)(uintptr_t)pw;
    ctx->pwdlen = (uint32_t)pwlen;
    ctx->salt = salt;
    ctx->saltlen = (uint32_t)salt_len;
    ctx->t_cost = prm->t;
    ctx->m_cost = prm->m_kib;
    ctx->lanes = prm->p;
    ctx->threads = 1;
    ctx->version = version;
    ctx->allocate_cbk = map_blocks;
    ctx->free_cbk = unmap_blocks;
    ctx->flags = ARGON2_DEFAULT_FLAGS;
}

int acc_password_cost_ok(const acc_argon2_params_t *stored,
                         const acc_argon2_params_t *configured)
{
    uint32_t max_m = ACC_ARGON2_VERIFY_M_FLOOR,
             max_t = ACC_ARGON2_VERIFY_T_FLOOR;

    if (configured == NULL) {
        configured = &defaults;
    }
    if (configured->m_kib > max_m) {
        max_m = configured->m_kib;
    }
    if (configured->t > max_t) {
        max_t = configured->t;
    }
    return stored->m_kib <= max_m && stored->t <= max_t &&
           stored->p <= ACC_ARGON2_VERIFY_P_MAX;
}

acc_pw_result_t acc_password_verify(const char *phc, const char *pw,
                                    apr_size_t pwlen,
                                    const acc_argon2_params_t *configured)
{
    return acc_password_verify_in(NULL, phc, pw, pwlen, configured);
}

acc_pw_result_t acc_password_verify_in(const acc_hash_mem_t *mem,
                                       const char *phc, const char *pw,
                                       apr_size_t pwlen,
                                       const acc_argon2_params_t *configured)
{
    unsigned char salt[ACC_PHC_MAX_SALT_LEN], want[ACC_PHC_MAX_HASH_LEN];
    unsigned char got[ACC_PHC_MAX_HASH_LEN];
    argon2_context ctx;
    acc_dj_hash_t dj;
    acc_phc_t h;
    int rc;

    /* Django's other hashes (djhash.h), imported or shared. */
    if (phc && (acc_dj_parse(phc, &dj), dj.kind != ACC_DJ_NONE)) {
        return acc_dj_verify(phc, pw, pwlen);
    }
    if (phc == NULL || pw == NULL || acc_phc_parse(phc, &h) != 0 ||
        !acc_password_cost_ok(&h.params, configured)) {
        return ACC_PW_UNUSABLE;
    }
    if (pwlen > ACC_PASSWORD_MAX_BYTES) {
        /* Never hashed by us; refuse the work rather than the row. */
        return ACC_PW_MISMATCH;
    }
    acc_phc_b64_decode(h.salt_b64, h.salt_len, salt);
    acc_phc_b64_decode(h.hash_b64, h.hash_len, want);
    init_ctx(&ctx, &h.params, h.version, pw, pwlen, salt, h.salt_len, got,
             h.hash_len);
    /* Re-derives the tag into got and compares it with want in constant
     * time. */
    thread_mem = mem;
    rc = argon2_verify_ctx(&ctx, (const char *)want, variant_type(h.variant));
    thread_mem = NULL;
    apr_crypto_memzero(got, sizeof(got));
    if (rc == ARGON2_OK) {
        return ACC_PW_MATCH;
    }
    return rc == ARGON2_VERIFY_MISMATCH ? ACC_PW_MISMATCH : ACC_PW_UNUSABLE;
}

/* What is wrong with prm for hashing, or NULL. */
static const char *params_problem(const acc_argon2_params_t *prm)
{
    if (prm->p < 1 || prm->p > MAX_LANES) {
        return "p must be from 1 to 16";
    }
    if (prm->t < 1) {
        return "t must be at least 1";
    }
    if (prm->m_kib < 8 * prm->p || prm->m_kib > MAX_M_KIB) {
        return "m must be at least 8 KiB per lane and at most 4194304";
    }
    return NULL;
}

apr_status_t acc_password_hash(apr_pool_t *p, const acc_argon2_params_t *prm,
                               const char *pw, apr_size_t pwlen,
                               const char **phc, const char **err)
{
    return acc_password_hash_in(NULL, p, prm, pw, pwlen, phc, err);
}

apr_status_t acc_password_hash_in(const acc_hash_mem_t *mem, apr_pool_t *p,
                                  const acc_argon2_params_t *prm,
                                  const char *pw, apr_size_t pwlen,
                                  const char **phc, const char **err)
{
    unsigned char salt[ACC_ARGON2_SALT_LEN], tag[ACC_ARGON2_HASH_LEN];
    argon2_context ctx;
    const char *why;
    apr_status_t rv;
    int rc;

    if (err) {
        *err = NULL;
    }
    if (phc == NULL) {
        return APR_EINVAL;
    }
    *phc = NULL;
    if (prm == NULL) {
        prm = &defaults;
    }
    if (pw == NULL) {
        why = "no password given";
        rv = APR_EINVAL;
        goto fail;
    }
    if (pwlen > ACC_PASSWORD_MAX_BYTES) {
        why = apr_psprintf(p, "password is longer than %d bytes",
                           ACC_PASSWORD_MAX_BYTES);
        rv = APR_EINVAL;
        goto fail;
    }
    if ((why = params_problem(prm)) != NULL) {
        rv = APR_EINVAL;
        goto fail;
    }
    rv = acc_random_bytes(salt, sizeof(salt));
    if (rv != APR_SUCCESS) {
        why = "no random bytes for the salt";
        goto fail;
    }
    init_ctx(&ctx, prm, ARGON2_VERSION_13, pw, pwlen, salt, sizeof(salt), tag,
             sizeof(tag));
    thread_mem = mem;
    rc = argon2_ctx(&ctx, Argon2_id);
    thread_mem = NULL;
    if (rc != ARGON2_OK) {
        apr_crypto_memzero(tag, sizeof(tag));
        why = apr_psprintf(p, "argon2id hashing failed: %s",
                           argon2_error_message(rc));
        rv = rc == ARGON2_MEMORY_ALLOCATION_ERROR ? APR_ENOMEM : APR_EGENERAL;
        goto fail;
    }
    *phc = acc_phc_encode(p, prm, salt, sizeof(salt), tag, sizeof(tag));
    apr_crypto_memzero(tag, sizeof(tag));
    return APR_SUCCESS;

fail:
    if (err) {
        *err = why;
    }
    return rv;
}

int acc_password_needs_rehash(const char *phc, const acc_argon2_params_t *prm)
{
    acc_phc_t h;

    if (acc_phc_parse(phc, &h) != 0) {
        return 1;
    }
    if (prm == NULL) {
        prm = &defaults;
    }
    return strcmp(h.variant, "argon2id") != 0 ||
           h.version != ARGON2_VERSION_13 || h.params.m_kib != prm->m_kib ||
           h.params.t != prm->t || h.params.p != prm->p ||
           h.salt_len != ACC_ARGON2_SALT_LEN ||
           h.hash_len != ACC_ARGON2_HASH_LEN;
}

/* A directive number: digits only (leading zeros allowed), within
 * uint32.  Returns 0 and sets *out, or -1. */
static int conf_u32(const char *s, uint32_t *out)
{
    uint64_t v = 0;

    if (*s == '\0') {
        return -1;
    }
    for (; *s; s++) {
        if (*s < '0' || *s > '9') {
            return -1;
        }
        v = v * 10 + (uint64_t)(*s - '0');
        if (v > UINT32_MAX) {
            return -1;
        }
    }
    *out = (uint32_t)v;
    return 0;
}

const char *acc_argon2_params_parse(apr_pool_t *p, const char *args,
                                    acc_argon2_params_t *out)
{
    acc_argon2_params_t r = defaults;
    char *copy, *tok, *last;
    const char *val;
    uint32_t v;
    int bad;

    copy = apr_pstrdup(p, args ? args : "");
    for (tok = apr_strtok(copy, " \t", &last); tok != NULL;
         tok = apr_strtok(NULL, " \t", &last)) {
        if (tok[0] == '\0' || tok[1] != '=') {
            return apr_psprintf(p,
                                "unknown argon2 parameter '%s' (expected "
                                "m=N, t=N or p=N)",
                                tok);
        }
        val = tok + 2;
        bad = conf_u32(val, &v) != 0;
        switch (tok[0]) {
            case 'm':
                if (bad || v < 8) {
                    return apr_psprintf(p,
                                        "m must be a number of KiB of at "
                                        "least 8 per lane, not '%s'",
                                        val);
                }
                if (v > MAX_M_KIB) {
                    return apr_psprintf(p,
                                        "m must be at most 4194304 KiB "
                                        "(4 GiB), not '%s'",
                                        val);
                }
                r.m_kib = v;
                break;
            case 't':
                if (bad || v < 1) {
                    return apr_psprintf(p,
                                        "t must be a number of passes of "
                                        "at least 1, not '%s'",
                                        val);
                }
                r.t = v;
                break;
            case 'p':
                if (bad || v < 1 || v > MAX_LANES) {
                    return apr_psprintf(p,
                                        "p must be a number of lanes from "
                                        "1 to 16, not '%s'",
                                        val);
                }
                r.p = v;
                break;
            default:
                return apr_psprintf(p,
                                    "unknown argon2 parameter '%s' (expected "
                                    "m=N, t=N or p=N)",
                                    tok);
        }
    }
    if (r.m_kib < 8 * r.p) {
        return apr_psprintf(p,
                            "m must be a number of KiB of at least 8 per "
                            "lane, not '%u' with p=%u",
                            (unsigned)r.m_kib, (unsigned)r.p);
    }
    *out = r;
    return NULL;
}

const char *acc_password_problem(apr_pool_t *p, const char *phc,
                                 const acc_argon2_params_t *configured,
                                 int *unknown)
{
    acc_dj_hash_t dj;
    acc_phc_t h;
    const char *alg;
    int rc;

    *unknown = 0;
    if (phc == NULL || *phc == '\0') {
        return "an empty password hash";
    }
    if (*phc == '!') {
        return NULL; /* Django's unusable password: never matches, by design */
    }
    rc = acc_dj_parse(phc, &dj);
    if (dj.kind != ACC_DJ_NONE) {
        alg = acc_dj_algorithm(p, phc);
        if (rc == -2) {
            return apr_psprintf(p, "its %s cost is over the ceiling", alg);
        }
        return rc == 0 ? NULL : apr_psprintf(p, "a malformed %s hash", alg);
    }
    if (acc_phc_parse(phc, &h) == 0) {
        return acc_password_cost_ok(&h.params, configured)
                   ? NULL
                   : apr_psprintf(p,
                                  "its cost m=%u t=%u p=%u is over the "
                                  "ceiling",
                                  h.params.m_kib, h.params.t, h.params.p);
    }
    alg = acc_dj_algorithm(p, phc);
    if (alg == NULL) {
        *unknown = 1;
        return "a hash that names no algorithm";
    }
    if (*alg && strcmp(alg, "argon2") != 0) {
        *unknown = 1;
        return apr_psprintf(p, "an unknown algorithm '%s'", alg);
    }
    return "a malformed argon2 hash";
}

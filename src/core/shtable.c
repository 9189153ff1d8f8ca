/*
 * src/core/shtable.c -- a table of session cache entries in shared memory
 * (shtable.h).
 */
#include "shtable.h"

#include <string.h>

#define SLOT        ACC_SHTABLE_SLOT
#define WAYS        ACC_SHTABLE_WAYS
#define MAX_STRIPES 4096
#define LINE        64

struct acc_shtable {
    apr_uint32_t *tags;   /* WAYS a set, one cache line */
    unsigned char *slots; /* WAYS x SLOT a set */
    apr_size_t stripes;   /* a power of two */
    apr_size_t per;       /* sets a stripe (at least 2) */
};

/* An entry's first 16 bytes; then its key, then its value. */
typedef struct {
    apr_int64_t until;
    apr_uint32_t vlen;
    apr_uint16_t klen;
    apr_uint16_t nslots;
} head_t;

/* Sets: a quarter more slots than entries.  Stripes: a power of two, each
 * of at least 16 sets where there are that many.  A key's two sets are in
 * its stripe, so a stripe of few sets is filled unevenly: with 4 sets a
 * stripe, a table filled to its size lost 0.13% of its entries to full
 * stripes; with 16 or more, none. */
static void geometry(apr_size_t entries, apr_size_t *stripes, apr_size_t *per)
{
    apr_size_t sets = (entries + entries / 4 + WAYS - 1) / WAYS;
    apr_size_t s = 1;

    if (sets < 2) {
        sets = 2;
    }
    while (s * 2 <= sets / 16 && s < MAX_STRIPES) {
        s *= 2;
    }
    *stripes = s;
    *per = (sets + s - 1) / s;
}

apr_size_t acc_shtable_bytes(apr_size_t entries)
{
    apr_size_t stripes, per;
    apr_uint64_t len;

    geometry(entries, &stripes, &per);
    len = (apr_uint64_t)stripes * per * WAYS * (sizeof(apr_uint32_t) + SLOT) +
          LINE;
    /* More than the address space (a 32-bit build): none. */
    return len > (apr_uint64_t)APR_SIZE_MAX ? 0 : (apr_size_t)len;
}

acc_shtable_t *acc_shtable_make(apr_pool_t *p, void *mem, apr_size_t entries)
{
    acc_shtable_t *t = apr_pcalloc(p, sizeof(*t));
    apr_size_t pad = (LINE - (apr_size_t)mem % LINE) % LINE;

    geometry(entries, &t->stripes, &t->per);
    t->tags = (apr_uint32_t *)((char *)mem + pad);
    t->slots = (unsigned char *)(t->tags + t->stripes * t->per * WAYS);
    return t;
}

apr_size_t acc_shtable_stripes(const acc_shtable_t *t)
{
    return t->stripes;
}

/* Eight bytes at a time, each word mixed in with a multiply and a shift
 * (a byte at a time, FNV-1a, was a tenth of a guarded request's lookup),
 * then MurmurHash3's finaliser: every bit of the key moves every bit of
 * the hash, which the stripe, the sets and the tag split.  The hashes
 * live in this server's memory only: the byte order does not matter. */
static apr_uint64_t mix(apr_uint64_t h, apr_uint64_t w)
{
    h = (h ^ w) * 0x9E3779B97F4A7C15ULL;
    return h ^ (h >> 29);
}

apr_uint64_t acc_shtable_hash(const void *key, apr_size_t klen)
{
    const unsigned char *k = key;
    apr_uint64_t h = 0xcbf29ce484222325ULL ^ klen, w;

    for (; klen >= 8; k += 8, klen -= 8) {
        memcpy(&w, k, 8);
        h = mix(h, w);
    }
    if (klen > 0) {
        w = 0;
        memcpy(&w, k, klen);
        h = mix(h, w);
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

apr_size_t acc_shtable_stripe(const acc_shtable_t *t, apr_uint64_t h)
{
    return (apr_size_t)h & (t->stripes - 1);
}

static apr_uint32_t tag_of(apr_uint64_t h)
{
    apr_uint32_t tag = (apr_uint32_t)(h >> 32);

    return tag ? tag : 1;
}

/* The key's sets, all in its stripe and all different: two for an
 * entry of one slot; an entry of more slots may also go in two others
 * (MORE_SETS), since two entries of more than half a set cannot share
 * one -- with only two sets each, 300 entries of 9 slots in a table of
 * 7,813 sets found both of theirs taken about once in seven fillings.
 * Lookups read the first two first.  The first `want` of them (2 or
 * MORE_SETS) into set; returns how many there are (fewer in a stripe of
 * fewer sets). */
#define MORE_SETS 4
static int sets_of(const acc_shtable_t *t, apr_uint64_t h,
                   apr_size_t set[MORE_SETS], int want)
{
    apr_size_t s = acc_shtable_stripe(t, h);
    apr_size_t a[MORE_SETS];
    apr_uint64_t h2 = (h ^ (h >> 31)) * 0x9E3779B97F4A7C15ULL;
    int n = t->per < (apr_size_t)want ? (int)t->per : want, i, j;

    a[0] = (apr_size_t)((h >> 16) % t->per);
    a[1] = (apr_size_t)((h >> 40) % (t->per - 1));
    if (a[1] >= a[0]) {
        a[1]++;
    }
    for (i = 2; i < n; i++) {
        a[i] = (apr_size_t)((h2 >> (i == 2 ? 8 : 36)) % t->per);
        for (j = 0; j < i;) {
            if (a[j] == a[i]) {
                a[i] = (a[i] + 1) % t->per;
                j = 0;
            }
            else {
                j++;
            }
        }
    }
    for (i = 0; i < n; i++) {
        set[i] = s + t->stripes * a[i];
    }
    return n;
}

static apr_uint32_t *tags_of(const acc_shtable_t *t, apr_size_t set)
{
    return t->tags + set * WAYS;
}

static head_t *head_at(const acc_shtable_t *t, apr_size_t set, apr_size_t w)
{
    return (head_t *)(t->slots + (set * WAYS + w) * SLOT);
}

/* How many slots the entry starting at w covers: 0 when its head does not
 * make sense (memory someone else wrote: it is no entry). */
static apr_size_t span(const head_t *hd, apr_size_t w)
{
    if (hd->nslots == 0 || w + hd->nslots > WAYS ||
        (apr_uint64_t)sizeof(head_t) + hd->klen + hd->vlen >
            (apr_uint64_t)hd->nslots * SLOT) {
        return 0;
    }
    return hd->nslots;
}

/* The slot where key's entry starts in set, or -1. */
static int find(const acc_shtable_t *t, apr_size_t set, apr_uint32_t tag,
                const void *key, apr_size_t klen)
{
    const apr_uint32_t *tags = tags_of(t, set);
    apr_size_t w;

    for (w = 0; w < WAYS; w++) {
        const head_t *hd;

        if (__atomic_load_n(&tags[w], __ATOMIC_ACQUIRE) != tag) {
            continue;
        }
        hd = head_at(t, set, w);
        if (span(hd, w) && hd->klen == klen && memcmp(hd + 1, key, klen) == 0) {
            return (int)w;
        }
    }
    return -1;
}

int acc_shtable_get(acc_shtable_t *t, apr_uint64_t h, const void *key,
                    apr_size_t klen, apr_time_t now, unsigned char *buf,
                    apr_size_t *len)
{
    apr_uint32_t tag = tag_of(h);
    apr_size_t set[MORE_SETS];
    int i, w, nsets;

    nsets = sets_of(t, h, set, 2);
    for (i = 0; i < nsets; i++) {
        const head_t *hd;

        if ((w = find(t, set[i], tag, key, klen)) < 0) {
            if (i == 1) {
                nsets = sets_of(t, h, set, MORE_SETS);
            }
            continue;
        }
        hd = head_at(t, set[i], (apr_size_t)w);
        if (hd->until <= now || hd->vlen > *len) {
            return 0;
        }
        memcpy(buf, (const char *)(hd + 1) + klen, hd->vlen);
        *len = hd->vlen;
        return 1;
    }
    return 0;
}

int acc_shtable_replace(acc_shtable_t *t, apr_uint64_t h, const void *key,
                        apr_size_t klen, const void *val, apr_size_t vlen,
                        apr_time_t until, apr_time_t now)
{
    apr_uint32_t tag = tag_of(h);
    apr_size_t set[MORE_SETS];
    int i, w, nsets;

    nsets = sets_of(t, h, set, MORE_SETS);
    for (i = 0; i < nsets; i++) {
        if ((w = find(t, set[i], tag, key, klen)) >= 0 &&
            head_at(t, set[i], (apr_size_t)w)->until > now) {
            return acc_shtable_put(t, h, key, klen, val, vlen, until, now);
        }
    }
    return 0;
}

void acc_shtable_remove(acc_shtable_t *t, apr_uint64_t h, const void *key,
                        apr_size_t klen)
{
    apr_uint32_t tag = tag_of(h);
    apr_size_t set[MORE_SETS];
    int i, w, nsets;

    nsets = sets_of(t, h, set, MORE_SETS);
    for (i = 0; i < nsets; i++) {
        if ((w = find(t, set[i], tag, key, klen)) >= 0) {
            __atomic_store_n(&tags_of(t, set[i])[w], 0, __ATOMIC_RELEASE);
        }
    }
}

/* busy[w]: when the live entry covering slot w expires, 0 when none does.
 * Returns how many slots are free. */
static int occupancy(const acc_shtable_t *t, apr_size_t set, apr_time_t now,
                     apr_int64_t busy[WAYS])
{
    const apr_uint32_t *tags = tags_of(t, set);
    apr_size_t w, j, n;
    int nfree = 0;

    memset(busy, 0, WAYS * sizeof(busy[0]));
    for (w = 0; w < WAYS; w++) {
        const head_t *hd = head_at(t, set, w);

        if (tags[w] == 0 || (n = span(hd, w)) == 0 || hd->until <= now) {
            continue;
        }
        for (j = w; j < w + n; j++) {
            busy[j] = hd->until;
        }
    }
    for (w = 0; w < WAYS; w++) {
        nfree += busy[w] == 0;
    }
    return nfree;
}

/* Untag every entry that covers a slot of [first, first + n). */
static void evict(acc_shtable_t *t, apr_size_t set, apr_size_t first,
                  apr_size_t n)
{
    apr_uint32_t *tags = tags_of(t, set);
    apr_size_t w, cover;

    for (w = 0; w < first + n; w++) {
        if (tags[w] == 0) {
            continue;
        }
        cover = span(head_at(t, set, w), w);
        if (w + (cover ? cover : 1) > first) {
            __atomic_store_n(&tags[w], 0, __ATOMIC_RELEASE);
        }
    }
}

int acc_shtable_put(acc_shtable_t *t, apr_uint64_t h, const void *key,
                    apr_size_t klen, const void *val, apr_size_t vlen,
                    apr_time_t until, apr_time_t now)
{
    apr_size_t set[MORE_SETS], n, w, j, best_set = 0, best_w = 0;
    apr_int64_t busy[WAYS], cost, best_cost = -1;
    int i, nfree, best_free = -1, nsets;
    head_t *hd;

    acc_shtable_remove(t, h, key, klen);
    if (klen > ACC_SHTABLE_MAX || vlen > ACC_SHTABLE_MAX - klen) {
        return 0;
    }
    n = (sizeof(head_t) + klen + vlen + SLOT - 1) / SLOT;
    nsets = sets_of(t, h, set, n == 1 ? 2 : MORE_SETS);
    /* The cheapest run of n slots: free ones (in the emptier set), else
     * those whose entries expire first.  In the first two sets; an entry
     * of more slots that finds no free run there looks in the others. */
    for (i = 0; i < nsets; i++) {
        if (i >= 2 && best_cost == 0) {
            break;
        }
        nfree = occupancy(t, set[i], now, busy);
        for (w = 0; w + n <= WAYS; w++) {
            for (cost = 0, j = w; j < w + n; j++) {
                cost = busy[j] > cost ? busy[j] : cost;
            }
            if (best_cost < 0 || cost < best_cost ||
                (cost == best_cost && nfree > best_free)) {
                best_cost = cost;
                best_free = nfree;
                best_set = set[i];
                best_w = w;
            }
        }
    }
    evict(t, best_set, best_w, n);
    hd = head_at(t, best_set, best_w);
    hd->until = until;
    hd->vlen = (apr_uint32_t)vlen;
    hd->klen = (apr_uint16_t)klen;
    hd->nslots = (apr_uint16_t)n;
    memcpy(hd + 1, key, klen);
    memcpy((char *)(hd + 1) + klen, val, vlen);
    /* Last: until now no tag named these slots. */
    __atomic_store_n(&tags_of(t, best_set)[best_w], tag_of(h),
                     __ATOMIC_RELEASE);
    return 1;
}

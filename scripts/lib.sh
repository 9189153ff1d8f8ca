# scripts/lib.sh -- what scripts/test, scripts/demo and scripts/bench share:
# the Debian packages, installing the missing ones, and the build.

# Build and test dependencies, and why:
#   autoconf automake libtool pkgconf  the autotools build (pkgconf's
#                                      pkg.m4 must exist before autoreconf)
#   apache2-dev                        apxs, httpd and APR headers
#   apache2-bin                        httpd itself and mod_dbd
#   libaprutil1-dbd-pgsql              apr_dbd's PostgreSQL driver
#   libpq-dev                          libpq for the session cache's change
#                                      listener (LISTEN: apr_dbd has no
#                                      notices)
#   libargon2-dev                      argon2id password hashing
#   nettle-dev                         SHA-256 and HMAC-SHA256 on every
#                                      guarded request (no allocation per
#                                      hash, the CPU's SHA instructions)
#   libssl-dev libcrypt-dev            Django's other password hashes:
#                                      PBKDF2 and scrypt from libcrypto,
#                                      bcrypt from libxcrypt; the second
#                                      factor's sealed key (AES-GCM)
#   libjansson-dev zlib1g-dev          Django's session data: JSON, maybe
#                                      zlib-compressed
#   libqrencode-dev                    the second factor's QR code
#   help2man                           man accountsctl, made from its --help
#   oathtool zbar-tools librsvg2-bin   the suite computes TOTP codes on its
#                                      own (oathtool) and reads the QR code
#                                      back (rsvg-convert, zbarimg)
#   python3-django python3-argon2      a real Django for the suite
#   python3-bcrypt                     (t/django/manage.py) with every
#   python3-psycopg2                   hasher it can be configured with,
#                                      and its tables on PostgreSQL
#   libutf8proc-dev                    NFKC, Unicode categories, case folding
#   libcmocka-dev                      the C unit tests
#   libapache2-mod-perl2               Apache::Test (and LWP) for the suite
#   postgresql-15                      the throwaway database server
#   memcached                          a shared session cache for two
#                                      servers (t/86-memcache.t)
#   msmtp python3-aiosmtpd             mail in the suite and the demo: msmtp is
#                                      the sendmail-compatible command,
#                                      scripts/smtpcatch (aiosmtpd) the SMTP
#                                      server that catches what it sends
#   chromium                           the browser tests (t/96-browser.t):
#                                      Debian's Chromium, driven by
#                                      playwright-core from npm (node and
#                                      npm: acc_browser_deps)
#   clang libclang-rt-14-dev llvm-14   the libFuzzer targets (scripts/fuzz,
#                                      which scripts/test runs): clang 14,
#                                      its libFuzzer, ASan and UBSan
#                                      runtimes (only recommended by
#                                      clang), and llvm-symbolizer for
#                                      readable crash stacks
ACC_PACKAGES="autoconf automake libtool pkgconf apache2-dev apache2-bin \
libaprutil1-dbd-pgsql libpq-dev libargon2-dev nettle-dev libutf8proc-dev libcmocka-dev \
libssl-dev libcrypt-dev libjansson-dev zlib1g-dev libqrencode-dev help2man \
oathtool zbar-tools librsvg2-bin python3-django python3-argon2 python3-bcrypt python3-psycopg2 \
libapache2-mod-perl2 postgresql-15 memcached msmtp python3-aiosmtpd chromium \
clang libclang-rt-14-dev llvm-14"

# acc_browser_deps -- what t/96-browser.t needs besides Chromium: node and
# npm (Debian's nodejs and npm when there is no node yet), and
# t/browser/node_modules from npm, exactly as t/browser/package-lock.json
# pins it (again when the lock file changed).
acc_browser_deps() {
    if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
        acc_install_packages nodejs npm || return 1
    fi
    local stamp=t/browser/node_modules/.lock-installed
    if [ ! -f "$stamp" ] || ! cmp -s t/browser/package-lock.json "$stamp"; then
        echo "installing the browser tests' npm packages (t/browser)"
        (cd t/browser && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || return 1
        cp t/browser/package-lock.json "$stamp"
    fi
}

# acc_install_packages [EXTRA...] -- install what is missing; as non-root,
# print the one apt-get line to run and fail.
acc_install_packages() {
    local want="$ACC_PACKAGES $*" missing
    missing=$(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' $want 2>/dev/null \
        | awk '$1=="ii"{print $2}' | sort \
        | comm -13 - <(tr ' ' '\n' <<<"$want" | grep . | sort -u) || true)
    [ -z "$missing" ] && return 0
    missing=$(echo $missing)
    if [ "$(id -u)" != 0 ]; then
        echo "missing Debian packages; as root, run:" >&2
        echo "  apt-get install -y --no-install-recommends $missing" >&2
        return 1
    fi
    echo "installing: $missing"
    export DEBIAN_FRONTEND=noninteractive
    # The packages' own services (a system PostgreSQL, memcached) are not
    # started: the scripts start what they need and stop it again.
    local policy=/usr/sbin/policy-rc.d made_policy=0
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod 755 "$policy" && made_policy=1
    fi
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends $missing </dev/null >/dev/null
    local rc=$?
    [ "$made_policy" = 1 ] && rm -f "$policy"
    return $rc
}

# acc_build [CONFIGURE ARGS...] -- autoreconf, configure (again only when
# its arguments changed), make.  Warnings are errors.
acc_build() {
    local args="--enable-werror $*" stamp=.acc-configure-args
    if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt configure ]; then
        autoreconf -fi >/dev/null 2>&1 || autoreconf -fiv || return 1
    fi
    if [ ! -f Makefile ] || [ "$(cat "$stamp" 2>/dev/null)" != "$args" ]; then
        if [ -f Makefile ]; then make -s clean >/dev/null 2>&1 || true; fi
        ./configure -q $args || return 1
        echo "$args" > "$stamp"
    fi
    make -s -j"$(nproc)" >/dev/null || return 1
    make -s -j"$(nproc)" unit-build >/dev/null || return 1
    make -s t/TEST >/dev/null || return 1
}

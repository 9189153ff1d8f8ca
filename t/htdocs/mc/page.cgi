#!/bin/sh
# For t/36-modcache.t: a page that differs per user and per request, and
# that asks every cache, shared ones included, to keep it for ten minutes.
printf 'Content-Type: text/plain\r\n'
printf 'Cache-Control: public, max-age=600\r\n'
printf '\r\n'
printf 'REMOTE_USER=%s\n' "$REMOTE_USER"
printf 'SERIAL=%s-%s\n' "$(date +%s%N)" "$$"

#!/bin/sh
# What a CGI behind the guard is told about the user.
printf 'Content-Type: text/plain\r\n\r\n'
printf 'REMOTE_USER=%s\n' "$REMOTE_USER"
printf 'AUTH_TYPE=%s\n' "$AUTH_TYPE"
printf 'HTTP_X_REMOTE_USER=%s\n' "$HTTP_X_REMOTE_USER"
printf 'HTTP_X_REMOTE_EMAIL=%s\n' "$HTTP_X_REMOTE_EMAIL"
printf 'HTTP_X_REMOTE_GROUPS=%s\n' "$HTTP_X_REMOTE_GROUPS"
printf 'REMOTE_EMAIL=%s\n' "$REMOTE_EMAIL"
printf 'REMOTE_GROUPS=%s\n' "$REMOTE_GROUPS"
env | grep -i 'remote.user\|remote.email\|remote.groups' | sed 's/^/ENV:/'

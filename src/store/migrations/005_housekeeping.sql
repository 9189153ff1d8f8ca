-- src/store/migrations/005_housekeeping.sql -- schema step 5:
-- housekeeping off the request path, in bounded batches, through indexes
-- (never a scan of the whole session table).
CREATE INDEX accounts_session_last_seen ON accounts_session (last_seen);
CREATE INDEX accounts_throttle_last_failure
  ON accounts_throttle (last_failure);
-- One batch: at most n expired sessions (and, when idle > 0, sessions
-- idle longer than idle seconds), n throttle rows that ended a day ago and
-- n mail rows that ended 30 days ago are deleted (each row's condition
-- checked again as it is deleted: one a request just touched stays).  One
-- caller at a time
-- (a transaction-level advisory lock): the others get sessions = -1 at
-- once and delete nothing.
CREATE FUNCTION accounts_housekeeping(n int, idle bigint, OUT sessions int,
  OUT throttle int, OUT mail int) LANGUAGE plpgsql AS $f$ DECLARE c integer; BEGIN  sessions := 0; throttle := 0; mail := 0;  IF NOT pg_try_advisory_xact_lock(8317001) THEN sessions := -1; RETURN; END IF;  DELETE FROM accounts_session WHERE token_hash IN (SELECT token_hash FROM accounts_session WHERE expires <= now() ORDER BY expires LIMIT n) AND expires <= now();  GET DIAGNOSTICS c = ROW_COUNT; sessions := c;  IF idle > 0 THEN   DELETE FROM accounts_session WHERE token_hash IN (SELECT token_hash FROM accounts_session WHERE last_seen <= now() - make_interval(secs => idle) ORDER BY last_seen LIMIT n) AND last_seen <= now() - make_interval(secs => idle);   GET DIAGNOSTICS c = ROW_COUNT; sessions := sessions + c;  END IF;  DELETE FROM accounts_throttle WHERE (kind, key) IN (SELECT kind, key FROM accounts_throttle WHERE last_failure < now() - interval '1 day' AND (locked_until IS NULL OR locked_until < now()) ORDER BY last_failure LIMIT n) AND last_failure < now() - interval '1 day' AND (locked_until IS NULL OR locked_until < now());  GET DIAGNOSTICS c = ROW_COUNT; throttle := c;  DELETE FROM accounts_mail WHERE id IN (SELECT id FROM accounts_mail WHERE created < now() - interval '30 days' AND state <> 'queued' ORDER BY created LIMIT n) AND state <> 'queued';  GET DIAGNOSTICS c = ROW_COUNT; mail := c; END $f$;

-- src/store/migrations/003_throttle_audit.sql -- schema step 3: throttling
-- state, the addresses users logged in from, and the audit trail of
-- authentication events (kept apart from the throttle state: one is
-- evidence, the other expires).
CREATE TABLE accounts_throttle (
  kind varchar(8) NOT NULL, -- user, addr, reg
  key varchar(600) NOT NULL,
  failures integer NOT NULL DEFAULT 0,
  last_failure timestamptz NOT NULL DEFAULT now(),
  locked_until timestamptz NULL,
  PRIMARY KEY (kind, key)
);
CREATE INDEX accounts_throttle_key ON accounts_throttle (key);
-- accounts_user_address: the addresses users logged in from, once the
-- throttle's "known address" (any address is shared behind a NAT);
-- device tokens (device.h) took its place.  Unused; a later migration
-- drops it.
CREATE TABLE accounts_user_address (
  user_id bigint NOT NULL REFERENCES accounts_user(id)
    ON DELETE CASCADE,
  address varchar(64) NOT NULL,
  last_login timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, address)
);
CREATE TABLE accounts_audit (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  event varchar(32) NOT NULL,
  username text NOT NULL DEFAULT '',
  address varchar(64) NOT NULL DEFAULT '',
  user_agent text NOT NULL DEFAULT ''
);
CREATE INDEX accounts_audit_at ON accounts_audit (at);
CREATE INDEX accounts_audit_username ON accounts_audit (username);
-- Each function's body stays on one line: PostgreSQL keeps a body's text
-- as it was sent (pg_dump prints it), and this is the text every database
-- migrated so far holds.
-- An attempt for (kind, key), taken under the row's lock so that
-- attempts sent at the same moment are counted one by one: refused
-- (the seconds to wait) while the key is locked; else counted (afresh
-- when the last was `forget` seconds ago) and, from the free-th on,
-- the key is locked for 1 s doubling, at most maxdelay; returns 0.
CREATE FUNCTION accounts_throttle_try(k text, kk text, forget int,
  free int, maxdelay int) RETURNS integer LANGUAGE plpgsql AS $f$ DECLARE n integer; lf timestamptz; lk timestamptz; w integer := 0; BEGIN  INSERT INTO accounts_throttle (kind, key, failures, last_failure)  VALUES (k, kk, 0, now()) ON CONFLICT (kind, key) DO NOTHING;  SELECT failures, last_failure, locked_until INTO n, lf, lk  FROM accounts_throttle WHERE kind = k AND key = kk FOR UPDATE;  IF lk > now() THEN   RETURN greatest(1, ceil(extract(epoch from lk - now())))::int;  END IF;  IF lf < now() - forget * interval '1s' THEN n := 0; END IF;  n := n + 1;  IF free > 0 AND n >= free THEN   w := least(maxdelay, power(2, least(n - free, 30))::bigint)::int;  END IF;  UPDATE accounts_throttle SET failures = n, last_failure = now(),   locked_until = CASE WHEN w > 0 THEN now() + w * interval '1s' END  WHERE kind = k AND key = kk;  RETURN 0; END $f$;
-- The same for a fixed window of win seconds and lim events (the
-- window's start kept in last_failure); locked to the window's end
-- at the lim-th.
CREATE FUNCTION accounts_throttle_try_window(k text, kk text, win int,
  lim int) RETURNS integer LANGUAGE plpgsql AS $f$ DECLARE n integer; lf timestamptz; lk timestamptz; BEGIN  INSERT INTO accounts_throttle (kind, key, failures, last_failure)  VALUES (k, kk, 0, now()) ON CONFLICT (kind, key) DO NOTHING;  SELECT failures, last_failure, locked_until INTO n, lf, lk  FROM accounts_throttle WHERE kind = k AND key = kk FOR UPDATE;  IF lk > now() THEN   RETURN greatest(1, ceil(extract(epoch from lk - now())))::int;  END IF;  IF lf < now() - win * interval '1s' OR n = 0 THEN   n := 0; lf := now();  END IF;  n := n + 1;  UPDATE accounts_throttle SET failures = n, last_failure = lf,   locked_until = CASE WHEN lim > 0 AND n >= lim    THEN lf + win * interval '1s' END  WHERE kind = k AND key = kk;  RETURN 0; END $f$;

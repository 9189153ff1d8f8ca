-- src/store/migrations/006_login_round_trip.sql -- schema step 6: a
-- login in one call before its hash and one after it.
-- The user's row is read and the attempt counted -- the address's count,
-- then the browser's device count (when p_device names a token made for
-- this very account: its id and join time) or else the username's -- as
-- accounts_throttle_try counts them; a refusal by the second gives the
-- address its attempt back.  user_id is NULL when there is no such user.
-- The commit does not wait for the disk (synchronous_commit off for this
-- transaction only): every other attempt sees the counts at once; only a
-- crash of PostgreSQL itself could forget the last fraction of a second
-- of them.  The body stays on one line (see 003).
CREATE FUNCTION accounts_login_begin(p_username text, p_addr text,
  p_addr_forget int, p_addr_free int, p_user_key text, p_user_forget int,
  p_user_free int, p_maxdelay int, p_device text, p_device_user bigint,
  p_device_joined bigint, OUT wait int, OUT by_device int,
  OUT user_id bigint) LANGUAGE plpgsql AS $f$ DECLARE joined bigint; BEGIN  PERFORM set_config('synchronous_commit', 'off', true);  wait := 0; by_device := 0;  SELECT u.id, extract(epoch from u.date_joined)::bigint INTO user_id, joined  FROM accounts_user u WHERE u.username = p_username;  IF p_addr_free > 0 THEN   wait := accounts_throttle_try('addr', p_addr, p_addr_forget, p_addr_free, p_maxdelay);   IF wait > 0 THEN RETURN; END IF;  END IF;  IF p_user_free <= 0 THEN RETURN; END IF;  IF p_device <> '' AND user_id = p_device_user AND joined = p_device_joined THEN by_device := 1; END IF;  wait := accounts_throttle_try(CASE WHEN by_device = 1 THEN 'device' ELSE 'user' END, CASE WHEN by_device = 1 THEN p_device ELSE p_user_key END, p_user_forget, p_user_free, p_maxdelay);  IF wait > 0 AND p_addr_free > 0 THEN   UPDATE accounts_throttle SET failures = greatest(failures - 1, 0),   locked_until = CASE WHEN failures - 1 < p_addr_free THEN NULL ELSE locked_until END   WHERE kind = 'addr' AND key = p_addr;  END IF; END $f$;
-- What a login writes after its hash, in one call: the address's
-- attempt given back (p_addr_free 0: none) and the count of (p_kind,
-- p_key) forgotten (p_kind '': none), in the order accounts_login_begin
-- locked them; the password hash replaced (p_rehash '': kept); when
-- p_session is set, last_login, the browser's old session (p_old '':
-- none) deleted and the new one stored; the audit row.  One commit that
-- does not wait for the disk: a crash of PostgreSQL itself right after it
-- could lose the session (its user logs in again), last_login, the audit
-- row or a re-made hash (the old one still verifies).
CREATE FUNCTION accounts_login_end(p_user_id bigint, p_rehash text,
  p_addr text, p_addr_free int, p_kind text, p_key text, p_old text,
  p_session text, p_max_age bigint, p_address text, p_user_agent text,
  p_persistent int, p_event text, p_username text, p_audit_address text,
  p_audit_user_agent text) RETURNS void LANGUAGE plpgsql AS $f$ BEGIN  PERFORM set_config('synchronous_commit', 'off', true);  IF p_addr_free > 0 THEN   UPDATE accounts_throttle SET failures = greatest(failures - 1, 0),   locked_until = CASE WHEN failures - 1 < p_addr_free THEN NULL ELSE locked_until END   WHERE kind = 'addr' AND key = p_addr;  END IF;  IF p_kind <> '' THEN   DELETE FROM accounts_throttle WHERE kind = p_kind AND key = p_key;  END IF;  IF p_rehash <> '' THEN   UPDATE accounts_user SET password = p_rehash WHERE id = p_user_id;  END IF;  IF p_session <> '' THEN   UPDATE accounts_user SET last_login = now() WHERE id = p_user_id;   IF p_old <> '' THEN DELETE FROM accounts_session WHERE token_hash = p_old; END IF;   INSERT INTO accounts_session (token_hash, user_id, expires, address,   user_agent, persistent) VALUES (p_session, p_user_id,   now() + make_interval(secs => p_max_age), p_address, p_user_agent,   p_persistent = 1);  END IF;  INSERT INTO accounts_audit (event, username, address, user_agent)  VALUES (p_event, p_username, p_audit_address, p_audit_user_agent); END $f$;

-- src/store/migrations/006_login_round_trip.sql -- schema step 6: what a
-- login needs before its hash, in one call.
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

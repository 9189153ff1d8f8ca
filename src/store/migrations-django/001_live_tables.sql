-- src/store/migrations-django/001_live_tables.sql -- live tables, step 1
-- (`accountsctl migrate --django`, AccountsUserSchema django): from here
-- on mod_accounts reads and writes the Django site's own auth_user,
-- auth_group, auth_permission (a permission is app_label.codename through
-- django_content_type) and the tables that link them; its sessions,
-- throttle, audit, mail and profile tables stay its own and point at
-- auth_user.  Django's tables gain no column, only what is below: two
-- indexes, a few triggers, and a side table.  Run after mod_accounts' own
-- steps (the functions and tables they make are used here) and after
-- Django's migrate (auth and contenttypes).  accountsctl says in words
-- what would make a statement below fail (names that differ only in
-- case, users in our own table) before it runs them.
--
-- accounts_user is not used in live mode: a database holding users there
-- is refused (their sessions would point at other people's ids), and the
-- table is retired for good, so that an httpd still running on our own
-- tables (its connections prepared before this step) fails loudly rather
-- than registering users whose ids would be Django's users'.  The lock
-- keeps a registration from slipping in between the check and the rest.
LOCK TABLE accounts_user IN ACCESS EXCLUSIVE MODE;
DO $c$ BEGIN IF EXISTS (SELECT 1 FROM accounts_user) THEN RAISE EXCEPTION 'accounts_user holds users: live tables need an empty mod_accounts user table'; END IF; END $c$;
CREATE FUNCTION accounts_user_retired() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN  RAISE EXCEPTION 'accounts_user is retired: this database keeps its users in the Django site''s auth_user (AccountsUserSchema django)'; END $f$;
CREATE TRIGGER accounts_user_retired BEFORE INSERT OR UPDATE ON accounts_user
  FOR EACH ROW EXECUTE FUNCTION accounts_user_retired();
-- What Django's table lacks: whether the address was verified here and an
-- address waiting for its verification.  A user without a row (one the
-- Django site made) counts as verified: Django has no verification.
CREATE TABLE accounts_django_user (
  user_id bigint PRIMARY KEY REFERENCES auth_user(id) ON DELETE CASCADE,
  email_verified boolean NOT NULL DEFAULT false,
  pending_email varchar(254) NOT NULL DEFAULT ''
);
CREATE INDEX accounts_django_user_pending_email_lower
  ON accounts_django_user (lower(pending_email)) WHERE pending_email <> '';
-- Our rows that name a user name one of Django's (a user Django deletes
-- takes them along; Django's ORM does not know of them): every foreign
-- key to accounts_user now points at auth_user.  A later step of ours
-- that makes a table naming a user points it at auth_user itself when
-- accounts_django_schema has a row (as step 9 does).
DO $d$ DECLARE c record; BEGIN  FOR c IN SELECT k.conrelid::regclass AS tbl, k.conname, a.attname FROM pg_constraint k JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1] WHERE k.contype = 'f' AND k.confrelid = 'accounts_user'::regclass LOOP   EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I, ADD CONSTRAINT %I FOREIGN KEY (%I) REFERENCES auth_user(id) ON DELETE CASCADE', c.tbl, c.conname, c.conname, c.attname);  END LOOP; END $d$;
-- Usernames unique in any case, whichever side registers, even at the
-- same moment (Django's own check is a SELECT before its INSERT).  The
-- comparison is accounts_username_fold: upper() under ICU's root locale
-- where PostgreSQL has ICU (full Unicode case mapping: "Straße" and
-- "STRASSE", "Émile" and "émile" are one name whatever the database's
-- own locale), else upper() in the database's locale.  Registration
-- here asks the same function.
DO $u$ BEGIN  IF EXISTS (SELECT 1 FROM pg_collation WHERE collname = 'und-x-icu') THEN   CREATE FUNCTION accounts_username_fold(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$ SELECT upper(t COLLATE "und-x-icu") $f$;  ELSE   CREATE FUNCTION accounts_username_fold(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$ SELECT upper(t) $f$;  END IF; END $u$;
CREATE UNIQUE INDEX accounts_auth_user_username_upper
  ON auth_user (accounts_username_fold(username));
-- Password reset and verification look users up by address.
CREATE INDEX accounts_auth_user_email_lower ON auth_user (lower(email));
-- Every change the session caches must hear of (see step 7), made by
-- either side.
CREATE TRIGGER accounts_user_groups_changed AFTER INSERT OR UPDATE OR DELETE
  ON auth_user_groups FOR EACH ROW EXECUTE FUNCTION accounts_notify_user();
CREATE TRIGGER accounts_user_permissions_changed AFTER INSERT OR UPDATE OR
  DELETE ON auth_user_user_permissions FOR EACH ROW
  EXECUTE FUNCTION accounts_notify_user();
CREATE TRIGGER accounts_group_changed AFTER UPDATE OR DELETE ON auth_group
  FOR EACH STATEMENT EXECUTE FUNCTION accounts_notify_all();
CREATE TRIGGER accounts_group_permissions_changed AFTER INSERT OR UPDATE OR
  DELETE ON auth_group_permissions FOR EACH STATEMENT
  EXECUTE FUNCTION accounts_notify_all();
CREATE TRIGGER accounts_permission_changed AFTER UPDATE OR DELETE ON
  auth_permission FOR EACH STATEMENT EXECUTE FUNCTION accounts_notify_all();
CREATE TRIGGER accounts_content_type_changed AFTER UPDATE OR DELETE ON
  django_content_type FOR EACH STATEMENT
  EXECUTE FUNCTION accounts_notify_all();
-- A change to a user (either side's) is announced to the session caches
-- as step 7 does for our own table, and a password changed on the Django
-- site ends the user's sessions here, as it ends their other sessions
-- there (Django ties a session to the hash).  mod_accounts' own writes of
-- a hash (a password change, a reset, a re-made hash) end what they mean
-- to end themselves and say so with the transaction's
-- accounts.own_password.  One trigger, comparing in its body: a trigger
-- whose definition names columns (WHEN, UPDATE OF) would stop Django's
-- migrations from changing their types.  It runs as its owner, so that
-- the Django site's role needs no rights on our sessions: its
-- search_path is fixed (pg_catalog, then the temporary schema last) and
-- our table named with its schema, so nobody's objects stand in for
-- ours; nobody may call it but the trigger.
DO $t$ BEGIN  EXECUTE format($q$CREATE FUNCTION accounts_django_user_changed() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$ BEGIN  IF TG_OP = 'DELETE' THEN   PERFORM pg_notify('accounts_change', OLD.id::text);   RETURN NULL;  END IF;  IF (OLD.username, OLD.email, OLD.first_name, OLD.last_name, OLD.is_active, OLD.is_staff, OLD.is_superuser, OLD.date_joined, OLD.last_login) IS DISTINCT FROM (NEW.username, NEW.email, NEW.first_name, NEW.last_name, NEW.is_active, NEW.is_staff, NEW.is_superuser, NEW.date_joined, NEW.last_login) THEN   PERFORM pg_notify('accounts_change', OLD.id::text);  END IF;  IF OLD.password IS DISTINCT FROM NEW.password AND coalesce(current_setting('accounts.own_password', true), '') <> '1' THEN   DELETE FROM %I.accounts_session WHERE user_id = NEW.id;  END IF;  RETURN NULL; END $f$$q$, current_schema()); END $t$;
REVOKE EXECUTE ON FUNCTION accounts_django_user_changed() FROM PUBLIC;
CREATE TRIGGER accounts_user_changed AFTER UPDATE OR DELETE ON auth_user
  FOR EACH ROW EXECUTE FUNCTION accounts_django_user_changed();
-- Step 6's login calls, on Django's user table (the bodies as there, on
-- one line).
CREATE FUNCTION accounts_django_login_begin(p_username text, p_addr text,
  p_addr_forget int, p_addr_free int, p_user_key text, p_user_forget int,
  p_user_free int, p_maxdelay int, p_device text, p_device_user bigint,
  p_device_joined bigint, OUT wait int, OUT by_device int,
  OUT user_id bigint) LANGUAGE plpgsql AS $f$ DECLARE joined bigint; BEGIN  PERFORM set_config('synchronous_commit', 'off', true);  wait := 0; by_device := 0;  SELECT u.id, extract(epoch from u.date_joined)::bigint INTO user_id, joined  FROM auth_user u WHERE u.username = p_username;  IF p_addr_free > 0 THEN   wait := accounts_throttle_try('addr', p_addr, p_addr_forget, p_addr_free, p_maxdelay);   IF wait > 0 THEN RETURN; END IF;  END IF;  IF p_user_free <= 0 THEN RETURN; END IF;  IF p_device <> '' AND user_id = p_device_user AND joined = p_device_joined THEN by_device := 1; END IF;  wait := accounts_throttle_try(CASE WHEN by_device = 1 THEN 'device' ELSE 'user' END, CASE WHEN by_device = 1 THEN p_device ELSE p_user_key END, p_user_forget, p_user_free, p_maxdelay);  IF wait > 0 AND p_addr_free > 0 THEN   UPDATE accounts_throttle SET failures = greatest(failures - 1, 0),   locked_until = CASE WHEN failures - 1 < p_addr_free THEN NULL ELSE locked_until END   WHERE kind = 'addr' AND key = p_addr;  END IF; END $f$;
CREATE FUNCTION accounts_django_login_end(p_user_id bigint, p_rehash text,
  p_addr text, p_addr_free int, p_kind text, p_key text, p_old text,
  p_session text, p_max_age bigint, p_address text, p_user_agent text,
  p_persistent int, p_event text, p_username text, p_audit_address text,
  p_audit_user_agent text) RETURNS void LANGUAGE plpgsql AS $f$ BEGIN  PERFORM set_config('synchronous_commit', 'off', true);  IF p_addr_free > 0 THEN   UPDATE accounts_throttle SET failures = greatest(failures - 1, 0),   locked_until = CASE WHEN failures - 1 < p_addr_free THEN NULL ELSE locked_until END   WHERE kind = 'addr' AND key = p_addr;  END IF;  IF p_kind <> '' THEN   DELETE FROM accounts_throttle WHERE kind = p_kind AND key = p_key;  END IF;  IF p_rehash <> '' THEN   PERFORM set_config('accounts.own_password', '1', true);   UPDATE auth_user SET password = p_rehash WHERE id = p_user_id;  END IF;  IF p_session <> '' THEN   UPDATE auth_user SET last_login = now() WHERE id = p_user_id;   IF p_old <> '' THEN DELETE FROM accounts_session WHERE token_hash = p_old; END IF;   INSERT INTO accounts_session (token_hash, user_id, expires, address,   user_agent, persistent) VALUES (p_session, p_user_id,   now() + make_interval(secs => p_max_age), p_address, p_user_agent,   p_persistent = 1);  END IF;  INSERT INTO accounts_audit (event, username, address, user_agent)  VALUES (p_event, p_username, p_audit_address, p_audit_user_agent); END $f$;

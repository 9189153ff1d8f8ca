-- src/store/migrations/007_change_notices.sql -- schema step 7: every
-- change to what a session lookup answers is announced on the channel
-- accounts_change (NOTIFY), so the session caches of every httpd can
-- drop what they hold about it within a moment instead of trusting it
-- for a fixed time.  The payload is the user's id, or '*' when a change
-- may touch many users (a group renamed, a group's permissions, a
-- permission's codename).  Notices are sent at commit, never for a
-- transaction rolled back, and PostgreSQL sends one per distinct payload
-- per transaction.  Deleting an already expired session says nothing
-- (the caches refuse it by its expiry anyway): housekeeping's batches
-- stay quiet.  The bodies stay on one line (see 003).
CREATE FUNCTION accounts_notify_user() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN  IF TG_OP = 'DELETE' THEN   PERFORM pg_notify('accounts_change', OLD.user_id::text);   RETURN OLD;  END IF;  PERFORM pg_notify('accounts_change', NEW.user_id::text);  IF TG_OP = 'UPDATE' AND OLD.user_id <> NEW.user_id THEN   PERFORM pg_notify('accounts_change', OLD.user_id::text);  END IF;  RETURN NEW; END $f$;
CREATE FUNCTION accounts_notify_account() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN  PERFORM pg_notify('accounts_change', OLD.id::text);  RETURN NULL; END $f$;
CREATE FUNCTION accounts_notify_all() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN  PERFORM pg_notify('accounts_change', '*');  RETURN NULL; END $f$;
CREATE TRIGGER accounts_user_changed AFTER UPDATE ON accounts_user
  FOR EACH ROW WHEN ((OLD.username, OLD.email, OLD.first_name,
  OLD.last_name, OLD.is_active, OLD.is_staff, OLD.is_superuser,
  OLD.date_joined, OLD.last_login) IS DISTINCT FROM (NEW.username,
  NEW.email, NEW.first_name, NEW.last_name, NEW.is_active, NEW.is_staff,
  NEW.is_superuser, NEW.date_joined, NEW.last_login))
  EXECUTE FUNCTION accounts_notify_account();
CREATE TRIGGER accounts_user_deleted AFTER DELETE ON accounts_user
  FOR EACH ROW EXECUTE FUNCTION accounts_notify_account();
CREATE TRIGGER accounts_session_ended AFTER DELETE ON accounts_session
  FOR EACH ROW WHEN (OLD.expires > now())
  EXECUTE FUNCTION accounts_notify_user();
CREATE TRIGGER accounts_session_changed AFTER UPDATE OF user_id, expires
  ON accounts_session FOR EACH ROW EXECUTE FUNCTION accounts_notify_user();
CREATE TRIGGER accounts_user_groups_changed AFTER INSERT OR UPDATE OR DELETE
  ON accounts_user_groups FOR EACH ROW EXECUTE FUNCTION accounts_notify_user();
CREATE TRIGGER accounts_user_permissions_changed AFTER INSERT OR UPDATE OR
  DELETE ON accounts_user_permissions FOR EACH ROW
  EXECUTE FUNCTION accounts_notify_user();
CREATE TRIGGER accounts_group_changed AFTER UPDATE OR DELETE ON accounts_group
  FOR EACH STATEMENT EXECUTE FUNCTION accounts_notify_all();
CREATE TRIGGER accounts_group_permissions_changed AFTER INSERT OR UPDATE OR
  DELETE ON accounts_group_permissions FOR EACH STATEMENT
  EXECUTE FUNCTION accounts_notify_all();
CREATE TRIGGER accounts_permission_changed AFTER UPDATE OR DELETE ON
  accounts_permission FOR EACH STATEMENT EXECUTE FUNCTION accounts_notify_all();

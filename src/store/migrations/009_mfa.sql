-- src/store/migrations/009_mfa.sql -- schema step 9: a second factor
-- (TOTP) and its recovery codes.
--
-- accounts_mfa: a user's authenticator secret, sealed (AES-256-GCM under
-- a key derived from the site's secret key, bound to the user's id: a
-- copy of the table gives no secret away); confirmed is when the user
-- proved their app makes its codes (NULL: set up, never confirmed, never
-- asked for); setup_session the session that began an unconfirmed setup
-- (only it sees the secret and confirms it, for ten minutes: another
-- session of the user cannot read a secret the user is about to
-- confirm); last_step the last 30-second step a code was taken for (a
-- code is good once).  accounts_mfa_recovery: one-time recovery codes,
-- as HMACs under another derived key.  accounts_session.mfa_at: when the
-- session passed a second factor (NULL: it did not), for Require
-- account-mfa.  A database that keeps its users in the Django site's
-- tables (accountsctl migrate --django) gets the same tables pointing
-- at auth_user.
DO $d$ DECLARE live boolean := false; users text; BEGIN  IF to_regclass('accounts_django_schema') IS NOT NULL THEN   EXECUTE 'SELECT EXISTS (SELECT 1 FROM accounts_django_schema)' INTO live;  END IF;  users := CASE WHEN live THEN 'auth_user' ELSE 'accounts_user' END;  EXECUTE format('CREATE TABLE accounts_mfa (user_id bigint PRIMARY KEY REFERENCES %I(id) ON DELETE CASCADE, secret varchar(200) NOT NULL, setup_session char(64) NULL, confirmed timestamptz NULL, last_step bigint NOT NULL DEFAULT 0, created timestamptz NOT NULL DEFAULT now())', users);  EXECUTE format('CREATE TABLE accounts_mfa_recovery (user_id bigint NOT NULL REFERENCES %I(id) ON DELETE CASCADE, code_hash char(64) NOT NULL, PRIMARY KEY (user_id, code_hash))', users); END $d$;
ALTER TABLE accounts_session ADD COLUMN mfa_at timestamptz NULL;
-- The session caches hear of a second factor switched on or off, and of
-- a session that passed one (step 7's notices).
CREATE TRIGGER accounts_mfa_changed AFTER INSERT OR UPDATE OF confirmed OR
  DELETE ON accounts_mfa FOR EACH ROW EXECUTE FUNCTION accounts_notify_user();
CREATE TRIGGER accounts_session_mfa AFTER UPDATE OF mfa_at ON accounts_session
  FOR EACH ROW EXECUTE FUNCTION accounts_notify_user();

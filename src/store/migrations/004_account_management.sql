-- src/store/migrations/004_account_management.sql -- schema step 4:
-- account management.  Verified email addresses (and an address waiting
-- for its verification), what a session row needs for the "your
-- sessions" page and remember-me, the mail outbox, the site's own profile
-- fields; the unused accounts_user_address goes.
-- Users there before this step count as verified: nobody asked them.
ALTER TABLE accounts_user
  ADD COLUMN email_verified boolean NOT NULL DEFAULT true,
  ADD COLUMN pending_email varchar(254) NOT NULL DEFAULT '';
-- From now on an address is verified when someone says so.
ALTER TABLE accounts_user ALTER COLUMN email_verified SET DEFAULT false;
-- Password reset and verification look users up by address, case-
-- insensitively (as Django's PasswordResetForm does).
CREATE INDEX accounts_user_email_lower ON accounts_user (lower(email));
CREATE INDEX accounts_user_pending_email_lower
  ON accounts_user (lower(pending_email)) WHERE pending_email <> '';
-- id: how a user's own pages name a session (never its token hash);
-- persistent: a remember-me login (the cookie outlives the browser).
-- Filling id rewrites the table once (a few seconds a million sessions,
-- during which logins wait): run this step at a quiet moment.
ALTER TABLE accounts_session
  ADD COLUMN id bigserial UNIQUE,
  ADD COLUMN address varchar(64) NOT NULL DEFAULT '',
  ADD COLUMN user_agent varchar(512) NOT NULL DEFAULT '',
  ADD COLUMN persistent boolean NOT NULL DEFAULT true;
-- The mail outbox.  A row is a request (message NULL: the sender inside
-- httpd makes the message, it alone has the templates and the secret
-- key) or a message ready to go.  kind: reset, verify, resend (request
-- kinds) or mail; state: queued, sent, failed (gave up after a day) or
-- done (a request turned into its messages, or into none).  site: which
-- virtual host's sender makes the messages; base_url: where the links
-- in them point.
CREATE TABLE accounts_mail (
  id bigserial PRIMARY KEY,
  created timestamptz NOT NULL DEFAULT now(),
  kind varchar(16) NOT NULL,
  site varchar(300) NOT NULL DEFAULT '',
  base_url varchar(2000) NOT NULL DEFAULT '',
  recipient varchar(254) NOT NULL DEFAULT '',
  user_id bigint NULL REFERENCES accounts_user(id) ON DELETE CASCADE,
  subject text NOT NULL DEFAULT '',
  message text NULL,
  state varchar(8) NOT NULL DEFAULT 'queued',
  attempts integer NOT NULL DEFAULT 0,
  next_try timestamptz NOT NULL DEFAULT now(),
  last_error text NOT NULL DEFAULT '',
  sent timestamptz NULL
);
CREATE INDEX accounts_mail_due ON accounts_mail (next_try)
  WHERE state = 'queued';
CREATE INDEX accounts_mail_created ON accounts_mail (created);
-- AccountsProfileField values: one row a user and field.
CREATE TABLE accounts_profile (
  user_id bigint NOT NULL REFERENCES accounts_user(id) ON DELETE CASCADE,
  name varchar(64) NOT NULL,
  value text NOT NULL DEFAULT '',
  PRIMARY KEY (user_id, name)
);
DROP TABLE accounts_user_address;

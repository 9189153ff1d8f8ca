-- src/store/migrations/001_users_sessions_groups.sql -- schema step 1:
-- users, sessions, groups (Django's column names).
CREATE TABLE accounts_user (
  id bigserial PRIMARY KEY,
  password varchar(255) NOT NULL,
  last_login timestamptz NULL,
  is_superuser boolean NOT NULL DEFAULT false,
  username varchar(150) NOT NULL UNIQUE,
  -- Django checks uniqueness case-insensitively; this is the NFKC
  -- case-folded username, made by the module, so the database enforces
  -- it even under concurrent registrations.
  username_key varchar(600) NOT NULL UNIQUE,
  first_name varchar(150) NOT NULL DEFAULT '',
  last_name varchar(150) NOT NULL DEFAULT '',
  email varchar(254) NOT NULL DEFAULT '',
  is_staff boolean NOT NULL DEFAULT false,
  is_active boolean NOT NULL DEFAULT true,
  date_joined timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE accounts_session (
  token_hash char(64) PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES accounts_user(id)
    ON DELETE CASCADE,
  created timestamptz NOT NULL DEFAULT now(),
  last_seen timestamptz NOT NULL DEFAULT now(),
  expires timestamptz NOT NULL
);
CREATE INDEX accounts_session_user_id ON accounts_session (user_id);
CREATE INDEX accounts_session_expires ON accounts_session (expires);
CREATE TABLE accounts_group (
  id bigserial PRIMARY KEY,
  name varchar(150) NOT NULL UNIQUE
);
CREATE TABLE accounts_user_groups (
  id bigserial PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES accounts_user(id)
    ON DELETE CASCADE,
  group_id bigint NOT NULL REFERENCES accounts_group(id)
    ON DELETE CASCADE,
  UNIQUE (user_id, group_id)
);
CREATE INDEX accounts_user_groups_group_id
  ON accounts_user_groups (group_id);

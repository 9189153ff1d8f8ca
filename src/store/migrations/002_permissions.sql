-- src/store/migrations/002_permissions.sql -- schema step 2: permissions,
-- granted to users directly or through groups (Django's has_perm).
CREATE TABLE accounts_permission (
  id bigserial PRIMARY KEY,
  codename varchar(100) NOT NULL UNIQUE,
  name varchar(255) NOT NULL DEFAULT ''
);
CREATE TABLE accounts_group_permissions (
  id bigserial PRIMARY KEY,
  group_id bigint NOT NULL REFERENCES accounts_group(id)
    ON DELETE CASCADE,
  permission_id bigint NOT NULL REFERENCES accounts_permission(id)
    ON DELETE CASCADE,
  UNIQUE (group_id, permission_id)
);
CREATE TABLE accounts_user_permissions (
  id bigserial PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES accounts_user(id)
    ON DELETE CASCADE,
  permission_id bigint NOT NULL REFERENCES accounts_permission(id)
    ON DELETE CASCADE,
  UNIQUE (user_id, permission_id)
);
CREATE INDEX accounts_group_permissions_permission_id
  ON accounts_group_permissions (permission_id);
CREATE INDEX accounts_user_permissions_permission_id
  ON accounts_user_permissions (permission_id);

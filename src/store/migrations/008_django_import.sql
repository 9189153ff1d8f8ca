-- src/store/migrations/008_django_import.sql -- schema step 8: what
-- accountsctl import-django remembers of each user it imported.
--
-- django_password is the hash Django had at the last import.  A login
-- here re-makes the user's hash as argon2id; the next import must not put
-- Django's hash back and end the user's sessions when the password did
-- not change on the Django site, and must when it did.  The import ends a
-- user's sessions here exactly when it changes their stored hash.
--
-- django_id is the user's id on the Django site: with
-- AccountsDjangoSessions a Django user whose name is one of ours is let
-- in only when that user of ours came from them.
CREATE TABLE accounts_django_import (
  user_id bigint PRIMARY KEY REFERENCES accounts_user(id) ON DELETE CASCADE,
  django_id bigint NOT NULL,
  django_password varchar(255) NOT NULL,
  imported timestamptz NOT NULL DEFAULT now()
);

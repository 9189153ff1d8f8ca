-- src/store/migrations/010_mail_language.sql -- schema step 10: the
-- language a mail request was made in (the page's, Django's code: fr,
-- pt-br; '' for English), so that the sender, which works outside any
-- request, writes the mail in it.
ALTER TABLE accounts_mail ADD COLUMN language varchar(16) NOT NULL DEFAULT '';

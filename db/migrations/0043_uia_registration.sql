-- Registration's UIA session remembers its first request's parameters (username, device,
-- flags, and the password only as its argon2id hash) and, once complete, the account it made:
-- a continuation carrying nothing but `auth` registers what the first request asked for, and
-- a retry of the completed session answers for that same account, as Synapse does.
ALTER TABLE uia_sessions ADD COLUMN params TEXT;
ALTER TABLE uia_sessions ADD COLUMN registered_user TEXT;

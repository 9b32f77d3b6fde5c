-- Guest accounts (POST /register?kind=guest): they may call only the routes the spec lists
-- for guests, join only rooms whose m.room.guest_access is can_join, and can be upgraded to
-- full accounts, which clears the flag.
ALTER TABLE users ADD COLUMN is_guest BOOLEAN NOT NULL DEFAULT FALSE;

-- The device that set each pusher: changing the password deletes every pusher but those of
-- the device that changed it (the spec). Pushers from before this column have none, so a
-- password change removes them.
ALTER TABLE pushers ADD COLUMN device_id TEXT;

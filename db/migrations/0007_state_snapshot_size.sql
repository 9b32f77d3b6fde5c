-- How many entries the base snapshot under a state group's chain holds. The writer takes a
-- new full snapshot only when the chain has grown to an eighth of that size (and at least
-- 100 layers), so a large room stores a bounded number of rows per state event instead of
-- copying its whole state every 100 layers.
ALTER TABLE state_groups ADD COLUMN snapshot_size INT NOT NULL DEFAULT 0;

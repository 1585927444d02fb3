-- The journal is read by sequence number only; an index by command cost a
-- second B-tree insert for every event written and answered no query.
DROP INDEX events_command_id;

-- Counting the accounts (the stats page, /api/v2/stats) read every row of
-- users: about 0.45 s at 100,000 users. This index holds the two columns
-- the count looks at, so the count reads only the index.

-- +goose Up
CREATE INDEX users_deleted_multisig ON users (deleted_at, multisig_address);

-- +goose Down
DROP INDEX users_deleted_multisig ON users;

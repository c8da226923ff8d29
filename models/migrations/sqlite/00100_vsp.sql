-- VSP tables. Low-fee tickets an admin accepted for voting. Rows are never
-- deleted: removing a ticket stamps removed_by/removed_at, so the history of
-- who added and removed what, and when, is kept. A ticket is "added" while
-- it has a row with removed_at = 0 and expires_at in the future.

-- +goose Up
CREATE TABLE low_fee_tickets (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_hash      TEXT    NOT NULL,
    multisig_address TEXT    NOT NULL,
    added_by         INTEGER NOT NULL,
    added_at         INTEGER NOT NULL,
    expires_at       INTEGER NOT NULL,
    removed_by       INTEGER NOT NULL DEFAULT 0,
    removed_at       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX low_fee_tickets_hash ON low_fee_tickets (ticket_hash);
CREATE INDEX low_fee_tickets_active ON low_fee_tickets (removed_at, expires_at);

-- +goose Down
DROP TABLE low_fee_tickets;

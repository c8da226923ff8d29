-- VSP tables. Low-fee tickets an admin accepted for voting. Rows are never
-- deleted: removing a ticket stamps removed_by/removed_at, so the history of
-- who added and removed what, and when, is kept. A ticket is "added" while
-- it has a row with removed_at = 0 and expires_at in the future.

-- +goose Up
CREATE TABLE low_fee_tickets (
    id               BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    ticket_hash      CHAR(64)     NOT NULL,
    multisig_address VARCHAR(100) NOT NULL,
    added_by         BIGINT       NOT NULL,
    added_at         BIGINT       NOT NULL,
    expires_at       BIGINT       NOT NULL,
    removed_by       BIGINT       NOT NULL DEFAULT 0,
    removed_at       BIGINT       NOT NULL DEFAULT 0,
    KEY low_fee_tickets_hash (ticket_hash),
    KEY low_fee_tickets_active (removed_at, expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE low_fee_tickets;

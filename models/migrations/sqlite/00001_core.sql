-- Core web tables: accounts, login sessions and one-time tokens.
-- The users table already carries the VSP columns (multisig, fee address,
-- vote bits, API token) so VSP migrations never need to alter it.

-- +goose Up
CREATE TABLE users (
    -- AUTOINCREMENT: an id is never handed out twice, even after the highest
    -- row is gone, because pool keys and fee addresses are derived from it.
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    email             TEXT    NOT NULL COLLATE NOCASE,
    password_hash     TEXT    NOT NULL,
    email_verified    INTEGER NOT NULL DEFAULT 0,
    created_at        INTEGER NOT NULL,
    deleted_at        INTEGER NOT NULL DEFAULT 0,
    multisig_address  TEXT    NOT NULL DEFAULT '',
    multisig_script   TEXT    NOT NULL DEFAULT '',
    pool_pubkey_addr  TEXT    NOT NULL DEFAULT '',
    user_pubkey_addr  TEXT    NOT NULL DEFAULT '',
    user_fee_addr     TEXT    NOT NULL DEFAULT '',
    height_registered INTEGER NOT NULL DEFAULT 0,
    api_token         TEXT    NOT NULL DEFAULT '',
    vote_bits         INTEGER NOT NULL DEFAULT 1,
    vote_bits_version INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX users_email ON users (email);
CREATE INDEX users_multisig_address ON users (multisig_address);

CREATE TABLE sessions (
    id         TEXT    NOT NULL PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    flash      TEXT    NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user_id ON sessions (user_id);
CREATE INDEX sessions_expires_at ON sessions (expires_at);

CREATE TABLE tokens (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    hash       TEXT    NOT NULL,
    purpose    TEXT    NOT NULL,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    new_email  TEXT    NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX tokens_hash ON tokens (hash);
CREATE INDEX tokens_user_purpose ON tokens (user_id, purpose);

-- +goose Down
DROP TABLE tokens;
DROP TABLE sessions;
DROP TABLE users;

-- Core web tables: accounts, login sessions and one-time tokens.
-- The users table already carries the VSP columns (multisig, fee address,
-- vote bits, API token) so VSP migrations never need to alter it.

-- +goose Up
CREATE TABLE users (
    id                BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    email             VARCHAR(254) NOT NULL,
    password_hash     VARCHAR(100) NOT NULL,
    email_verified    TINYINT      NOT NULL DEFAULT 0,
    created_at        BIGINT       NOT NULL,
    deleted_at        BIGINT       NOT NULL DEFAULT 0,
    multisig_address  VARCHAR(100) NOT NULL DEFAULT '',
    multisig_script   VARCHAR(1000) NOT NULL DEFAULT '',
    pool_pubkey_addr  VARCHAR(100) NOT NULL DEFAULT '',
    user_pubkey_addr  VARCHAR(100) NOT NULL DEFAULT '',
    user_fee_addr     VARCHAR(100) NOT NULL DEFAULT '',
    height_registered BIGINT       NOT NULL DEFAULT 0,
    api_token         VARCHAR(1000) NOT NULL DEFAULT '',
    vote_bits         BIGINT       NOT NULL DEFAULT 1,
    vote_bits_version BIGINT       NOT NULL DEFAULT 0,
    UNIQUE KEY users_email (email),
    KEY users_multisig_address (multisig_address)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE sessions (
    id         CHAR(64)      NOT NULL PRIMARY KEY,
    user_id    BIGINT        NOT NULL,
    flash      VARCHAR(1000) NOT NULL DEFAULT '',
    created_at BIGINT        NOT NULL,
    expires_at BIGINT        NOT NULL,
    KEY sessions_user_id (user_id),
    KEY sessions_expires_at (expires_at),
    CONSTRAINT sessions_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE tokens (
    id         BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    hash       CHAR(64)     NOT NULL,
    purpose    VARCHAR(20)  NOT NULL,
    user_id    BIGINT       NOT NULL,
    new_email  VARCHAR(254) NOT NULL DEFAULT '',
    created_at BIGINT       NOT NULL,
    expires_at BIGINT       NOT NULL,
    UNIQUE KEY tokens_hash (hash),
    KEY tokens_user_purpose (user_id, purpose),
    CONSTRAINT tokens_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE tokens;
DROP TABLE sessions;
DROP TABLE users;

package models

import "strings"

// The statements that run often or on the whole users table at 100,000
// users, named so that the index test (TestQueriesUseIndexes) checks the
// plan of the very text the store runs.
const (
	// Registration and email changes.
	emailInUseSQL = "SELECT COUNT(*) FROM users WHERE email = ?"
	// The stats page and /api/v2/stats.
	countUsersSQL = "SELECT COUNT(*), COALESCE(SUM(CASE WHEN multisig_address <> '' THEN 1 ELSE 0 END), 0) " +
		"FROM users WHERE deleted_at = 0"
	// Repairs, the admin tickets page.
	activeLowFeeSQL = "SELECT * FROM low_fee_tickets WHERE removed_at = 0 AND expires_at > ? ORDER BY id"
)

// The statements that scan users rows by hand name their columns from
// userColumns and prefColumns (user.go), so a new column is listed once.
var (
	// Every login and password reset.
	userByEmailSQL = "SELECT " + columnList("", userColumns) + " FROM users WHERE email = ? AND deleted_at = 0"
	// The API's token check and every vote-choice change.
	userByIDSQL = "SELECT " + columnList("", userColumns) + " FROM users WHERE id = ? AND deleted_at = 0"
	// Key probe and the fee-address warning.
	lastPoolUserSQL = "SELECT " + columnList("", userColumns) +
		" FROM users WHERE multisig_address <> '' ORDER BY id DESC LIMIT 1"
	// Repairs and the digest reload: every user with an address.
	poolUsersSQL = "SELECT " + columnList("", userColumns) +
		" FROM users WHERE multisig_address <> '' ORDER BY id"
	poolPrefsSQL = "SELECT " + columnList("", prefColumns) +
		" FROM users WHERE multisig_address <> '' ORDER BY id"
	poolScriptsSQL = "SELECT " + columnList("", scriptColumns) +
		" FROM users WHERE multisig_address <> '' ORDER BY id"
	// The voting page and API command.
	setVotingPrefsSQL = "UPDATE users SET " + strings.Join(settingColumns, " = ?, ") + " = ? WHERE id = ?"
	// Every logged-in page view.
	sessionUserSQL = "SELECT s.id, s.user_id, s.flash, s.created_at, s.expires_at, " + columnList("u.", userColumns) +
		" FROM sessions s JOIN users u ON u.id = s.user_id" +
		" WHERE s.id = ? AND s.expires_at > ? AND u.deleted_at = 0"
)

package models

import (
	"context"
	"database/sql"
)

// ExecForTest runs a raw statement (tests only).
func (s *Store) ExecForTest(ctx context.Context, q string, args ...any) error {
	_, err := s.db.ExecContext(ctx, q, args...)
	return err
}

// QueryForTest runs a raw query and returns every row as strings (tests
// only: EXPLAIN output, sizes).
func (s *Store) QueryForTest(ctx context.Context, q string, args ...any) ([][]string, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out [][]string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		row := make([]string, len(cols))
		for i, v := range vals {
			row[i] = v.String
		}
		out = append(out, row)
	}
	return out, rows.Err()
}

// QueriesForTest are the named statements of queries.go with arguments
// for EXPLAIN.
var QueriesForTest = []struct {
	Name, SQL string
	Args      []any
}{
	{"UserByEmail", userByEmailSQL, []any{"user7@example.com"}},
	{"EmailInUse", emailInUseSQL, []any{"user7@example.com"}},
	{"UserByID", userByIDSQL, []any{7}},
	{"CountUsers", countUsersSQL, nil},
	{"PoolUsers", poolUsersSQL, nil},
	{"PoolPrefs", poolPrefsSQL, nil},
	{"PoolScripts", poolScriptsSQL, nil},
	{"LastPoolUser", lastPoolUserSQL, nil},
	{"ActiveLowFeeTickets", activeLowFeeSQL, []any{1}},
	{"SessionUser", sessionUserSQL, []any{"0123", 1}},
}

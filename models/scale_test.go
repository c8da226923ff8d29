package models_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/eacred/dcrstakepool/models"
)

// explain returns the query plan of q in one line per row: MariaDB's
// EXPLAIN (table, access type, key, rows, extra) or SQLite's EXPLAIN QUERY
// PLAN details.
func explain(tb testing.TB, s *models.Store, q string, args ...any) []string {
	tb.Helper()
	prefix := "EXPLAIN "
	if s.Engine() == models.SQLite {
		prefix = "EXPLAIN QUERY PLAN "
	}
	rows, err := s.QueryForTest(context.Background(), prefix+q, args...)
	if err != nil {
		tb.Fatalf("explain %s: %v", q, err)
	}
	var out []string
	for _, r := range rows {
		if s.Engine() == models.SQLite {
			out = append(out, r[len(r)-1])
			continue
		}
		// id, select_type, table, type, possible_keys, key, key_len, ref, rows, Extra
		out = append(out, "table="+r[2]+" type="+r[3]+" key="+r[5]+" rows="+r[8]+" extra="+r[9])
	}
	return out
}

// fullScan reports whether a plan line reads a whole table row by row.
func fullScan(engine models.Engine, line string) bool {
	if engine == models.SQLite {
		// "SCAN users" reads every row; "SCAN users USING COVERING
		// INDEX x" reads an index only.
		return strings.HasPrefix(line, "SCAN ") && !strings.Contains(line, "COVERING INDEX")
	}
	return strings.Contains(line, "type=ALL")
}

// wholeTable are the statements that read every user with an address by
// design (a repair pushes them all): scanning the table in id order is
// their right plan. LastPoolUser walks the ids down from the newest and
// stops at the first user with an address (SQLite names that a scan).
var wholeTable = map[string]bool{"PoolUsers": true, "PoolPrefs": true, "PoolScripts": true, "LastPoolUser": true}

// TestQueriesUseIndexes checks, on both engines with 1,000 users, that no
// statement of queries.go reads the users table row by row except those
// that need every row: at 100,000 users a full scan is what makes a page
// slow.
func TestQueriesUseIndexes(t *testing.T) {
	for _, engine := range []models.Engine{models.SQLite, models.MySQL} {
		t.Run(string(engine), func(t *testing.T) {
			s := seeded(t, engine, 1000)
			for _, q := range models.QueriesForTest {
				plan := explain(t, s, q.SQL, q.Args...)
				for _, line := range plan {
					if fullScan(engine, line) && !wholeTable[q.Name] {
						t.Errorf("%s reads a whole table: %s", q.Name, strings.Join(plan, "; "))
					}
				}
			}
		})
	}
}

// dbBytes is the size of the database's tables and indexes: MariaDB's
// InnoDB files (.ibd) of this database, or SQLite's file after a
// checkpoint.
func dbBytes(tb testing.TB, s *models.Store, mariadbDir string) int64 {
	tb.Helper()
	ctx := context.Background()
	if s.Engine() == models.SQLite {
		rows, err := s.QueryForTest(ctx, "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()")
		if err != nil {
			tb.Fatal(err)
		}
		n, _ := strconv.ParseInt(rows[0][0], 10, 64)
		return n
	}
	rows, err := s.QueryForTest(ctx, "SELECT DATABASE()")
	if err != nil {
		tb.Fatal(err)
	}
	var total int64
	files, _ := filepath.Glob(filepath.Join(mariadbDir, "data", rows[0][0], "*.ibd"))
	for _, f := range files {
		if fi, err := os.Stat(f); err == nil {
			total += fi.Size()
		}
	}
	return total
}

package models

import (
	"context"
	"fmt"
	"strings"
)

// insertBatch is how many rows one INSERT of InsertUsers carries.
const insertBatch = 500

// InsertUsers adds many accounts at once, with their ids as given (an
// import of accounts from another pool, or the synthetic pool of the
// benchmarks), in multi-row INSERTs of insertBatch rows, each batch
// bounded by the query timeout. ErrExists means an email or id is taken;
// the batches before the failing one stay inserted.
func (s *Store) InsertUsers(ctx context.Context, us []User) error {
	cols := "(" + columnList("", userColumns) + ")"
	row := "(?" + strings.Repeat(",?", len(userColumns)-1) + ")"
	for start := 0; start < len(us); start += insertBatch {
		batch := us[start:min(start+insertBatch, len(us))]
		var q strings.Builder
		q.WriteString("INSERT INTO users " + cols + " VALUES ")
		args := make([]any, 0, len(userColumns)*len(batch))
		for i := range batch {
			if i > 0 {
				q.WriteByte(',')
			}
			q.WriteString(row)
			args = append(args, batch[i].values()...)
		}
		if _, err := s.exec(ctx).Exec(q.String(), args...); err != nil {
			return fmt.Errorf("insert users %d to %d: %w", batch[0].ID, batch[len(batch)-1].ID, classify(err))
		}
	}
	return nil
}

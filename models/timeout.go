package models

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/go-gorp/gorp/v3"
	"github.com/go-sql-driver/mysql"
	"modernc.org/sqlite"
)

// ErrUnavailable means the database did not answer in time or could not be
// reached (killed, frozen, network down, locked for too long). Callers show
// "try again later" (HTTP 503); it says nothing about the data.
var ErrUnavailable = errors.New("database unavailable")

// DefaultQueryTimeout bounds every query and transaction unless
// SetQueryTimeout says otherwise.
const DefaultQueryTimeout = 10 * time.Second

// Option changes how Open sets the store up.
type Option func(*openOptions)

type openOptions struct{ timeout time.Duration }

// WithQueryTimeout sets the query timeout (see SetQueryTimeout) from the
// start; for SQLite it is also the busy timeout, so a write waiting for a
// lock gives up when the query would.
func WithQueryTimeout(d time.Duration) Option {
	return func(o *openOptions) {
		if d > 0 {
			o.timeout = d
		}
	}
}

// SetQueryTimeout bounds every query (and every transaction as a whole) to
// d; a query that takes longer fails with ErrUnavailable. Zero or negative
// means DefaultQueryTimeout. Call it before the store is used.
func (s *Store) SetQueryTimeout(d time.Duration) {
	if d <= 0 {
		d = DefaultQueryTimeout
	}
	s.timeout = d
}

// QueryTimeout reports the bound SetQueryTimeout set.
func (s *Store) QueryTimeout() time.Duration { return s.timeout }

// bounded returns ctx limited to the store's query timeout.
func (s *Store) bounded(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, s.timeout)
}

// unavailable wraps err with ErrUnavailable when it means the database did
// not answer (as opposed to refusing the statement); other errors are
// returned unchanged. The original error stays in the chain.
func unavailable(err error) error {
	if err == nil || errors.Is(err, ErrUnavailable) || !isOutage(err) {
		return err
	}
	return fmt.Errorf("%w: %w", ErrUnavailable, err)
}

func isOutage(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, mysql.ErrInvalidConn) || errors.Is(err, sql.ErrConnDone) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	var oe *net.OpError
	if errors.As(err, &oe) {
		return true
	}
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		switch me.Number {
		case 1040, 1053, 1205, 1927: // too many connections, shutdown, lock wait timeout, connection killed
			return true
		}
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case 5, 6, 9, 10: // SQLITE_BUSY, SQLITE_LOCKED, SQLITE_INTERRUPT, SQLITE_IOERR
			return true
		}
	}
	return false
}

// timedExec is a gorp executor whose every call runs under the store's
// query timeout and reports outages as ErrUnavailable. (Query and
// QueryRow, which return open rows, keep the caller's context.)
type timedExec struct {
	gorp.SqlExecutor
	ctx     context.Context
	timeout time.Duration
}

func (e timedExec) in() (gorp.SqlExecutor, context.CancelFunc) {
	ctx, cancel := context.WithTimeout(e.ctx, e.timeout)
	return e.SqlExecutor.WithContext(ctx), cancel
}

func (e timedExec) Exec(query string, args ...any) (sql.Result, error) {
	x, cancel := e.in()
	defer cancel()
	r, err := x.Exec(query, args...)
	return r, unavailable(err)
}

func (e timedExec) Insert(list ...any) error {
	x, cancel := e.in()
	defer cancel()
	return unavailable(x.Insert(list...))
}

func (e timedExec) Update(list ...any) (int64, error) {
	x, cancel := e.in()
	defer cancel()
	n, err := x.Update(list...)
	return n, unavailable(err)
}

func (e timedExec) Delete(list ...any) (int64, error) {
	x, cancel := e.in()
	defer cancel()
	n, err := x.Delete(list...)
	return n, unavailable(err)
}

func (e timedExec) Get(i any, keys ...any) (any, error) {
	x, cancel := e.in()
	defer cancel()
	v, err := x.Get(i, keys...)
	return v, unavailable(err)
}

func (e timedExec) Select(i any, query string, args ...any) ([]any, error) {
	x, cancel := e.in()
	defer cancel()
	v, err := x.Select(i, query, args...)
	return v, unavailable(err)
}

func (e timedExec) SelectInt(query string, args ...any) (int64, error) {
	x, cancel := e.in()
	defer cancel()
	v, err := x.SelectInt(query, args...)
	return v, unavailable(err)
}

func (e timedExec) SelectStr(query string, args ...any) (string, error) {
	x, cancel := e.in()
	defer cancel()
	v, err := x.SelectStr(query, args...)
	return v, unavailable(err)
}

func (e timedExec) SelectOne(holder any, query string, args ...any) error {
	x, cancel := e.in()
	defer cancel()
	return unavailable(x.SelectOne(holder, query, args...))
}

func (e timedExec) Query(query string, args ...any) (*sql.Rows, error) {
	r, err := e.SqlExecutor.WithContext(e.ctx).Query(query, args...)
	return r, unavailable(err)
}

func (e timedExec) QueryRow(query string, args ...any) *sql.Row {
	return e.SqlExecutor.WithContext(e.ctx).QueryRow(query, args...)
}

func (e timedExec) WithContext(ctx context.Context) gorp.SqlExecutor {
	return timedExec{SqlExecutor: e.SqlExecutor, ctx: ctx, timeout: e.timeout}
}

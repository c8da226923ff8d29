package models

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"time"

	"github.com/go-gorp/gorp/v3"
	"github.com/go-sql-driver/mysql"
	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"
)

// Engine names a supported database engine.
type Engine string

// Supported engines.
const (
	SQLite Engine = "sqlite"
	MySQL  Engine = "mysql"
)

// Errors callers can test for with errors.Is.
var (
	// ErrNotFound means the row asked for does not exist (or has expired).
	ErrNotFound = errors.New("not found")
	// ErrExists means a unique index refused the write (e.g. the email is taken).
	ErrExists = errors.New("already exists")
	// ErrSchemaTooNew means the database was migrated by a newer program.
	ErrSchemaTooNew = errors.New("database schema is newer than this program")
)

//go:embed migrations
var migrationFS embed.FS

// Store is the front end's database. It is safe for concurrent use.
type Store struct {
	db      *sql.DB
	dbmap   *gorp.DbMap
	engine  Engine
	timeout time.Duration // every query's bound (timeout.go)
}

// Open connects to the database described by engine and dsn, checks the
// schema version, applies pending migrations and returns a ready Store.
//
// For SQLite, dsn is a file path; for MySQL it is a go-sql-driver DSN.
func Open(ctx context.Context, engine Engine, dsn string, opts ...Option) (*Store, error) {
	o := openOptions{timeout: DefaultQueryTimeout}
	for _, f := range opts {
		f(&o)
	}
	var (
		db      *sql.DB
		err     error
		dialect gorp.Dialect
	)
	switch engine {
	case SQLite:
		db, err = sql.Open("sqlite", sqliteDSN(dsn, o.timeout))
		dialect = gorp.SqliteDialect{}
	case MySQL:
		db, err = sql.Open("mysql", dsn)
		dialect = gorp.MySQLDialect{Engine: "InnoDB", Encoding: "utf8mb4"}
	default:
		return nil, fmt.Errorf("unknown database engine %q (want %q or %q)", engine, SQLite, MySQL)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", engine, err)
	}
	if engine == SQLite {
		// One writer at a time is SQLite's model; a small pool keeps
		// reads concurrent while busy_timeout absorbs write contention.
		db.SetMaxOpenConns(4)
	} else {
		db.SetMaxOpenConns(32)
		db.SetMaxIdleConns(32)
	}
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close() // the error returned below is the one to report
		return nil, fmt.Errorf("connect to %s database: %w", engine, err)
	}
	s := &Store{db: db, engine: engine, dbmap: &gorp.DbMap{Db: db, Dialect: dialect}, timeout: o.timeout}
	s.mapTables()
	if err := s.migrate(ctx); err != nil {
		_ = db.Close() // the error returned below is the one to report
		return nil, err
	}
	return s, nil
}

// sqliteDSN turns a file path into a modernc.org/sqlite DSN with the pragmas
// the store relies on: WAL for concurrent readers, a busy timeout instead of
// "database is locked" errors, foreign keys, and immediate write transactions.
func sqliteDSN(path string, busy time.Duration) string {
	if strings.HasPrefix(path, "file:") {
		return path
	}
	return "file:" + path + "?_txlock=immediate&_pragma=busy_timeout(" + strconv.FormatInt(busy.Milliseconds(), 10) + ")" +
		"&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)"
}

func (s *Store) mapTables() {
	s.dbmap.AddTableWithName(User{}, "users").SetKeys(true, "ID")
	s.dbmap.AddTableWithName(Session{}, "sessions").SetKeys(false, "ID")
	s.dbmap.AddTableWithName(Token{}, "tokens").SetKeys(true, "ID")
	for _, f := range extraTables {
		f(s.dbmap)
	}
}

// extraTables lets other files of this package (VSP tables) register their
// gorp table mappings from an init function without editing this file.
var extraTables []func(*gorp.DbMap)

// registerTable adds a gorp mapping applied to every Store. Call it from an
// init function in the file that declares the table's type.
func registerTable(f func(*gorp.DbMap)) { extraTables = append(extraTables, f) }

// Migrations returns the embedded migration files for engine.
func Migrations(engine Engine) (fs.FS, error) {
	return fs.Sub(migrationFS, "migrations/"+string(engine))
}

func (s *Store) migrate(ctx context.Context) error {
	fsys, err := Migrations(s.engine)
	if err != nil {
		return fmt.Errorf("migrations for %s: %w", s.engine, err)
	}
	dialect := goose.DialectSQLite3
	if s.engine == MySQL {
		dialect = goose.DialectMySQL
	}
	p, err := goose.NewProvider(dialect, s.db, fsys, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return fmt.Errorf("load migrations: %w", err)
	}
	current, err := p.GetDBVersion(ctx)
	if err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	sources := p.ListSources()
	latest := int64(0)
	if len(sources) > 0 {
		latest = sources[len(sources)-1].Version
	}
	if current > latest {
		return fmt.Errorf("%w: database is at version %d, this program knows up to %d; "+
			"run the newer program or restore a backup", ErrSchemaTooNew, current, latest)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("apply migrations: %w", err)
	}
	return nil
}

// SchemaVersion reports the version of the newest applied migration.
func (s *Store) SchemaVersion(ctx context.Context) (int64, error) {
	var v int64
	err := s.db.QueryRowContext(ctx,
		"SELECT MAX(version_id) FROM goose_db_version WHERE is_applied = ?", true).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return v, nil
}

// Engine reports which engine the store runs on.
func (s *Store) Engine() Engine { return s.engine }

// Ping checks that the database answers (used by health checks), within
// the query timeout. For MySQL it runs a statement: a frozen server can
// leave pooled connections that "ping" from the pool without a round trip.
func (s *Store) Ping(ctx context.Context) error {
	ctx, cancel := s.bounded(ctx)
	defer cancel()
	var one int
	if err := s.db.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("ping: %w", unavailable(err))
	}
	return nil
}

// Close closes the connection pool.
func (s *Store) Close() error { return s.db.Close() }

// exec returns a context-bound executor; each of its calls runs under the
// query timeout.
func (s *Store) exec(ctx context.Context) gorp.SqlExecutor {
	return timedExec{SqlExecutor: s.dbmap, ctx: ctx, timeout: s.timeout}
}

// inTx runs fn in a transaction, committing if fn returns nil. The whole
// transaction, from begin to commit, runs under the query timeout.
func (s *Store) inTx(ctx context.Context, fn func(tx gorp.SqlExecutor) error) error {
	ctx, cancel := s.bounded(ctx)
	defer cancel()
	tx, err := s.dbmap.WithContext(ctx).(*gorp.DbMap).Begin()
	if err != nil {
		return fmt.Errorf("begin transaction: %w", unavailable(err))
	}
	if err := fn(tx.WithContext(ctx)); err != nil {
		_ = tx.Rollback()
		return unavailable(err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", unavailable(err))
	}
	return nil
}

// classify maps driver errors onto the package's sentinel errors.
func classify(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	var me *mysql.MySQLError
	if errors.As(err, &me) && me.Number == 1062 { // ER_DUP_ENTRY
		return fmt.Errorf("%w: %v", ErrExists, err)
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case 2067, 1555: // SQLITE_CONSTRAINT_UNIQUE, SQLITE_CONSTRAINT_PRIMARYKEY
			return fmt.Errorf("%w: %v", ErrExists, err)
		}
	}
	return err
}

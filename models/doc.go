// Package models is the front end's storage layer: the Go types stored in the
// database (users, login sessions, one-time tokens), the queries that read and
// write them, and the schema migrations that create the tables.
//
// Every SQL statement of the web front end lives in this package. Handlers call
// methods on *Store and never see SQL or driver errors: a missing row comes
// back as ErrNotFound and a unique-index violation as ErrExists.
//
// Two engines are supported through gorp: SQLite (pure Go, modernc.org/sqlite,
// the default, a single file) and MySQL/MariaDB (go-sql-driver/mysql) for
// production. The schema is versioned: numbered SQL files in
// migrations/<engine>/ are embedded in the binary and applied in order by
// goose when the store is opened. The web core owns versions 1–99; VSP
// features append their own tables from version 100 on. A database whose
// schema is newer than the code is refused rather than used.
//
// Times are stored as Unix seconds (int64) so both engines agree on them.
package models

package archive

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the database/sql driver "sqlite", pure Go
)

// Store is an archive file. Open one with [Open]; it is safe for concurrent
// use, but only one [Run] at a time may write (see [Store.Start]).
type Store struct {
	db   *sql.DB
	path string
	now  func() time.Time
}

// Option configures a [Store].
type Option func(*Store)

// WithClock sets the clock for "today" and for the times the store records
// (default time.Now). Give the wrapper.Client the same clock.
func WithClock(now func() time.Time) Option { return func(s *Store) { s.now = now } }

// busyTimeout is how long a statement waits for a lock held by another
// connection (a reader's WAL checkpoint, a second process's schema upgrade)
// before it fails.
const busyTimeout = 10 * time.Second

// Memory budget: each connection caches up to cacheSize of the database
// (SQLite's default, 2 MiB, makes a six-month backfill re-read its own
// index pages from disk), and a Store opens at most maxConns connections.
const (
	cacheSize = 16 << 20
	maxConns  = 4
)

// Open opens the archive at path, creating the file and its schema if
// needed, and upgrading an older schema. The database is in WAL mode with
// synchronous=FULL: a committed page survives a crash of the process or of
// the machine, and readers never block the writer.
func Open(ctx context.Context, path string, opts ...Option) (*Store, error) {
	if path == "" {
		return nil, errors.New("archive: no database path")
	}
	s := &Store{path: path, now: time.Now}
	for _, o := range opts {
		o(s)
	}
	dsn := dsn(path, "journal_mode(WAL)", "synchronous(FULL)", fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()),
		"foreign_keys(1)", fmt.Sprintf("cache_size(-%d)", cacheSize>>10)) + "&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("archive: opening %s: %w", path, err)
	}
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("archive: opening %s: %w", path, err)
	}
	if err := migrate(ctx, db); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("%w (database %s)", err, path)
	}
	db.SetMaxOpenConns(maxConns)
	s.db = db
	return s, nil
}

// dsn is modernc.org/sqlite's data source name for path with pragmas run on
// every new connection. The characters a file: URI gives a meaning are
// escaped, so any path works.
func dsn(path string, pragmas ...string) string {
	var b strings.Builder
	b.WriteString("file:")
	b.WriteString(strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path))
	for i, p := range pragmas {
		if i == 0 {
			b.WriteString("?")
		} else {
			b.WriteString("&")
		}
		b.WriteString("_pragma=")
		b.WriteString(p)
	}
	return b.String()
}

// DB returns the database, for queries. Writing to it while a [Run] is
// open bypasses the checkpoints; don't.
func (s *Store) DB() *sql.DB { return s.db }

// Close closes the database.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("archive: closing %s: %w", s.path, err)
	}
	return nil
}

// Time layout of every *_at column and last_message_sent_time: RFC 3339 in
// UTC to the second, so text order is time order.
const timeLayout = "2006-01-02T15:04:05Z"

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func parseTime(s string) (time.Time, error) { return time.Parse(timeLayout, s) }

// Path returns the archive's file name, as given to Open.
func (s *Store) Path() string { return s.path }

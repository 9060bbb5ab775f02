package archive

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// LockedError is returned by [Store.Start] when another sync holds the
// archive's writer lock.
type LockedError struct {
	Path string // the archive
	// Holder describes the sync holding the lock: "pid 4242 on host-a
	// since 2026-11-27T02:00:00Z", or "" if it had not yet said.
	Holder string
}

func (e *LockedError) Error() string {
	if e.Holder == "" {
		return fmt.Sprintf("another sync holds %s", e.Path)
	}
	return fmt.Sprintf("another sync holds %s (%s)", e.Path, e.Holder)
}

// writerLock is the single-writer lock: an exclusive transaction held open
// on a side file, FILE.lock, for as long as the sync runs. SQLite takes it
// with an OS file lock (fcntl on Unix, LockFileEx on Windows), which the OS
// drops when the process ends in any way, SIGKILL included: a crash never
// leaves a stale lock. The main database is not locked, so readers read
// through a sync and the sync's own per-page transactions go ahead.
type writerLock struct {
	db   *sql.DB
	conn *sql.Conn
}

// lockPath is the side file that carries the writer lock.
func lockPath(path string) string { return path + ".lock" }

// errBusy means the lock is held by someone else.
var errBusy = errors.New("busy")

// acquireLock takes the writer lock of the archive at path without waiting.
func acquireLock(ctx context.Context, path string) (*writerLock, error) {
	db, err := sql.Open("sqlite", dsn(lockPath(path), "busy_timeout(0)"))
	if err != nil {
		return nil, fmt.Errorf("archive: lock file: %w", err)
	}
	conn, err := db.Conn(ctx)
	if err == nil {
		_, err = conn.ExecContext(ctx, "BEGIN EXCLUSIVE")
		if err != nil {
			_ = conn.Close()
		}
	}
	if err != nil {
		_ = db.Close()
		var se *sqlite.Error
		if errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_BUSY {
			return nil, errBusy
		}
		return nil, fmt.Errorf("archive: lock file %s: %w", lockPath(path), err)
	}
	return &writerLock{db: db, conn: conn}, nil
}

// release ends the exclusive transaction and closes the lock file.
func (l *writerLock) release() error {
	_, err := l.conn.ExecContext(context.Background(), "ROLLBACK")
	err = errors.Join(err, l.conn.Close(), l.db.Close())
	if err != nil {
		return fmt.Errorf("archive: releasing the writer lock: %w", err)
	}
	return nil
}

// lock takes the writer lock and records who holds it in table writer, for
// the message a second sync prints.
func (s *Store) lock(ctx context.Context) (*writerLock, error) {
	l, err := acquireLock(ctx, s.path)
	if errors.Is(err, errBusy) {
		return nil, &LockedError{Path: s.path, Holder: s.holder(ctx)}
	}
	if err != nil {
		return nil, err
	}
	host, _ := os.Hostname()
	if _, err := s.db.ExecContext(ctx, `INSERT OR REPLACE INTO writer(id, pid, host, since) VALUES(1, ?, ?, ?)`,
		os.Getpid(), host, formatTime(s.now())); err != nil {
		_ = l.release()
		return nil, fmt.Errorf("archive: recording the writer: %w", err)
	}
	return l, nil
}

// unlock clears the writer record and releases the lock.
func (s *Store) unlock(l *writerLock) error {
	_, err := s.db.ExecContext(context.Background(), `DELETE FROM writer`)
	if err != nil {
		err = fmt.Errorf("archive: clearing the writer record: %w", err)
	}
	return errors.Join(err, l.release())
}

// holder describes the process that holds the lock, as it recorded itself.
func (s *Store) holder(ctx context.Context) string {
	var pid int
	var host, since string
	err := s.db.QueryRowContext(ctx, `SELECT pid, host, since FROM writer WHERE id = 1`).Scan(&pid, &host, &since)
	if err != nil {
		return ""
	}
	return fmt.Sprintf("pid %d on %s since %s", pid, host, since)
}

package archive

import (
	"context"
	"database/sql"
	"fmt"
)

// SchemaVersion is the PRAGMA user_version of the schema this package
// writes. Open upgrades older files and refuses newer ones.
const SchemaVersion = 1

// migrations[i] upgrades a database from user_version i to i+1.
var migrations = []string{
	`CREATE TABLE sessions (
		id                     TEXT PRIMARY KEY,
		type                   TEXT,    -- "Group" or "1:1"
		name                   TEXT,    -- NULL for 1:1
		channel_id             TEXT,    -- Group only
		member_emails          TEXT,    -- JSON array, 1:1 only
		status                 TEXT,    -- "active" or "deleted"; NULL for 1:1
		has_external_member    INTEGER NOT NULL, -- 0 or 1
		last_message_sent_time TEXT,    -- RFC 3339 UTC
		raw                    TEXT,    -- Zoom's JSON object as sent
		first_seen_at          TEXT NOT NULL, -- RFC 3339 UTC
		first_seen_window      TEXT NOT NULL, -- e.g. 2026-10-01..2026-10-31
		last_seen_at           TEXT NOT NULL,
		last_seen_window       TEXT NOT NULL
	);
	CREATE INDEX sessions_last_message ON sessions(last_message_sent_time);
	CREATE TABLE syncs (
		id          INTEGER PRIMARY KEY,
		started_at  TEXT NOT NULL,
		finished_at TEXT,             -- NULL while running or after a crash
		from_day    TEXT NOT NULL,
		to_day      TEXT NOT NULL,
		added       INTEGER NOT NULL DEFAULT 0,
		updated     INTEGER NOT NULL DEFAULT 0,
		unchanged   INTEGER NOT NULL DEFAULT 0
	);
	CREATE TABLE windows (
		sync_id         INTEGER NOT NULL REFERENCES syncs(id),
		from_day        TEXT NOT NULL,
		to_day          TEXT NOT NULL,
		pages           INTEGER NOT NULL DEFAULT 0, -- pages written
		next_page       INTEGER NOT NULL DEFAULT 1, -- number of the page next_page_token fetches
		next_page_token TEXT,                       -- NULL before the first page and when finished
		token_issued_at TEXT,                       -- RFC 3339 UTC
		finished_at     TEXT,
		PRIMARY KEY (sync_id, from_day, to_day)
	);
	CREATE TABLE gaps (
		from_day TEXT NOT NULL,
		to_day   TEXT NOT NULL,
		found_at TEXT NOT NULL,
		sync_id  INTEGER REFERENCES syncs(id),  -- the sync that found it
		PRIMARY KEY (from_day)
	);
	CREATE TABLE writer (
		id      INTEGER PRIMARY KEY CHECK (id = 1),
		pid     INTEGER NOT NULL,
		host    TEXT NOT NULL,
		since   TEXT NOT NULL
	);`,
}

// migrate brings db to SchemaVersion, in one write transaction so two
// processes opening a new file at once do not both create it.
func migrate(ctx context.Context, db *sql.DB) error {
	// Most opens find the schema current: check without taking the write
	// lock, which a running sync holds page after page.
	var current int
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&current); err != nil {
		return fmt.Errorf("archive: schema: reading user_version: %w", err)
	}
	if current == SchemaVersion {
		return nil
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("archive: schema: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	var v int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return fmt.Errorf("archive: schema: reading user_version: %w", err)
	}
	if v > SchemaVersion {
		return fmt.Errorf("archive: schema version %d is newer than this program's %d; use a newer zoom-chat-sessions", v, SchemaVersion)
	}
	if v == SchemaVersion {
		return nil
	}
	for ; v < SchemaVersion; v++ {
		if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
			return fmt.Errorf("archive: schema: upgrading from version %d: %w", v, err)
		}
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", SchemaVersion)); err != nil {
		return fmt.Errorf("archive: schema: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("archive: schema: %w", err)
	}
	return nil
}

package archive_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zoomkit/chatsessions/archive"
)

// Open creates the schema at SchemaVersion in WAL mode, and refuses a file
// a newer program wrote.
func TestSchemaVersion(t *testing.T) {
	path := filepath.Join(t.TempDir(), "archive.db")
	ctx := context.Background()
	s, err := archive.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	var version int
	var mode string
	if err := s.DB().QueryRowContext(ctx, `SELECT user_version, journal_mode FROM pragma_user_version, pragma_journal_mode`).Scan(&version, &mode); err != nil {
		t.Fatal(err)
	}
	if version != archive.SchemaVersion || mode != "wal" {
		t.Errorf("user_version %d, journal_mode %s; want %d and wal", version, mode, archive.SchemaVersion)
	}
	if _, err := s.DB().ExecContext(ctx, `PRAGMA user_version = 99`); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	_, err = archive.Open(ctx, path)
	if err == nil || !strings.Contains(err.Error(), "schema version 99 is newer than this program's 1") {
		t.Errorf("Open of a newer file: %v, want a refusal naming version 99", err)
	}
}

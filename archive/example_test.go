package archive_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/zoomkit/chatsessions/archive"
	"github.com/zoomkit/chatsessions/wrapper"
	"github.com/zoomkit/chatsessions/zoomtest"
)

// Sync an account into an archive file: the first sync backfills the six
// months Zoom keeps; run it again (from cron) and it reads only the last
// days again. Here against the fake Zoom of package zoomtest, on a fixed
// clock.
func Example() {
	now := func() time.Time { return time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC) }
	zoom := zoomtest.NewServer(zoomtest.WithClock(now))
	defer zoom.Close()
	client, err := wrapper.New(
		wrapper.WithBaseURL(zoom.URL()), wrapper.WithTokenURL(zoom.TokenURL()),
		wrapper.WithServerToServer(zoomtest.DefaultAccountID, zoomtest.DefaultClientID, zoomtest.DefaultClientSecret),
		wrapper.WithRawJSON(true), wrapper.WithRateLimit(1000), wrapper.WithClock(now))
	if err != nil {
		log.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "archive-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	ctx := context.Background()
	store, err := archive.Open(ctx, filepath.Join(dir, "zoom-chat.db"), archive.WithClock(now))
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	run, err := store.Start(ctx, archive.Request{Overlap: archive.DefaultOverlap})
	if err != nil {
		log.Fatal(err) // a *archive.LockedError if another sync runs
	}
	defer run.Close()
	sum, err := run.Sync(ctx, client)
	if err != nil {
		log.Fatal(err) // what was written stays; the next Start resumes
	}
	fmt.Printf("%s..%s: %d added, %d windows\n", run.Plan.From, run.Plan.To, sum.Added, sum.Windows)

	var groups int
	if err := store.DB().QueryRowContext(ctx, `SELECT count(*) FROM sessions WHERE type = 'Group'`).Scan(&groups); err != nil {
		log.Fatal(err)
	}
	fmt.Println(groups, "group chats")
	// Output:
	// 2026-05-27..2026-11-27: 3690 added, 7 windows
	// 1534 group chats
}

package archive

import (
	"context"
	"fmt"
	"time"

	"github.com/zoomkit/chatsessions/wrapper"
)

// Summary is what a [Run.Sync] did.
type Summary struct {
	Counts
	Windows  int           // windows fetched to their last page
	Skipped  int           // windows an interrupted sync had finished, not fetched again
	Pages    int64         // pages written
	Requests int64         // API requests the client sent, retries included
	Elapsed  time.Duration // from the call to the end
}

// ReadAheadBudget is the wrapper.WithMemoryBudget for a client that feeds
// a Run fetching concurrency windows at once with pages of pageSize: about
// two pages a window ahead of the writer. The archive, not Zoom, is the
// slower end of a sync, so a deeper read-ahead would not make it faster;
// and what was fetched but not written when a sync is killed is fetched
// again by the next one, so it bounds what a crash wastes.
func ReadAheadBudget(concurrency, pageSize int) int64 {
	const pagesAhead, sessionBytes = 2, 1 << 10 // Zoom's object as sent plus its decoded fields, generously
	return int64(max(concurrency, 1)) * pagesAhead * int64(max(pageSize, 1)) * sessionBytes
}

// Sync fetches the run's plan with c (pages of each window from its
// checkpoint, see [wrapper.Client.PagesAt]) and writes every page with
// [Run.WritePage] as it arrives. When every window is done the sync is
// marked finished: the next sync continues from its last day. On an error
// or a cancelled ctx, what was written stays, and the next Start resumes.
// Give c WithRawJSON(true) so the raw column keeps Zoom's objects, and
// WithMemoryBudget(ReadAheadBudget(...)).
func (r *Run) Sync(ctx context.Context, c *wrapper.Client) (sum Summary, err error) {
	start := r.s.now()
	before := c.Stats().Requests
	sum.Skipped = len(r.Plan.Windows) - len(r.Plan.Cursors)
	defer func() {
		sum.Counts = r.counts
		sum.Requests = c.Stats().Requests - before
		sum.Elapsed = r.s.now().Sub(start)
	}()
	for p, err := range c.PagesAt(ctx, r.Plan.Cursors) {
		if err != nil {
			return sum, err
		}
		if _, err := r.WritePage(ctx, p); err != nil {
			return sum, err
		}
		sum.Pages++
		if p.Last() {
			sum.Windows++
		}
	}
	if sum.Windows != len(r.Plan.Cursors) {
		return sum, fmt.Errorf("archive: %d of %d windows fetched to their last page; the sync stays unfinished", sum.Windows, len(r.Plan.Cursors))
	}
	return sum, r.finish(ctx)
}

// finish marks the sync finished.
func (r *Run) finish(ctx context.Context) error {
	if _, err := r.s.db.ExecContext(ctx, `UPDATE syncs SET finished_at = ? WHERE id = ?`, formatTime(r.s.now()), r.id); err != nil {
		return fmt.Errorf("archive: marking the sync finished: %w", err)
	}
	return nil
}

package archive_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/zoomkit/chatsessions/archive"
	"github.com/zoomkit/chatsessions/wrapper"
	"github.com/zoomkit/chatsessions/zoomtest"
)

// The first sync backfills six months; a sync an hour later re-reads only
// the last synced day and the overlap before it, adds the new sessions and
// leaves one row per session.
func TestSyncBackfillThenIncremental(t *testing.T) {
	clk := newClock()
	srv := fake(t, clk, zoomtest.WithSessionsPerDay(24))
	s := open(t, clk)

	p, sum := syncOnce(t, s, client(t, srv, clk, wrapper.WithPageSize(300)), archive.Request{Overlap: 2})
	if got, want := p.From.String()+".."+p.To.String(), "2026-05-27..2026-11-27"; got != want {
		t.Errorf("first sync range %s, want %s", got, want)
	}
	want := pulled(t, srv, clk, "2026-05-27", "2026-11-27")
	if diff := cmp.Diff(want, ids(t, s)); diff != "" {
		t.Fatalf("archive after the backfill (-want +got):\n%s", diff)
	}
	// 2026-05-27..11-26 is 184 days of 24 sessions, and today until 12:00
	// has 12.
	if len(want) != 184*24+12 {
		t.Fatalf("zoomtest served %d sessions, want %d", len(want), 184*24+12)
	}
	if diff := cmp.Diff(archive.Counts{Added: int64(len(want))}, sum.Counts); diff != "" {
		t.Errorf("backfill counts (-want +got):\n%s", diff)
	}
	if sum.Windows != 7 || sum.Skipped != 0 {
		t.Errorf("backfill: %d windows fetched, %d skipped; want 7 and 0", sum.Windows, sum.Skipped)
	}

	clk.Advance(time.Hour)
	n := len(srv.Requests())
	p, sum = syncOnce(t, s, client(t, srv, clk), archive.Request{Overlap: 2})
	if diff := cmp.Diff([]string{"2026-11-25..2026-11-27"}, windowsOf(requests(srv, n))); diff != "" {
		t.Errorf("second sync's windows (-want +got):\n%s", diff)
	}
	if p.Resumed || p.Gap != nil || p.LastDay.String() != "2026-11-27" {
		t.Errorf("second plan: resumed %v, gap %v, last day %s; want false, nil, 2026-11-27", p.Resumed, p.Gap, p.LastDay)
	}
	// 11-25 and 11-26 whole and today until 12:00 again, one more hour new.
	if diff := cmp.Diff(archive.Counts{Added: 1, Unchanged: 2*24 + 12}, sum.Counts); diff != "" {
		t.Errorf("incremental counts (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(pulled(t, srv, clk, "2026-05-27", "2026-11-27"), ids(t, s)); diff != "" {
		t.Errorf("archive after the incremental sync (-want +got):\n%s", diff)
	}
}

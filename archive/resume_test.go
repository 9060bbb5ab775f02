package archive_test

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/zoomkit/chatsessions/archive"
	"github.com/zoomkit/chatsessions/wrapper"
	"github.com/zoomkit/chatsessions/zoomtest"
)

// interrupted runs a sync of req that stops after `pages` pages, as a
// crash would: the run is closed without finishing.
func interrupted(t *testing.T, s *archive.Store, c *wrapper.Client, req archive.Request, pages int) {
	t.Helper()
	run, err := s.Start(t.Context(), req)
	if err != nil {
		t.Fatal(err)
	}
	defer run.Close()
	n := 0
	for p, err := range c.PagesAt(t.Context(), run.Plan.Cursors) {
		if err != nil {
			t.Fatal(err)
		}
		if _, err := run.WritePage(t.Context(), p); err != nil {
			t.Fatal(err)
		}
		if n++; n == pages {
			return
		}
	}
	t.Fatalf("the sync ended after %d pages, before the interruption", n)
}

// settled returns how many requests srv has seen once no new one arrived
// for 200 ms: a request the interrupted client cancelled in flight may
// reach the fake's log after the client returned.
func settled(srv *zoomtest.Server) int {
	n := len(srv.Requests())
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); {
		time.Sleep(200 * time.Millisecond)
		m := len(srv.Requests())
		if m == n {
			break
		}
		n = m
	}
	return n
}

// 2026-10-01..10-31 at 10 sessions a day and 50 a page is 7 pages; the
// range below is three windows of 6, 7 and 6 pages (300, 310 and 260
// sessions).
var resumeReq = archive.Request{From: wrapper.Date{Year: 2026, Month: 9, Day: 1}, To: wrapper.Date{Year: 2026, Month: 11, Day: 26}}

// A sync interrupted after its 10th page (page 4 of October) resumes at
// October's page 5 with the saved token: September is not fetched again, and
// the resumed run sends only the requests one clean sync has not.
func TestResumeAtSavedToken(t *testing.T) {
	clk := newClock()
	srv := fake(t, clk, zoomtest.WithSessionsPerDay(10))
	s := open(t, clk)
	interrupted(t, s, client(t, srv, clk, wrapper.WithPageSize(50), wrapper.WithMemoryBudget(archive.ReadAheadBudget(1, 50))), resumeReq, 10)

	clk.Advance(10 * time.Minute) // the token is still valid
	n := settled(srv)
	run, err := s.Start(t.Context(), resumeReq)
	if err != nil {
		t.Fatal(err)
	}
	defer run.Close()
	if !run.Plan.Resumed || len(run.Plan.Windows) != 3 || len(run.Plan.Cursors) != 2 {
		t.Fatalf("plan: resumed %v, %d windows, %d to fetch; want true, 3, 2", run.Plan.Resumed, len(run.Plan.Windows), len(run.Plan.Cursors))
	}
	if cur := run.Plan.Cursors[0]; cur.Window.String() != "2026-10-01..2026-10-31" || cur.Page != 5 || cur.Token == "" {
		t.Fatalf("October's cursor: window %s, page %d, token set %v; want page 5 with a token", cur.Window, cur.Page, cur.Token != "")
	}
	sum, err := run.Sync(t.Context(), client(t, srv, clk, wrapper.WithPageSize(50), wrapper.WithMemoryBudget(archive.ReadAheadBudget(1, 50))))
	if err != nil {
		t.Fatal(err)
	}
	var want []sent
	for range 3 { // October's pages 5 to 7
		want = append(want, sent{"2026-10-01..2026-10-31", true})
	}
	want = append(want, sent{"2026-11-01..2026-11-26", false})
	for range 5 {
		want = append(want, sent{"2026-11-01..2026-11-26", true})
	}
	if diff := cmp.Diff(want, requests(srv, n)); diff != "" {
		t.Errorf("requests after the resume (-want +got):\n%s", diff)
	}
	// The interrupted run also sent the requests the wrapper had read ahead
	// (ReadAheadBudget: a few pages, and one in flight) that were never
	// written.
	if n < 10 || n > 15 {
		t.Errorf("the interrupted run sent %d requests, want 10 to 15", n)
	}
	if sum.Skipped != 1 || sum.Windows != 2 || sum.Added != 110+260 || sum.Updated+sum.Unchanged != 0 {
		t.Errorf("summary %+v, want 1 window skipped, 2 fetched, 370 added", sum)
	}
	if diff := cmp.Diff(pulled(t, srv, clk, "2026-09-01", "2026-11-26"), ids(t, s)); diff != "" {
		t.Errorf("archive (-want +got):\n%s", diff)
	}
}

// A sync resumed after its saved token expired restarts that window at page
// 1; the upsert keeps each session once.
func TestResumeAfterTokenExpired(t *testing.T) {
	clk := newClock()
	srv := fake(t, clk, zoomtest.WithSessionsPerDay(10))
	s := open(t, clk)
	interrupted(t, s, client(t, srv, clk, wrapper.WithPageSize(50), wrapper.WithMemoryBudget(archive.ReadAheadBudget(1, 50))), resumeReq, 10)

	clk.Advance(wrapper.PageTokenTTL + time.Second)
	n := settled(srv)
	_, sum := syncOnce(t, s, client(t, srv, clk, wrapper.WithPageSize(50), wrapper.WithMemoryBudget(archive.ReadAheadBudget(1, 50))), resumeReq)
	got := requests(srv, n)
	if diff := cmp.Diff([]string{"2026-10-01..2026-10-31", "2026-11-01..2026-11-26"}, windowsOf(got)); diff != "" {
		t.Errorf("windows fetched after the resume (-want +got):\n%s", diff)
	}
	if len(got) != 13 || got[0].Token {
		t.Errorf("%d requests, the first with a token: %v; want 13 (7 for October, 6 for November), the first without", len(got), got[0].Token)
	}
	// October's first 200 sessions were written before the interruption.
	if diff := cmp.Diff(archive.Counts{Added: 310 - 200 + 260, Unchanged: 200}, sum.Counts); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(pulled(t, srv, clk, "2026-09-01", "2026-11-26"), ids(t, s)); diff != "" {
		t.Errorf("archive (-want +got):\n%s", diff)
	}
}

// A second writer is refused at once, naming the holder; once the first
// closes, it can start.
func TestOneWriter(t *testing.T) {
	clk := newClock()
	s := open(t, clk)
	run, err := s.Start(t.Context(), resumeReq)
	if err != nil {
		t.Fatal(err)
	}
	other := open(t, clk, s.Path())
	_, err = other.Start(t.Context(), resumeReq)
	var le *archive.LockedError
	if !errors.As(err, &le) {
		t.Fatalf("second Start: %v, want a *LockedError", err)
	}
	host, _ := os.Hostname()
	want := "pid " + strconv.Itoa(os.Getpid()) + " on " + host + " since 2026-11-27T12:00:00Z"
	if le.Holder != want || !strings.Contains(err.Error(), "another sync holds "+s.Path()) {
		t.Errorf("error %q, holder %q; want holder %q", err, le.Holder, want)
	}
	if err := run.Close(); err != nil {
		t.Fatal(err)
	}
	run2, err := other.Start(t.Context(), resumeReq)
	if err != nil {
		t.Fatalf("Start after the first closed: %v", err)
	}
	if !run2.Plan.Resumed {
		t.Error("the second run does not continue the first, unfinished one")
	}
	if err := run2.Close(); err != nil {
		t.Fatal(err)
	}
}

// A last sync older than six months: the days Zoom no longer serves are
// the plan's gap and a row of table gaps, and the sync starts at the oldest
// day Zoom serves.
func TestGap(t *testing.T) {
	clk := newClock()
	s := open(t, clk)
	if _, err := s.DB().ExecContext(t.Context(), `INSERT INTO syncs(started_at, finished_at, from_day, to_day) VALUES
		('2026-03-31T02:00:00Z', '2026-03-31T02:05:00Z', '2025-10-01', '2026-03-31')`); err != nil {
		t.Fatal(err)
	}
	run, err := s.Start(t.Context(), archive.Request{Overlap: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer run.Close()
	if run.Plan.Gap == nil || run.Plan.Gap.String() != "2026-04-01..2026-05-26" || run.Plan.From.String() != "2026-05-27" {
		t.Fatalf("gap %v, from %s; want 2026-04-01..2026-05-26 and 2026-05-27", run.Plan.Gap, run.Plan.From)
	}
	var from, to, found string
	if err := s.DB().QueryRowContext(t.Context(), `SELECT from_day, to_day, found_at FROM gaps`).Scan(&from, &to, &found); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"2026-04-01", "2026-05-26", "2026-11-27T12:00:00Z"}, []string{from, to, found}); diff != "" {
		t.Errorf("gaps row (-want +got):\n%s", diff)
	}
}

package archive_test

import (
	"errors"
	"math"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/zoomkit/chatsessions/archive"
	"github.com/zoomkit/chatsessions/wrapper"
	"github.com/zoomkit/chatsessions/zoomtest"
)

// BenchmarkBackfill is a six-month backfill of a large account, 1,000
// sessions a day (about 184,500 sessions, 619 pages of 300, 7 windows at once),
// from zoomtest over loopback. "fetch" only pulls the pages (the baseline);
// "sync" pulls them and writes each into a new archive with its checkpoint.
// At Zoom Pro's 20 requests/s the archive should keep up, so both run at
// the rate limit's speed; unpaced, the gap is the store's cost. Compare the
// sessions/s metrics of the same run:
//
//	go test -run ^$ -bench Backfill -benchtime 1x -count 2 ./archive/
func BenchmarkBackfill(b *testing.B) {
	for _, rate := range []float64{wrapper.DefaultRateLimit, math.Inf(1)} {
		name := "rate=20"
		if math.IsInf(rate, 1) {
			name = "unpaced"
		}
		for _, mode := range []string{"fetch", "sync"} {
			b.Run(name+"/"+mode, func(b *testing.B) { backfill(b, rate, mode == "sync") })
		}
	}
	b.Run("write-only", writeOnly)
}

// writeOnly writes the backfill's pages, fetched beforehand, into a new
// archive: the store's own speed, with no fake Zoom competing for the CPU.
func writeOnly(b *testing.B) {
	now := func() time.Time { return start }
	srv := zoomtest.NewServer(zoomtest.WithClock(now), zoomtest.WithSessionsPerDay(1000))
	b.Cleanup(srv.Close)
	c, err := wrapper.New(wrapper.WithBaseURL(srv.URL()), wrapper.WithTokenURL(srv.TokenURL()),
		wrapper.WithToken(srv.AccessToken()), wrapper.WithClock(now), wrapper.WithRateLimit(math.Inf(1)), wrapper.WithRawJSON(true))
	if err != nil {
		b.Fatal(err)
	}
	var pages []*wrapper.Page
	for p, err := range c.Pages(b.Context(), wrapper.DateOf(start).AddMonths(-6), wrapper.DateOf(start)) {
		if err != nil {
			b.Fatal(err)
		}
		pages = append(pages, p)
	}
	var sessions int64
	for b.Loop() {
		s, run := newArchive(b, now)
		for _, p := range pages {
			n, err := run.WritePage(b.Context(), p)
			if err != nil {
				b.Fatal(err)
			}
			sessions += n.Added
		}
		if err := errors.Join(run.Close(), s.Close()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(sessions)/b.Elapsed().Seconds(), "sessions/s")
}

func backfill(b *testing.B, rate float64, write bool) {
	now := func() time.Time { return start }
	srv := zoomtest.NewServer(zoomtest.WithClock(now), zoomtest.WithSessionsPerDay(1000))
	b.Cleanup(srv.Close)
	var sessions int64
	for b.Loop() {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		c, err := wrapper.New(wrapper.WithBaseURL(srv.URL()), wrapper.WithTokenURL(srv.TokenURL()),
			wrapper.WithToken(srv.AccessToken()), wrapper.WithClock(now), wrapper.WithRateLimit(rate),
			wrapper.WithHTTPClient(&http.Client{Transport: tr, Timeout: time.Minute}), wrapper.WithRawJSON(true))
		if err != nil {
			b.Fatal(err)
		}
		if write {
			s, run := newArchive(b, now)
			sum, err := run.Sync(b.Context(), c)
			if err != nil {
				b.Fatal(err)
			}
			var rows int64
			if err := s.DB().QueryRowContext(b.Context(), `SELECT count(*) FROM sessions`).Scan(&rows); err != nil || rows != sum.Added {
				b.Fatalf("%d rows (%v), want %d", rows, err, sum.Added)
			}
			if err := errors.Join(run.Close(), s.Close()); err != nil {
				b.Fatal(err)
			}
			sessions += sum.Added
		} else {
			for p, err := range c.Pages(b.Context(), wrapper.DateOf(start).AddMonths(-6), wrapper.DateOf(start)) {
				if err != nil {
					b.Fatal(err)
				}
				sessions += int64(len(p.Sessions))
			}
		}
		tr.CloseIdleConnections()
	}
	// 184 whole days and the morning of the 185th.
	if per := sessions / int64(b.N); per < 184_000 || per > 185_000 {
		b.Fatalf("%d sessions a backfill, want 184,000 to 185,000", per)
	}
	b.ReportMetric(float64(sessions)/b.Elapsed().Seconds(), "sessions/s")
}

// newArchive opens a new archive and starts its first sync.
func newArchive(b *testing.B, now func() time.Time) (*archive.Store, *archive.Run) {
	b.Helper()
	s, err := archive.Open(b.Context(), filepath.Join(b.TempDir(), "archive.db"), archive.WithClock(now))
	if err != nil {
		b.Fatal(err)
	}
	run, err := s.Start(b.Context(), archive.Request{})
	if err != nil {
		b.Fatal(err)
	}
	return s, run
}

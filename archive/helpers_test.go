package archive_test

import (
	"context"
	"math"
	"net/http"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/zoomkit/chatsessions/archive"
	"github.com/zoomkit/chatsessions/wrapper"
	"github.com/zoomkit/chatsessions/zoomtest"
)

// start is the tests' "now": the fake's data, the six-month rule and the
// store's "today" follow clock.
var start = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

// clock is a settable clock shared by a fake, a client and a store.
type clock = zoomtest.Clock

func newClock() *clock { return zoomtest.NewClock(start) }

// fake starts a validating fake Zoom on clk.
func fake(t *testing.T, clk *clock, opts ...zoomtest.Option) *zoomtest.Server {
	t.Helper()
	return zoomtest.NewServer(append([]zoomtest.Option{zoomtest.WithT(t), zoomtest.WithClock(clk.Now)}, opts...)...)
}

// client is a wrapper on srv and clk, unpaced, one window at a time (so
// request order is deterministic), keeping raw JSON.
func client(t *testing.T, srv *zoomtest.Server, clk *clock, opts ...wrapper.Option) *wrapper.Client {
	t.Helper()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(tr.CloseIdleConnections)
	c, err := wrapper.New(append([]wrapper.Option{
		wrapper.WithBaseURL(srv.URL()),
		wrapper.WithTokenURL(srv.TokenURL()),
		wrapper.WithToken(srv.AccessToken()),
		wrapper.WithClock(clk.Now),
		wrapper.WithRateLimit(math.Inf(1)),
		wrapper.WithHTTPClient(&http.Client{Transport: tr, Timeout: time.Minute}),
		wrapper.WithConcurrency(1),
		wrapper.WithRawJSON(true),
		wrapper.WithMemoryBudget(archive.ReadAheadBudget(1, wrapper.MaxPageSize)),
	}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// open opens a store in a new temporary directory, or at path if given.
func open(t *testing.T, clk *clock, path ...string) *archive.Store {
	t.Helper()
	p := filepath.Join(t.TempDir(), "archive.db")
	if len(path) > 0 {
		p = path[0]
	}
	s, err := archive.Open(context.Background(), p, archive.WithClock(clk.Now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// syncOnce runs one whole sync of req.
func syncOnce(t *testing.T, s *archive.Store, c *wrapper.Client, req archive.Request) (archive.Plan, archive.Summary) {
	t.Helper()
	run, err := s.Start(t.Context(), req)
	if err != nil {
		t.Fatal(err)
	}
	defer run.Close()
	sum, err := run.Sync(t.Context(), c)
	if err != nil {
		t.Fatal(err)
	}
	return run.Plan, sum
}

// ids returns the archive's session IDs, sorted.
func ids(t *testing.T, s *archive.Store) []string {
	t.Helper()
	rows, err := s.DB().QueryContext(t.Context(), `SELECT id FROM sessions ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// pulled returns the IDs of every session Zoom serves from..to, sorted,
// fetched with a fresh client: what a complete archive of the range holds.
func pulled(t *testing.T, srv *zoomtest.Server, clk *clock, from, to string) []string {
	t.Helper()
	var out []string
	for s, err := range client(t, srv, clk).Sessions(t.Context(), day(t, from), day(t, to)) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, s.ID)
	}
	slices.Sort(out)
	return out
}

func day(t testing.TB, s string) wrapper.Date {
	t.Helper()
	d, err := wrapper.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// sent is one request in the fake's log: its window and whether it carried
// a next_page_token.
type sent struct {
	Window string
	Token  bool
}

// requests returns the fake's API requests from the n-th (from 0) on.
func requests(srv *zoomtest.Server, n int) []sent {
	var out []sent
	for _, r := range srv.Requests()[n:] {
		out = append(out, sent{r.Query.Get("from") + ".." + r.Query.Get("to"), r.Query.Get("next_page_token") != ""})
	}
	return out
}

// windowsOf lists the windows of a request log, in order, once each.
func windowsOf(reqs []sent) []string {
	var out []string
	for _, r := range reqs {
		if len(out) == 0 || out[len(out)-1] != r.Window {
			out = append(out, r.Window)
		}
	}
	return out
}

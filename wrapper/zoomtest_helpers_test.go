package wrapper_test

// The wrapper against the project's fake Zoom (package zoomtest), which checks
// every request and response against the OpenAPI contract embedded in api/:
// zoomtest.WithT(t) turns a request the spec does not allow into a test
// failure, so these tests are the contract check of the client in CI.

import (
	"fmt"
	"math"
	"net/http"
	"testing"
	"time"

	"github.com/zoomkit/chatsessions/wrapper"
	"github.com/zoomkit/chatsessions/zoomtest"
)

// zNow is the fake clock of these tests, given to the fake and the wrapper
// alike: the oldest day they allow is 2026-05-27.
var zNow = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

func fixedClock(t time.Time) func() time.Time { return func() time.Time { return t } }

// zFastRetry keeps retried faults quick; MaxRetryAfter lets a fake's
// Retry-After of about a second through.
var zFastRetry = wrapper.RetryPolicy{MaxAttempts: 4, BaseDelay: time.Millisecond, MaxDelay: 4 * time.Millisecond, MaxRetryAfter: 3 * time.Second}

// startZoom starts a validating fake on zNow; later options win.
func startZoom(t *testing.T, opts ...zoomtest.Option) *zoomtest.Server {
	t.Helper()
	return zoomtest.NewServer(append([]zoomtest.Option{zoomtest.WithT(t), zoomtest.WithClock(fixedClock(zNow))}, opts...)...)
}

// ownHTTPClient is an http.Client with its own connection pool, so that
// which request reuses a connection does not depend on other tests.
func ownHTTPClient(t *testing.T) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: time.Minute}
}

// zClient returns a wrapper on srv with clock zNow, no client-side rate limit,
// zFastRetry and its own connection pool; auth is a static token of the
// fake unless opts hold other credentials (see s2s).
func zClient(t *testing.T, srv *zoomtest.Server, opts ...wrapper.Option) *wrapper.Client {
	t.Helper()
	base := []wrapper.Option{
		wrapper.WithBaseURL(srv.URL()),
		wrapper.WithTokenURL(srv.TokenURL()),
		wrapper.WithClock(fixedClock(zNow)),
		wrapper.WithRateLimit(math.Inf(1)),
		wrapper.WithRetryPolicy(zFastRetry),
		wrapper.WithHTTPClient(ownHTTPClient(t)),
		wrapper.WithConcurrency(1),
	}
	c, err := wrapper.New(append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func static(srv *zoomtest.Server) wrapper.Option { return wrapper.WithToken(srv.AccessToken()) }

func s2s() wrapper.Option {
	return wrapper.WithServerToServer(zoomtest.DefaultAccountID, zoomtest.DefaultClientID, zoomtest.DefaultClientSecret)
}

func zd(t testing.TB, s string) wrapper.Date {
	t.Helper()
	d, err := wrapper.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// pullSessions runs Sessions to the end.
func pullSessions(t *testing.T, c *wrapper.Client, from, to string) ([]wrapper.Session, error) {
	t.Helper()
	var out []wrapper.Session
	for s, err := range c.Sessions(t.Context(), zd(t, from), zd(t, to)) {
		if err != nil {
			return out, err
		}
		out = append(out, s)
	}
	return out, nil
}

// pullPages runs Pages to the end.
func pullPages(t *testing.T, c *wrapper.Client, from, to string) ([]*wrapper.Page, error) {
	t.Helper()
	var out []*wrapper.Page
	for p, err := range c.Pages(t.Context(), zd(t, from), zd(t, to)) {
		if err != nil {
			return out, err
		}
		out = append(out, p)
	}
	return out, nil
}

func pageSessions(ps []*wrapper.Page) []wrapper.Session {
	var out []wrapper.Session
	for _, p := range ps {
		out = append(out, p.Sessions...)
	}
	return out
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// daysIn counts the days of w.
func daysIn(w wrapper.Window) int {
	return int(w.To.Time(nil).Sub(w.From.Time(nil))/(24*time.Hour)) + 1
}

// requestLine describes a request of the fake's log as
// "from..to pN status fault", where pN names the page its next_page_token
// leads to (per pageOf; p1 without a token, p? for a token not in pageOf).
func requestLine(r zoomtest.Request, pageOf map[string]int) string {
	page := "p1"
	if tok := r.Query.Get("next_page_token"); tok != "" {
		page = "p?"
		if n, ok := pageOf[tok]; ok {
			page = fmt.Sprintf("p%d", n)
		}
	}
	return fmt.Sprintf("%s..%s %s %d %s", r.Query.Get("from"), r.Query.Get("to"), page, r.Status, r.Fault)
}

func requestLines(reqs []zoomtest.Request, pageOf map[string]int) []string {
	out := make([]string, len(reqs))
	for i, r := range reqs {
		out[i] = requestLine(r, pageOf)
	}
	return out
}

// line is an expected requestLine.
func line(window string, page, status int, fault zoomtest.FaultKind) string {
	return fmt.Sprintf("%s p%d %d %s", window, page, status, fault)
}

// pageTokens maps each next_page_token of pages to the number of the page it
// leads to.
func pageTokens(pages []*wrapper.Page) map[string]int {
	m := map[string]int{}
	for _, p := range pages {
		if p.NextPageToken != "" {
			m[p.NextPageToken] = p.Number + 1
		}
	}
	return m
}

func checkNoViolations(t *testing.T, srv *zoomtest.Server) {
	t.Helper()
	if v := srv.Violations(); len(v) != 0 {
		t.Errorf("%d contract violations, first: %v", len(v), v[0])
	}
}

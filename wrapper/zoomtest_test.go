package wrapper_test

// The wrapper against the project's fake Zoom (package zoomtest), which checks
// every request and response against the OpenAPI contract embedded in api/:
// zoomtest.WithT(t) turns a request the spec does not allow into a test
// failure, so these tests are the contract check of the client in CI.

import (
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/zoomkit/chatsessions/wrapper"
	"github.com/zoomkit/chatsessions/zoomtest"
)

// zNow is the fake clock of these tests, given to the fake and the wrapper
// alike: the oldest day they allow is 2026-05-27.
var zNow = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

func fixedClock(t time.Time) func() time.Time { return func() time.Time { return t } }

// zClock is a settable clock shared by a fake and a wrapper.
type zClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *zClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *zClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func (c *zClock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

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

// 1. Six months over Server-to-Server OAuth, sequentially and with seven
// windows at once.
func TestZoomtestSixMonthsS2S(t *testing.T) {
	t.Parallel()
	const perDay = zoomtest.DefaultSessionsPerDay // 20: June (600) is exactly two pages
	from, to := "2026-05-27", "2026-11-26"        // the oldest day allowed on zNow .. yesterday
	windows, err := wrapper.Windows(zd(t, from), zd(t, to))
	if err != nil {
		t.Fatal(err)
	}
	if len(windows) != 7 {
		t.Fatalf("%d windows, want 7", len(windows))
	}
	wantWindowReqs := map[zoomtest.Window]int{}
	wantReqs, wantSessions := 0, 0
	for _, w := range windows {
		n := perDay * daysIn(w)
		r := max(1, ceilDiv(n, wrapper.DefaultPageSize))
		wantWindowReqs[zoomtest.Window{From: w.From.String(), To: w.To.String()}] = r
		wantReqs += r
		wantSessions += n
	}
	if wantSessions != 184*perDay || wantReqs != 1+2+3+3+2+3+2 {
		t.Fatalf("test arithmetic: %d sessions, %d requests", wantSessions, wantReqs)
	}

	var outputs [][]wrapper.Session
	for _, conc := range []int{1, 7} {
		srv := startZoom(t, zoomtest.WithSessionsPerDay(perDay))
		c := zClient(t, srv, s2s(), wrapper.WithConcurrency(conc))
		got, err := pullSessions(t, c, from, to)
		if err != nil {
			t.Fatalf("concurrency %d: %v", conc, err)
		}
		outputs = append(outputs, got)

		if len(got) != wantSessions {
			t.Errorf("concurrency %d: %d sessions, want %d", conc, len(got), wantSessions)
		}
		seen := map[string]bool{}
		perDayGot := map[string]int{}
		for i, s := range got {
			if seen[s.ID] {
				t.Fatalf("concurrency %d: session %s repeated", conc, s.ID)
			}
			seen[s.ID] = true
			perDayGot[s.LastMessageSentTime.UTC().Format(time.DateOnly)]++
			if i > 0 && !s.LastMessageSentTime.After(got[i-1].LastMessageSentTime) {
				t.Fatalf("concurrency %d: session %d (%s, %v) not after the one before (%v): not oldest first in window order",
					conc, i, s.ID, s.LastMessageSentTime, got[i-1].LastMessageSentTime)
			}
		}
		if len(perDayGot) != 184 {
			t.Errorf("concurrency %d: sessions on %d days, want 184", conc, len(perDayGot))
		}
		for day, n := range perDayGot {
			if n != perDay || day < from || day > to {
				t.Errorf("concurrency %d: %d sessions on %s, want %d within %s..%s", conc, n, day, perDay, from, to)
			}
		}

		st := srv.Stats()
		if st.TokensIssued != 1 || st.Requests != wantReqs || st.RateLimited != 0 || st.FaultsServed != 0 {
			t.Errorf("concurrency %d: fake stats %+v, want 1 token and %d requests", conc, st, wantReqs)
		}
		if !reflect.DeepEqual(st.Windows, wantWindowReqs) {
			t.Errorf("concurrency %d: requests per window %v, want %v", conc, st.Windows, wantWindowReqs)
		}
		cs := c.Stats()
		if cs != (wrapper.Stats{Windows: 7, Pages: int64(wantReqs), Sessions: int64(wantSessions), Requests: int64(wantReqs), TokenRequests: 1, Rate: math.Inf(1)}) {
			t.Errorf("concurrency %d: client stats %+v", conc, cs)
		}
		// Every request of a window: the same from, to and page_size; a token
		// from the window's previous answer except on the first.
		firsts := map[zoomtest.Window]int{}
		for _, r := range srv.Requests() {
			w := zoomtest.Window{From: r.Query.Get("from"), To: r.Query.Get("to")}
			if _, ok := wantWindowReqs[w]; !ok {
				t.Errorf("concurrency %d: request %d for unexpected window %v", conc, r.N, w)
			}
			if r.Status != http.StatusOK || r.PageSize != 300 || r.Query.Get("page_size") != "300" || r.Account != zoomtest.DefaultAccountID {
				t.Errorf("concurrency %d: request %d: status %d, page_size %q, account %q", conc, r.N, r.Status, r.Query.Get("page_size"), r.Account)
			}
			if len(r.Query) != 3+btoi(r.Query.Has("next_page_token")) {
				t.Errorf("concurrency %d: request %d query %v", conc, r.N, r.Query)
			}
			if !r.Query.Has("next_page_token") {
				firsts[w]++
			}
		}
		for w := range wantWindowReqs {
			if firsts[w] != 1 {
				t.Errorf("concurrency %d: window %v started %d times", conc, w, firsts[w])
			}
		}
		checkNoViolations(t, srv)
	}
	if !reflect.DeepEqual(outputs[0], outputs[1]) {
		t.Errorf("WithConcurrency(1) and WithConcurrency(7) differ: %d vs %d sessions", len(outputs[0]), len(outputs[1]))
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// 2. Pages gives the same sessions as Sessions, and its page numbers and
// tokens are those of the fake's log.
func TestZoomtestPagesMatchLog(t *testing.T) {
	t.Parallel()
	const from, to = "2026-09-15", "2026-11-26"
	srvS := startZoom(t, zoomtest.WithSessionsPerDay(10))
	sessions, err := pullSessions(t, zClient(t, srvS, static(srvS), wrapper.WithPageSize(100)), from, to)
	if err != nil {
		t.Fatal(err)
	}
	srv := startZoom(t, zoomtest.WithSessionsPerDay(10))
	c := zClient(t, srv, static(srv), wrapper.WithPageSize(100))
	pages, err := pullPages(t, c, from, to)
	if err != nil {
		t.Fatal(err)
	}
	if got := pageSessions(pages); !reflect.DeepEqual(got, sessions) {
		t.Fatalf("Pages gave %d sessions, Sessions %d, or they differ", len(got), len(sessions))
	}
	// 2026-09-15..30: 160 sessions, 2 pages; October: 310, 4; November: 260, 3.
	wantPerWindow := []int{2, 4, 3}
	reqs := srv.Requests()
	if len(pages) != 9 || len(reqs) != 9 || len(sessions) != 730 {
		t.Fatalf("%d pages, %d requests, %d sessions; want 9, 9, 730", len(pages), len(reqs), len(sessions))
	}
	windows, _ := wrapper.Windows(zd(t, from), zd(t, to))
	i := 0
	for wi, w := range windows {
		for n := 1; n <= wantPerWindow[wi]; n++ {
			p, r := pages[i], reqs[i] // one window at a time: the log is in page order
			last := n == wantPerWindow[wi]
			if p.Window != w || p.Number != n || p.Last() != last {
				t.Errorf("page %d: window %v number %d last %v; want %v, %d, %v", i, p.Window, p.Number, p.Last(), w, n, last)
			}
			if r.N != i+1 || r.Query.Get("from") != w.From.String() || r.Query.Get("to") != w.To.String() || r.Status != http.StatusOK {
				t.Errorf("request %d: %v status %d, want %v", r.N, r.Query, r.Status, w)
			}
			if got := r.Query.Get("next_page_token"); got != p.Token || r.Query.Has("next_page_token") != (n > 1) {
				t.Errorf("page %d: Token %q, but the request sent %q", i, p.Token, got)
			}
			wantSessions := 100
			if last {
				wantSessions = 10*daysIn(w) - 100*(n-1)
			}
			if len(p.Sessions) != wantSessions {
				t.Errorf("page %d: %d sessions, want %d", i, len(p.Sessions), wantSessions)
			}
			if last {
				if p.NextPageToken != "" {
					t.Errorf("last page %d: NextPageToken %q", i, p.NextPageToken)
				}
			} else if p.NextPageToken == "" || p.NextPageToken != reqs[i+1].Query.Get("next_page_token") {
				t.Errorf("page %d: NextPageToken %q, next request sent %q", i, p.NextPageToken, reqs[i+1].Query.Get("next_page_token"))
			}
			i++
		}
	}
	checkNoViolations(t, srv)
}

// 3. Every fault the fake can serve is recovered, with the output of a clean
// run and an exact request sequence.
func TestZoomtestFaultsRecovered(t *testing.T) {
	t.Parallel()
	const from, to = "2026-10-01", "2026-11-26"
	const oct, nov = "2026-10-01..2026-10-31", "2026-11-01..2026-11-26"
	data := zoomtest.WithSessionsPerDay(10) // October 310: 4 pages of 100; November 260: 3
	page := wrapper.WithPageSize(100)

	srv0 := startZoom(t, data)
	pages0, err := pullPages(t, zClient(t, srv0, static(srv0), page), from, to)
	if err != nil {
		t.Fatal(err)
	}
	clean := pageSessions(pages0)
	// The fake's clock stands still, so every run gets the same tokens.
	pageOf := pageTokens(pages0)
	ok := func(w string, n int) string { return line(w, n, 200, zoomtest.FaultNone) }
	cleanLines := []string{ok(oct, 1), ok(oct, 2), ok(oct, 3), ok(oct, 4), ok(nov, 1), ok(nov, 2), ok(nov, 3)}
	if got := requestLines(srv0.Requests(), pageOf); !slices.Equal(got, cleanLines) || len(clean) != 570 {
		t.Fatalf("clean run: %d sessions, requests\n%s", len(clean), strings.Join(got, "\n"))
	}
	cleanStats := wrapper.Stats{Windows: 2, Pages: 7, Sessions: 570, Requests: 7, Rate: math.Inf(1)}

	noKeepAlive := func(t *testing.T) *http.Client {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.DisableKeepAlives = true
		return &http.Client{Transport: tr}
	}
	with := func(lines []string, i int, repl ...string) []string {
		return slices.Concat(lines[:i], repl, lines[i+1:])
	}
	for _, tc := range []struct {
		name  string
		fault zoomtest.Fault
		s2s   bool
		hc    func(*testing.T) *http.Client
		want  []string
		stats wrapper.Stats // only the fields that differ from cleanStats
		slow  time.Duration // the run takes at least this long
	}{
		{
			name:  "html-502 on a next page",
			fault: zoomtest.Fault{Request: 2, Kind: zoomtest.FaultHTML5xx},
			want:  with(cleanLines, 1, line(oct, 2, 502, zoomtest.FaultHTML5xx), ok(oct, 2)),
			stats: wrapper.Stats{Requests: 8, Retries: 1},
		},
		{
			name:  "html-503 on a first page",
			fault: zoomtest.Fault{Request: 5, Kind: zoomtest.FaultHTML5xx, Status: 503},
			want:  with(cleanLines, 4, line(nov, 1, 503, zoomtest.FaultHTML5xx), ok(nov, 1)),
			stats: wrapper.Stats{Requests: 8, Retries: 1},
		},
		{
			// A fresh connection: net/http returns the error and the wrapper retries.
			name:  "drop on a new connection",
			fault: zoomtest.Fault{Request: 1, Kind: zoomtest.FaultDropConnection},
			want:  with(cleanLines, 0, line(oct, 1, 0, zoomtest.FaultDropConnection), ok(oct, 1)),
			stats: wrapper.Stats{Requests: 8, Retries: 1},
		},
		{
			// A reused keep-alive connection: net/http's Transport resends the
			// GET by itself, so the fake sees the retry but the wrapper sent,
			// and counts, one request and no retry.
			name:  "drop on a reused connection",
			fault: zoomtest.Fault{Request: 2, Kind: zoomtest.FaultDropConnection},
			want:  with(cleanLines, 1, line(oct, 2, 0, zoomtest.FaultDropConnection), ok(oct, 2)),
			stats: wrapper.Stats{Requests: 7},
		},
		{
			// With S2S the first API request reuses the token request's
			// connection: resent by net/http too.
			name:  "drop on the token request's connection",
			fault: zoomtest.Fault{Request: 1, Kind: zoomtest.FaultDropConnection},
			s2s:   true,
			want:  with(cleanLines, 0, line(oct, 1, 0, zoomtest.FaultDropConnection), ok(oct, 1)),
			stats: wrapper.Stats{Requests: 7, TokenRequests: 1},
		},
		{
			name:  "drop without keep-alives",
			fault: zoomtest.Fault{Request: 2, Kind: zoomtest.FaultDropConnection},
			hc:    noKeepAlive,
			want:  with(cleanLines, 1, line(oct, 2, 0, zoomtest.FaultDropConnection), ok(oct, 2)),
			stats: wrapper.Stats{Requests: 8, Retries: 1},
		},
		{
			name:  "truncated body",
			fault: zoomtest.Fault{Request: 2, Kind: zoomtest.FaultTruncatedBody},
			want:  with(cleanLines, 1, line(oct, 2, 200, zoomtest.FaultTruncatedBody), ok(oct, 2)),
			stats: wrapper.Stats{Requests: 8, Retries: 1},
		},
		{
			name:  "latency",
			fault: zoomtest.Fault{Request: 2, Kind: zoomtest.FaultLatency, Latency: 300 * time.Millisecond},
			want:  with(cleanLines, 1, line(oct, 2, 200, zoomtest.FaultLatency)),
			stats: wrapper.Stats{Requests: 7},
			slow:  300 * time.Millisecond,
		},
		{
			// One new token, one more try of the same page.
			name:  "access token expired",
			fault: zoomtest.Fault{Request: 3, Kind: zoomtest.FaultTokenExpired},
			s2s:   true,
			want:  with(cleanLines, 2, line(oct, 3, 401, zoomtest.FaultTokenExpired), ok(oct, 3)),
			stats: wrapper.Stats{Requests: 8, Retries: 1, TokenRequests: 2},
		},
		{
			// The window starts again from page 1; the pages already yielded
			// come again, empty.
			name:  "page token expired",
			fault: zoomtest.Fault{Request: 3, Kind: zoomtest.FaultPageTokenExpired},
			want:  with(cleanLines, 2, line(oct, 3, 400, zoomtest.FaultPageTokenExpired), ok(oct, 1), ok(oct, 2), ok(oct, 3)),
			stats: wrapper.Stats{Pages: 7, Requests: 10, Restarts: 1, Duplicates: 200}, // pages 1 and 2 again: nothing new, not yielded
		},
		{
			name:  "page token expired on a last page",
			fault: zoomtest.Fault{Request: 7, Kind: zoomtest.FaultPageTokenExpired},
			want:  with(cleanLines, 6, line(nov, 3, 400, zoomtest.FaultPageTokenExpired), ok(nov, 1), ok(nov, 2), ok(nov, 3)),
			stats: wrapper.Stats{Pages: 7, Requests: 10, Restarts: 1, Duplicates: 200}, // pages 1 and 2 again: nothing new, not yielded
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := startZoom(t, data, zoomtest.WithFaults(tc.fault))
			opts := []wrapper.Option{page, static(srv)}
			if tc.s2s {
				opts[1] = s2s()
			}
			if tc.hc != nil {
				opts = append(opts, wrapper.WithHTTPClient(tc.hc(t)))
			}
			c := zClient(t, srv, opts...)
			start := time.Now()
			pages, err := pullPages(t, c, from, to)
			if err != nil {
				t.Fatal(err)
			}
			if d := time.Since(start); d < tc.slow {
				t.Errorf("took %v, want at least %v", d, tc.slow)
			}
			if got := pageSessions(pages); !reflect.DeepEqual(got, clean) {
				t.Errorf("%d sessions, differing from the clean run's %d", len(got), len(clean))
			}
			if got := requestLines(srv.Requests(), pageOf); !slices.Equal(got, tc.want) {
				t.Errorf("requests:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			want := cleanStats
			want.Requests, want.Retries, want.Restarts, want.TokenRequests = tc.stats.Requests, tc.stats.Retries, tc.stats.Restarts, tc.stats.TokenRequests
			want.Duplicates = tc.stats.Duplicates
			if tc.stats.Pages != 0 {
				want.Pages = tc.stats.Pages
			}
			got := c.Stats()
			if (got.Waiting > 0) != (want.Retries > 0 && want.TokenRequests < 2) { // a renewed token is retried at once
				t.Errorf("waited %v for %d retries", got.Waiting, want.Retries)
			}
			got.Waiting = 0 // real backoff, with jitter
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("client stats (-want +got):\n%s", diff)
			}
			st := srv.Stats()
			if st.Requests != len(tc.want) || st.FaultsServed != 1 || st.TokensIssued != int(want.TokenRequests) {
				t.Errorf("fake stats %+v", st)
			}
			checkNoViolations(t, srv)
		})
	}
}

// stallCase is a page-token expiry test: a consumer of one long window that
// stops for 16 minutes (the fake's token TTL is 15) after the pages it has
// received numbers stalls, or after every page.
type stallCase struct {
	pageSize    int
	stalls      []int
	everyPage   bool
	maxRestarts int
}

// runStalls pulls October 2026 (620 sessions) on a settable clock, stalling
// as tc says, and returns what came out.
func runStalls(t *testing.T, tc stallCase) (srv *zoomtest.Server, c *wrapper.Client, pages []*wrapper.Page, err error) {
	clk := &zClock{t: zNow}
	srv = startZoom(t, zoomtest.WithClock(clk.Now))
	// A budget of one byte: one page ahead of the caller, so that waitIdle
	// sees the wrapper wait for its caller.
	c = zClient(t, srv, static(srv), wrapper.WithClock(clk.Now), wrapper.WithPageSize(tc.pageSize), wrapper.WithMaxRestarts(tc.maxRestarts),
		wrapper.WithMemoryBudget(1))
	for p, e := range c.Pages(t.Context(), zd(t, "2026-10-01"), zd(t, "2026-10-31")) {
		if e != nil {
			return srv, c, pages, e
		}
		pages = append(pages, p)
		if tc.everyPage {
			waitIdle(srv) // 16 minutes are long enough to read ahead as far as the budget allows
			clk.Advance(16 * time.Minute)
		} else if slices.Contains(tc.stalls, len(pages)) {
			clk.Advance(16 * time.Minute)
		}
	}
	return srv, c, pages, nil
}

// waitIdle returns once srv has seen no new request for a while: the
// wrapper has read ahead as far as it can and waits for its caller.
func waitIdle(srv *zoomtest.Server) {
	last := -1
	for n := srv.Stats().Requests; n != last; n = srv.Stats().Requests {
		last = n
		time.Sleep(30 * time.Millisecond)
	}
}

// 4. Page-token TTL: each expiry costs one restart of the window and
// nothing is lost or repeated.
func TestZoomtestPageTokenTTL(t *testing.T) {
	t.Parallel()
	srv0 := startZoom(t)
	clean, err := pullSessions(t, zClient(t, srv0, static(srv0)), "2026-10-01", "2026-10-31")
	if err != nil || len(clean) != 620 {
		t.Fatalf("clean run: %d sessions, %v", len(clean), err)
	}
	for _, stalls := range [][]int{{2}, {2, 12, 22}} {
		t.Run(fmt.Sprint(stalls), func(t *testing.T) {
			t.Parallel()
			// 62 pages of 10: the window is far from done at every stall.
			srv, c, pages, err := runStalls(t, stallCase{pageSize: 10, stalls: stalls, maxRestarts: wrapper.DefaultMaxRestarts})
			if err != nil {
				t.Fatal(err)
			}
			if got := pageSessions(pages); !reflect.DeepEqual(got, clean) {
				t.Fatalf("%d sessions, differing from the clean run's %d", len(got), len(clean))
			}
			// Each stall expires exactly one token: the next request after
			// it. That request is answered 400 and followed by page 1; every
			// other answer is 200 and followed by the next page.
			pageOf := pageTokens(pages)
			reqs := srv.Requests()
			expired, restartPages, reached := 0, 0, 0
			next := 1
			for i, r := range reqs {
				l := requestLine(r, pageOf)
				// A page fetched again after a restart has nothing new and
				// is not yielded, so the token it returned is unknown.
				again := next-1 <= reached && strings.HasPrefix(l, "2026-10-01..2026-10-31 p? ")
				if want := fmt.Sprintf("2026-10-01..2026-10-31 p%d ", next); !strings.HasPrefix(l, want) && !again {
					t.Fatalf("request %d: %s, want page %d", i+1, l, next)
				}
				switch r.Status {
				case http.StatusOK:
					if !again {
						reached = max(reached, next)
					}
					next++
				case http.StatusBadRequest:
					if next == 1 {
						t.Fatalf("request %d: first page refused", i+1)
					}
					expired++
					restartPages += next - 1
					next = 1
				default:
					t.Fatalf("request %d: %s", i+1, l)
				}
			}
			if next != 63 {
				t.Errorf("the log ends before page 62: next %d", next)
			}
			if expired != len(stalls) || len(reqs) != 62+expired+restartPages {
				t.Errorf("%d requests, %d expired tokens, %d pages fetched again; want %d expired", len(reqs), expired, restartPages, len(stalls))
			}
			want := wrapper.Stats{Windows: 1, Pages: 62, Sessions: 620, Requests: int64(len(reqs)), Restarts: int64(len(stalls)),
				Duplicates: int64(10 * restartPages), Rate: math.Inf(1)}
			if got := c.Stats(); got != want {
				t.Errorf("client stats %+v, want %+v", got, want)
			}
			checkNoViolations(t, srv)
		})
	}
}

// A consumer slower than the token TTL, even after every page, still gets
// every session exactly once: each restart fetches the pages already seen
// without waiting for the consumer, then yields at least one new page.
func TestZoomtestPageTokenTTLSlowConsumer(t *testing.T) {
	t.Parallel()
	srv0 := startZoom(t)
	clean, err := pullSessions(t, zClient(t, srv0, static(srv0)), "2026-10-01", "2026-10-31")
	if err != nil || len(clean) != 620 {
		t.Fatalf("clean run: %d sessions, %v", len(clean), err)
	}
	for _, tc := range []stallCase{
		// More stalls than WithMaxRestarts, each after progress.
		{pageSize: 10, stalls: []int{2, 12, 22, 32}, maxRestarts: wrapper.DefaultMaxRestarts},
		// A stall after every page: 31 pages, each token outlived.
		{pageSize: 20, everyPage: true, maxRestarts: wrapper.DefaultMaxRestarts},
	} {
		srv, c, pages, err := runStalls(t, tc)
		if err != nil {
			t.Fatalf("%+v: %v after %d sessions; stats %+v", tc, err, len(pageSessions(pages)), c.Stats())
		}
		if got := pageSessions(pages); !reflect.DeepEqual(got, clean) {
			t.Errorf("%+v: %d sessions, differing from the clean run's %d", tc, len(got), len(clean))
		}
		st := c.Stats()
		if tc.stalls != nil && st.Restarts != int64(len(tc.stalls)) {
			t.Errorf("%+v: %d restarts, want one a stall", tc, st.Restarts)
		}
		if tc.everyPage && st.Pages != 31 {
			t.Errorf("%+v: %d pages yielded, want 31 (pages fetched again are not yielded)", tc, st.Pages)
		}
		t.Logf("%+v: %d requests, %d restarts", tc, st.Requests, st.Restarts)
		checkNoViolations(t, srv)
	}
}

// 5. Rate limits on the real clock: a wrapper paced at the fake's limit draws
// no 429; one ten times faster is refused, waits Retry-After and still gets
// everything.
func TestZoomtestRateLimit(t *testing.T) {
	t.Parallel()
	// Yesterday (UTC, real clock): 120 sessions, 12 pages of 10.
	day := wrapper.DateOf(time.Now().UTC()).AddDays(-1).String()
	run := func(t *testing.T, srvRate int, wrapperRate float64) (*zoomtest.Server, *wrapper.Client, []wrapper.Session, time.Duration) {
		srv := zoomtest.NewServer(zoomtest.WithT(t), zoomtest.WithSessionsPerDay(120), zoomtest.WithRateLimit(srvRate))
		c := zClient(t, srv, static(srv), wrapper.WithClock(time.Now), wrapper.WithPageSize(10), wrapper.WithRateLimit(wrapperRate),
			wrapper.WithRetryPolicy(wrapper.RetryPolicy{MaxAttempts: 6, BaseDelay: time.Millisecond, MaxDelay: 4 * time.Millisecond, MaxRetryAfter: 3 * time.Second}))
		start := time.Now()
		got, err := pullSessions(t, c, day, day)
		if err != nil {
			t.Fatal(err)
		}
		return srv, c, got, time.Since(start)
	}
	srv0 := startZoom(t, zoomtest.WithSessionsPerDay(120), zoomtest.WithClock(time.Now))
	clean, err := pullSessions(t, zClient(t, srv0, static(srv0), wrapper.WithClock(time.Now)), day, day)
	if err != nil || len(clean) != 120 {
		t.Fatalf("clean run: %d sessions, %v", len(clean), err)
	}

	t.Run("paced", func(t *testing.T) {
		t.Parallel()
		srv, c, got, d := run(t, 5, 5)
		if !reflect.DeepEqual(got, clean) {
			t.Errorf("%d sessions, differing from the clean run", len(got))
		}
		if st := srv.Stats(); st.RateLimited != 0 || st.Requests != 12 {
			t.Errorf("fake stats %+v, want 12 requests and no 429", st)
		}
		if st := c.Stats(); st.Requests != 12 || st.Retries != 0 {
			t.Errorf("client stats %+v", st)
		}
		if d < 2*time.Second { // 11 gaps of 200 ms
			t.Errorf("12 requests at 5/s took %v", d)
		}
		checkNoViolations(t, srv)
	})
	t.Run("overdriven", func(t *testing.T) {
		t.Parallel()
		srv, c, got, d := run(t, 5, 50)
		if !reflect.DeepEqual(got, clean) {
			t.Errorf("%d sessions, differing from the clean run", len(got))
		}
		st, cs := srv.Stats(), c.Stats()
		if st.RateLimited == 0 {
			t.Errorf("no 429 at 50/s against 5/s: %+v", st)
		}
		// Every 429 is retried once, and nothing else is retried.
		if cs.Retries != int64(st.RateLimited) || st.Requests != 12+st.RateLimited || cs.Requests != int64(st.Requests) {
			t.Errorf("fake stats %+v, client stats %+v", st, cs)
		}
		n429 := 0
		reqs := srv.Requests()
		for i, r := range reqs {
			if r.Status == http.StatusTooManyRequests {
				n429++
				if i+1 == len(reqs) || !reflect.DeepEqual(reqs[i+1].Query, r.Query) {
					t.Errorf("429 of request %d not followed by the same request", r.N)
				}
			} else if r.Status != http.StatusOK {
				t.Errorf("request %d: status %d", r.N, r.Status)
			}
		}
		if n429 != st.RateLimited {
			t.Errorf("%d answers 429 in the log, %d counted", n429, st.RateLimited)
		}
		// The client saw them too, waited, and lowered its pace.
		if cs.RateLimited != int64(st.RateLimited) || cs.Waiting <= 0 || !(cs.Rate < 50) {
			t.Errorf("client stats %+v: want %d rate limited, time waiting, a rate under 50/s", cs, st.RateLimited)
		}
		t.Logf("%d requests, %d answered 429, in %v", st.Requests, st.RateLimited, d)
		checkNoViolations(t, srv)
	})
}

// 6. A daily limit is not retried and says when it resets.
func TestZoomtestDailyLimit(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		now, reset time.Time
	}{
		{zNow, time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)},
		{time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)},
	} {
		srv := startZoom(t, zoomtest.WithClock(fixedClock(tc.now)), zoomtest.WithSessionsPerDay(10), zoomtest.WithDailyLimit(3))
		c := zClient(t, srv, static(srv), wrapper.WithClock(fixedClock(tc.now)), wrapper.WithPageSize(100))
		got, err := pullSessions(t, c, "2026-10-01", "2026-10-31") // 4 pages
		if !errors.Is(err, wrapper.ErrDailyLimit) || errors.Is(err, wrapper.ErrRateLimited) {
			t.Fatalf("%v: err %v, want ErrDailyLimit", tc.now, err)
		}
		var ae *wrapper.APIError
		if !errors.As(err, &ae) {
			t.Fatalf("%T is no APIError", err)
		}
		if ae.StatusCode != 429 || ae.Code != 429 || ae.RateLimitType != "Daily-limit" || !ae.ResetAt.Equal(tc.reset) || ae.RetryAfter != tc.reset.Sub(tc.now) {
			t.Errorf("%v: %+v, want reset at %v", tc.now, ae, tc.reset)
		}
		if want := "resets at " + tc.reset.Format(time.RFC3339); !strings.Contains(err.Error(), want) {
			t.Errorf("%q lacks %q", err, want)
		}
		if len(got) != 300 {
			t.Errorf("%d sessions before the error, want the 3 pages' 300", len(got))
		}
		if st := srv.Stats(); st.Requests != 4 || st.RateLimited != 1 {
			t.Errorf("fake stats %+v, want 4 requests, the last refused", st)
		}
		if cs := c.Stats(); cs.Requests != 4 || cs.Retries != 0 {
			t.Errorf("client stats %+v", cs)
		}
		checkNoViolations(t, srv)
	}
}

// 7. Credentials the fake refuses: no secret in the error.
func TestZoomtestUnauthorized(t *testing.T) {
	t.Parallel()
	t.Run("unknown static token", func(t *testing.T) {
		t.Parallel()
		const token = "zf.unknown-token-4f1c9ad2e7"
		srv := startZoom(t)
		c := zClient(t, srv, wrapper.WithToken(token))
		_, err := pullSessions(t, c, "2026-10-01", "2026-10-31")
		var ae *wrapper.APIError
		if !errors.Is(err, wrapper.ErrUnauthorized) || !errors.As(err, &ae) || ae.StatusCode != 401 || ae.Code != 124 || ae.Message != "Invalid access token." {
			t.Fatalf("err %v, want 401 code 124", err)
		}
		if strings.Contains(err.Error(), token) || strings.Contains(fmt.Sprintf("%+v %#v", err, c), token) {
			t.Errorf("token in %q", err)
		}
		reqs := srv.Requests()
		if len(reqs) != 1 || reqs[0].Status != 401 || !reqs[0].HasToken || reqs[0].Account != "" {
			t.Errorf("requests %+v, want one refused", reqs)
		}
		if cs := c.Stats(); cs.Requests != 1 || cs.Retries != 0 {
			t.Errorf("client stats %+v", cs)
		}
		checkNoViolations(t, srv)
	})
	t.Run("wrong client secret", func(t *testing.T) {
		t.Parallel()
		const secret = "wrong-secret-8d2e7b31"
		srv := startZoom(t)
		c := zClient(t, srv, wrapper.WithServerToServer(zoomtest.DefaultAccountID, zoomtest.DefaultClientID, secret))
		_, err := pullSessions(t, c, "2026-10-01", "2026-10-31")
		var te *wrapper.TokenError
		if !errors.Is(err, wrapper.ErrUnauthorized) || !errors.As(err, &te) || te.StatusCode != 401 || te.Code != "invalid_client" {
			t.Fatalf("err %v, want the token endpoint's 401 invalid_client", err)
		}
		if strings.Contains(err.Error(), secret) || strings.Contains(fmt.Sprintf("%+v %#v", err, c), secret) {
			t.Errorf("secret in %q", err)
		}
		if st := srv.Stats(); st.Requests != 0 || st.TokensIssued != 0 {
			t.Errorf("fake stats %+v, want no API request", st)
		}
		if cs := c.Stats(); cs.Requests != 0 || cs.TokenRequests != 1 {
			t.Errorf("client stats %+v, want one token request", cs)
		}
	})
}

// 8. The six-month rule: refused before any request, and the wrapper and the
// fake agree on the oldest day, month ends and leap days included.
func TestZoomtestSixMonthRule(t *testing.T) {
	t.Parallel()
	srv := startZoom(t)
	c := zClient(t, srv, static(srv))
	for _, r := range [][2]string{{"2026-05-26", "2026-05-31"}, {"2025-01-01", "2025-01-31"}, {"2026-10-02", "2026-10-01"}} {
		_, err := pullSessions(t, c, r[0], r[1])
		if !errors.Is(err, wrapper.ErrRange) {
			t.Errorf("%v: err %v, want ErrRange", r, err)
		}
	}
	if n := srv.Stats().Requests; n != 0 {
		t.Fatalf("%d requests sent for refused ranges", n)
	}

	// Clock dates: every month end of 2026..2028 (2028 is a leap year), the
	// days before, and both ends of the day.
	var clocks []time.Time
	for m := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC); m.Year() < 2029; m = m.AddDate(0, 1, 0) {
		end := m.AddDate(0, 1, -1)
		for day := 28; day <= end.Day(); day++ {
			d := time.Date(m.Year(), m.Month(), day, 0, 0, 0, 0, time.UTC)
			clocks = append(clocks, d, d.Add(24*time.Hour-time.Nanosecond))
		}
		clocks = append(clocks, m.Add(12*time.Hour))
	}
	clk := &zClock{}
	srv = startZoom(t, zoomtest.WithClock(clk.Now), zoomtest.WithSessionsPerDay(1))
	c = zClient(t, srv, static(srv), wrapper.WithClock(clk.Now))
	direct := ownHTTPClient(t)
	for _, now := range clocks {
		clk.Set(now)
		// Today minus six calendar months, the day clamped to the month's end.
		first := time.Date(now.Year(), now.Month()-6, 1, 0, 0, 0, 0, time.UTC)
		oldest := first.AddDate(0, 0, min(now.Day(), first.AddDate(0, 1, -1).Day())-1)
		before := oldest.AddDate(0, 0, -1)
		o, b := oldest.Format(time.DateOnly), before.Format(time.DateOnly)

		n0 := srv.Stats().Requests
		if _, err := pullSessions(t, c, o, o); err != nil {
			t.Errorf("clock %v: from %s: %v", now, o, err)
		}
		if n := srv.Stats().Requests - n0; n != 1 {
			t.Errorf("clock %v: from %s sent %d requests, want 1", now, o, n)
		}
		_, err := pullSessions(t, c, b, o)
		if !errors.Is(err, wrapper.ErrRange) || !strings.Contains(err.Error(), "six-month") {
			t.Errorf("clock %v: from %s: err %v, want the wrapper's six-month ErrRange", now, b, err)
		}
		if n := srv.Stats().Requests - n0; n != 1 {
			t.Errorf("clock %v: from %s was sent to the fake", now, b)
		}
		// The fake refuses the day before too.
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL()+"/report/chat/sessions?from="+b+"&to="+o, nil)
		req.Header.Set("Authorization", "Bearer "+srv.AccessToken())
		resp, err := direct.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body strings.Builder
		_, _ = io.Copy(&body, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 400 || !strings.Contains(body.String(), "Report requested exceeds 6 month limit.") {
			t.Errorf("clock %v: the fake answered from %s with %d %s", now, b, resp.StatusCode, body.String())
		}
	}
	for _, r := range srv.Requests() {
		if r.Status != http.StatusOK && r.Status != http.StatusBadRequest {
			t.Errorf("request %d: status %d", r.N, r.Status)
		}
	}
	t.Logf("%d clock instants checked", len(clocks))
	checkNoViolations(t, srv)
}

package wrapper_test

// Against zoomtest: whole pulls, Pages against the fake's log, the six-month rule.

import (
	"errors"
	"io"
	"math"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/zoomkit/chatsessions/wrapper"
	"github.com/zoomkit/chatsessions/zoomtest"
)

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
		if cs != (wrapper.Stats{Windows: 7, Pages: int64(wantReqs), Sessions: int64(wantSessions), Requests: int64(wantReqs), TokenRequests: 1, Rate: math.Inf(1), Covered: 184 * 24 * time.Hour}) {
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
	clk := &zoomtest.Clock{}
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

// Stats.Covered counts the pages fetched ahead of the caller: while the
// caller holds the first page, the other windows are fetched within the
// budget, and Covered reaches the whole range.
func TestZoomtestCoveredCountsReadAhead(t *testing.T) {
	srv := startZoom(t)
	c := zClient(t, srv, static(srv), wrapper.WithConcurrency(3), wrapper.WithPageSize(100))
	const days = 30 + 31 + 26 // 2026-09-01..2026-11-26
	for p, err := range c.Pages(t.Context(), zd(t, "2026-09-01"), zd(t, "2026-11-26")) {
		if err != nil {
			t.Fatal(err)
		}
		if p.Number != 1 {
			t.Fatalf("page %d first", p.Number)
		}
		deadline := time.Now().Add(5 * time.Second)
		for c.Stats().Covered < days*24*time.Hour && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		if st := c.Stats(); st.Covered != days*24*time.Hour || st.Pages != 1 {
			t.Errorf("holding page 1: Covered %v with %d page yielded, want %v", st.Covered, st.Pages, days*24*time.Hour)
		}
		break
	}
}

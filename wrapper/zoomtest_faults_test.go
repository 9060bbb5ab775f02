package wrapper_test

// Against zoomtest: every fault the fake can serve is recovered.

import (
	"errors"
	"math"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/zoomkit/chatsessions/wrapper"
	"github.com/zoomkit/chatsessions/zoomtest"
)

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
	cleanStats := wrapper.Stats{Windows: 2, Pages: 7, Sessions: 570, Requests: 7, Rate: math.Inf(1), Covered: 57 * 24 * time.Hour}

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

// A request given up after retries says how many tries it took: its own,
// not those of the other windows asking at the same time, for the API and
// for the token endpoint alike. A request refused at once is not a
// RetryError.
func TestZoomtestRetryErrorCountsOneRequest(t *testing.T) {
	down := startZoom(t, zoomtest.WithFaultFunc(func(int, *http.Request) zoomtest.Fault {
		return zoomtest.Fault{Kind: zoomtest.FaultHTML5xx, Status: 503}
	}))
	for _, tc := range []struct {
		name string
		c    *wrapper.Client
		http bool // the last try got an HTTP answer: an APIError
	}{
		{"API answers 503", zClient(t, down, static(down), wrapper.WithConcurrency(4)), true},
		{"token endpoint refuses connections", zClient(t, down, s2s(), wrapper.WithConcurrency(4), wrapper.WithTokenURL("http://127.0.0.1:1/oauth/token")), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := pullPages(t, tc.c, "2026-08-01", "2026-11-02") // four windows at once
			var re *wrapper.RetryError
			if !errors.As(err, &re) || re.Tries != zFastRetry.MaxAttempts || re.Over <= 0 || re.Error() != re.Err.Error() {
				t.Fatalf("error %v (%#v), want a RetryError of %d tries", err, re, zFastRetry.MaxAttempts)
			}
			if ae := (*wrapper.APIError)(nil); tc.http && (!errors.As(err, &ae) || ae.StatusCode != 503) {
				t.Errorf("the last try's APIError is not seen through: %v", err)
			}
		})
	}
	refused := startZoom(t)
	_, err := pullPages(t, zClient(t, refused, wrapper.WithToken("not-a-token")), "2026-11-01", "2026-11-02")
	if re := (*wrapper.RetryError)(nil); err == nil || errors.As(err, &re) {
		t.Fatalf("a 401 for a static token, not retried: got %v, want an error that is no RetryError", err)
	}
}

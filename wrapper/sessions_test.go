package wrapper

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestExactRequestSequence(t *testing.T) {
	f := newFake(t)
	f.set("2026-01-15..2026-01-31", 601).set("2026-02-01..2026-02-28", 0).set("2026-03-01..2026-03-02", 300)
	c, _ := f.client(t)
	got, err := collect(t, c, "2026-01-15", "2026-03-02")
	if err != nil {
		t.Fatal(err)
	}
	want := append(append(ids("2026-01-15..2026-01-31", 601), ids("2026-02-01..2026-02-28", 0)...), ids("2026-03-01..2026-03-02", 300)...)
	if !slices.Equal(got, want) {
		t.Fatalf("got %d sessions, want %d (first diff matters)", len(got), len(want))
	}
	jan := "2026-01-15..2026-01-31"
	wantQ := []string{
		q("2026-01-15", "2026-01-31", 300, ""),
		q("2026-01-15", "2026-01-31", 300, tok(jan, 300)),
		q("2026-01-15", "2026-01-31", 300, tok(jan, 600)),
		q("2026-02-01", "2026-02-28", 300, ""),
		q("2026-03-01", "2026-03-02", 300, ""),
	}
	if g := f.requests(); !slices.Equal(g, wantQ) {
		t.Fatalf("requests:\n got %q\nwant %q", g, wantQ)
	}
	st := c.Stats()
	if st != (Stats{Windows: 3, Pages: 5, Sessions: 901, Requests: 5, Rate: inf}) {
		t.Errorf("stats = %+v", st)
	}
	for _, a := range f.authHeaders() {
		if a != "Bearer static-token-XYZ" {
			t.Fatalf("Authorization = %q", a)
		}
	}
}

func TestPageSizeAndMinimumRequests(t *testing.T) {
	for _, c := range []struct{ n, ps, want int }{{0, 300, 1}, {1, 300, 1}, {300, 300, 1}, {301, 300, 2}, {900, 300, 3}, {7, 3, 3}, {5, 1, 5}} {
		f := newFake(t).set("2026-04-01..2026-04-30", c.n)
		cl, _ := f.client(t, WithPageSize(c.ps))
		got, err := collect(t, cl, "2026-04-01", "2026-04-30")
		if err != nil || len(got) != c.n || len(f.requests()) != c.want {
			t.Errorf("n=%d ps=%d: %d sessions, %d requests, err %v; want %d requests", c.n, c.ps, len(got), len(f.requests()), err, c.want)
		}
		if r := f.requests(); !strings.Contains(r[0], fmt.Sprintf("page_size=%d", c.ps)) {
			t.Errorf("query %q", r[0])
		}
	}
}

func TestRefusedBeforeAnyRequest(t *testing.T) {
	f := newFake(t)
	c, _ := f.client(t)
	for _, tc := range []struct {
		from, to Date
		is       error
		msg      string
	}{
		{Date{2026, 2, 30}, d("2026-03-01"), ErrInvalidDate, "invalid date"},
		{d("2026-03-02"), d("2026-03-01"), ErrRange, "from 2026-03-02 is after to 2026-03-01"},
		{d("2025-11-26"), d("2025-12-01"), ErrRange, "six-month limit"},
	} {
		var err error
		for _, e := range c.Sessions(t.Context(), tc.from, tc.to) {
			err = e
		}
		if !errors.Is(err, tc.is) || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%v..%v: err = %v", tc.from, tc.to, err)
		}
	}
	for _, n := range []int{0, 301, -1} {
		if _, err := New(WithToken("x"), WithPageSize(n)); err == nil || !strings.Contains(err.Error(), "outside 1..300") {
			t.Errorf("page size %d: %v", n, err)
		}
	}
	if _, err := New(); err == nil {
		t.Error("New without credentials succeeded")
	}
	if _, err := New(WithToken("a"), WithServerToServer("a", "b", "c")); err == nil {
		t.Error("two credentials accepted")
	}
	if len(f.requests()) != 0 {
		t.Fatalf("requests sent: %q", f.requests())
	}
}

func TestZoomRangeAnswerIsErrRange(t *testing.T) {
	f := newFake(t).set("2026-04-01..2026-04-30", 5)
	f.setFault(func(w http.ResponseWriter, r *http.Request, n int) bool {
		zoomErr(w, 400, 300, "Report requested exceeds 6 month limit")
		return true
	})
	c, _ := f.client(t)
	_, err := collect(t, c, "2026-04-01", "2026-04-30")
	var ae *APIError
	if !errors.Is(err, ErrRange) || errors.Is(err, ErrPageToken) || !errors.As(err, &ae) || ae.TrackingID != "trk-0" {
		t.Fatalf("err = %v", err)
	}
	if len(f.requests()) != 1 {
		t.Fatalf("requests %d", len(f.requests()))
	}
}

func TestPageTokenExpiryRestart(t *testing.T) {
	win := "2026-04-01..2026-04-30"
	f := newFake(t).set(win, 7)
	var expired atomic.Bool
	f.setFault(func(w http.ResponseWriter, r *http.Request, n int) bool {
		if n == 2 && !expired.Load() { // third page
			expired.Store(true)
			zoomErr(w, 400, 300, "The next page token is either invalid or has expired.")
			return true
		}
		return false
	})
	// After the restart Zoom's order changed: a new session #new in front.
	f.mu.Lock()
	f.order = func(window string, ids []string) []string {
		if expired.Load() {
			return append([]string{"new"}, ids...)
		}
		return ids
	}
	f.mu.Unlock()
	c, _ := f.client(t, WithPageSize(3))
	got, err := collect(t, c, "2026-04-01", "2026-04-30")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"2026-04-01#0", "2026-04-01#1", "2026-04-01#2", "2026-04-01#3", "2026-04-01#4", "2026-04-01#5", "new", "2026-04-01#6"}
	if !slices.Equal(got, want) {
		t.Fatalf("got %q\nwant %q", got, want)
	}
	wantQ := []string{
		q("2026-04-01", "2026-04-30", 3, ""),
		q("2026-04-01", "2026-04-30", 3, tok(win, 3)),
		q("2026-04-01", "2026-04-30", 3, tok(win, 6)), // refused
		q("2026-04-01", "2026-04-30", 3, ""),          // restart: new,#0,#1 -> only "new" is new
		q("2026-04-01", "2026-04-30", 3, tok(win, 3)), // #2,#3,#4 all seen
		q("2026-04-01", "2026-04-30", 3, tok(win, 6)), // #5,#6 -> #6
	}
	if g := f.requests(); !slices.Equal(g, wantQ) {
		t.Fatalf("requests:\n got %q\nwant %q", g, wantQ)
	}
	if st := c.Stats(); st.Restarts != 1 || st.Requests != 6 || st.Sessions != 8 {
		t.Errorf("stats %+v", st)
	}
}

func TestPageTokenExpiryGivesUp(t *testing.T) {
	f := newFake(t).set("2026-04-01..2026-04-30", 10)
	f.setFault(func(w http.ResponseWriter, r *http.Request, n int) bool {
		if r.URL.Query().Get("next_page_token") != "" {
			zoomErr(w, 400, 300, "The next page token is either invalid or has expired.")
			return true
		}
		return false
	})
	c, _ := f.client(t, WithPageSize(5), WithMaxRestarts(2))
	got, err := collect(t, c, "2026-04-01", "2026-04-30")
	if !errors.Is(err, ErrPageToken) || !strings.Contains(err.Error(), "gave up after 2 restarts in a row without progress") {
		t.Fatalf("err = %v", err)
	}
	if len(got) != 5 || len(f.requests()) != 6 || c.Stats().Restarts != 2 {
		t.Fatalf("%d sessions, %d requests, %+v", len(got), len(f.requests()), c.Stats())
	}
}

func TestRepeatedTokenIsAnError(t *testing.T) {
	f := newFake(t)
	f.setFault(func(w http.ResponseWriter, r *http.Request, n int) bool {
		w.Write([]byte(`{"next_page_token":"same","sessions":[{"id":"x` + fmt.Sprint(n) + `"}]}`))
		return true
	})
	c, _ := f.client(t)
	got, err := collect(t, c, "2026-04-01", "2026-04-30")
	if !errors.Is(err, ErrRepeatedToken) || len(got) != 2 || len(f.requests()) != 2 {
		t.Fatalf("got %q, %d requests, err %v", got, len(f.requests()), err)
	}
}

func TestFaultsRetried(t *testing.T) {
	faults := map[string]func(w http.ResponseWriter){
		"429 QPS": func(w http.ResponseWriter) {
			w.Header().Set("X-RateLimit-Type", "QPS")
			zoomErr(w, 429, 429, "You have reached the maximum per-second rate limit for this API. Try again later.")
		},
		"429 no headers": func(w http.ResponseWriter) { zoomErr(w, 429, 429, "Too many requests") },
		"500 json":       func(w http.ResponseWriter) { zoomErr(w, 500, 500, "internal") },
		"502 html": func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(502)
			w.Write([]byte("<html><body><h1>502 Bad Gateway</h1></body></html>"))
		},
		"dropped connection": func(w http.ResponseWriter) {
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
		},
		"cut-off body": func(w http.ResponseWriter) {
			w.Header().Set("Content-Length", "1000")
			w.Write([]byte(`{"next_page_token":"","sessions":[{"id":"tru`))
			conn, buf, _ := w.(http.Hijacker).Hijack()
			buf.Flush()
			conn.Close()
		},
		"invalid JSON body": func(w http.ResponseWriter) { w.Write([]byte(`{"next_page_token":"","sessions":[{"id":"tru`)) },
		"empty 200 body":    func(w http.ResponseWriter) {},
	}
	for name, fault := range faults {
		t.Run(name, func(t *testing.T) {
			win := "2026-04-01..2026-04-30"
			f := newFake(t).set(win, 5)
			f.setFault(func(w http.ResponseWriter, r *http.Request, n int) bool {
				if n == 1 {
					fault(w)
					return true
				}
				return false
			})
			// No keep-alive: net/http itself silently retries a GET whose
			// reused connection drops; this test wants the wrapper's retry.
			tr := &http.Transport{DisableKeepAlives: true}
			defer tr.CloseIdleConnections()
			c, ws := f.client(t, WithPageSize(3), WithHTTPClient(&http.Client{Transport: tr}))
			got, err := collect(t, c, "2026-04-01", "2026-04-30")
			if err != nil || !slices.Equal(got, ids(win, 5)) {
				t.Fatalf("got %q, err %v", got, err)
			}
			wantQ := []string{q("2026-04-01", "2026-04-30", 3, ""), q("2026-04-01", "2026-04-30", 3, tok(win, 3)), q("2026-04-01", "2026-04-30", 3, tok(win, 3))}
			if g := f.requests(); !slices.Equal(g, wantQ) {
				t.Fatalf("requests %q", g)
			}
			w := ws.get()
			if len(w) != 1 || w[0] < DefaultRetryPolicy.BaseDelay/2 || w[0] > DefaultRetryPolicy.BaseDelay {
				t.Fatalf("waits %v", w)
			}
			if st := c.Stats(); st.Retries != 1 || st.Requests != 3 {
				t.Fatalf("stats %+v", st)
			}
		})
	}
}

func TestHTMLErrorAfterRetries(t *testing.T) {
	f := newFake(t)
	f.setFault(func(w http.ResponseWriter, r *http.Request, n int) bool {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(503)
		w.Write([]byte("<html>Service Unavailable</html>"))
		return true
	})
	c, ws := f.client(t, WithRetryPolicy(RetryPolicy{MaxAttempts: 4, BaseDelay: time.Second, MaxDelay: 3 * time.Second, MaxRetryAfter: time.Minute}))
	_, err := collect(t, c, "2026-04-01", "2026-04-30")
	var ae *APIError
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v", err)
	}
	if ae.StatusCode != 503 || ae.Code != 0 || ae.TrackingID != "trk-3" || ae.Body != "<html>Service Unavailable</html>" ||
		ae.Message != "Service Unavailable (non-JSON body)" {
		t.Fatalf("%#v", ae)
	}
	if want := "wrapper: window 2026-04-01..2026-04-30, page 1: zoom: HTTP 503: Service Unavailable (non-JSON body) [x-zm-trackingid trk-3]"; err.Error() != want {
		t.Fatalf("err:\n got %s\nwant %s", err, want)
	}
	w := ws.get()
	if len(f.requests()) != 4 || len(w) != 3 {
		t.Fatalf("%d requests, waits %v", len(f.requests()), w)
	}
	// capped exponential with jitter: [0.5,1]s, [1,2]s, [1.5,3]s
	for i, lim := range [][2]time.Duration{{500 * time.Millisecond, time.Second}, {time.Second, 2 * time.Second}, {1500 * time.Millisecond, 3 * time.Second}} {
		if w[i] < lim[0] || w[i] > lim[1] {
			t.Errorf("wait %d = %v, want in %v", i, w[i], lim)
		}
	}
}

func TestRetryAfterForms(t *testing.T) {
	for _, tc := range []struct {
		name, value string
		want        time.Duration
	}{
		{"seconds", "2", 2 * time.Second},
		{"HTTP-date", fixedNow.Add(5 * time.Second).Format(http.TimeFormat), 5 * time.Second},
		{"ISO 8601 instant", "2026-05-27T12:00:07Z", 7 * time.Second},
		{"ISO 8601 with offset", "2026-05-27T14:00:09+02:00", 9 * time.Second},
		{"in the past", "2026-05-27T11:00:00Z", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t).set("2026-04-01..2026-04-30", 1)
			f.setFault(func(w http.ResponseWriter, r *http.Request, n int) bool {
				if n == 0 {
					w.Header().Set("Retry-After", tc.value)
					zoomErr(w, 429, 429, "You have reached the maximum per-second rate limit for this API. Try again later.")
					return true
				}
				return false
			})
			c, ws := f.client(t)
			if _, err := collect(t, c, "2026-04-01", "2026-04-30"); err != nil {
				t.Fatal(err)
			}
			w := ws.get()
			if tc.want == 0 { // no usable Retry-After: backoff
				if len(w) != 1 || w[0] > DefaultRetryPolicy.BaseDelay {
					t.Fatalf("waits %v", w)
				}
				return
			}
			if !slices.Equal(w, []time.Duration{tc.want}) {
				t.Fatalf("waits %v, want %v", w, tc.want)
			}
		})
	}
}

// A Retry-After beyond MaxRetryAfter is not waited for: the pull stops
// with an error that says until when Zoom asked to wait.
func TestRetryAfterTooFar(t *testing.T) {
	f := newFake(t).set("2026-04-01..2026-04-30", 1)
	f.setFault(func(w http.ResponseWriter, r *http.Request, n int) bool {
		w.Header().Set("Retry-After", "3600")
		zoomErr(w, 429, 429, "You have reached the maximum per-second rate limit for this API. Try again later.")
		return true
	})
	c, ws := f.client(t)
	_, err := collect(t, c, "2026-04-01", "2026-04-30")
	want := "wrapper: window 2026-04-01..2026-04-30, page 1: wrapper: Zoom asks to wait 1h0m0s, until 2026-05-27T13:00:00Z, longer than MaxRetryAfter (1m0s): " +
		"zoom: HTTP 429, code 429: You have reached the maximum per-second rate limit for this API. Try again later. (retry after 1h0m0s) [x-zm-trackingid trk-0]"
	if err == nil || err.Error() != want || !errors.Is(err, ErrRateLimited) {
		t.Fatalf("err:\n got %v\nwant %s", err, want)
	}
	if got := len(f.requests()); got != 1 || len(ws.get()) != 0 {
		t.Fatalf("%d requests, waits %v; want 1 request, no wait", got, ws.get())
	}
	if st := c.Stats(); st.RateLimited != 1 {
		t.Errorf("RateLimited = %d, want 1", st.RateLimited)
	}
}

func TestDailyLimitNotRetried(t *testing.T) {
	f := newFake(t).set("2026-04-01..2026-04-30", 1)
	f.setFault(func(w http.ResponseWriter, r *http.Request, n int) bool {
		w.Header().Set("X-RateLimit-Type", "Daily-limit")
		w.Header().Set("X-RateLimit-Category", "Medium")
		w.Header().Set("Retry-After", "2026-05-28T00:00:00Z")
		zoomErr(w, 429, 429, "You have reached the maximum daily rate limit for this API.")
		return true
	})
	c, ws := f.client(t)
	_, err := collect(t, c, "2026-04-01", "2026-04-30")
	var ae *APIError
	if !errors.Is(err, ErrDailyLimit) || errors.Is(err, ErrRateLimited) || !errors.As(err, &ae) {
		t.Fatalf("err = %v", err)
	}
	if !ae.ResetAt.Equal(time.Date(2026, 5, 28, 0, 0, 0, 0, time.UTC)) || ae.RetryAfter != 12*time.Hour || ae.TrackingID != "trk-0" {
		t.Fatalf("%#v", ae)
	}
	if !strings.Contains(err.Error(), "daily limit; resets at 2026-05-28T00:00:00Z") {
		t.Fatalf("err = %v", err)
	}
	if len(f.requests()) != 1 || len(ws.get()) != 0 {
		t.Fatalf("%d requests, waits %v", len(f.requests()), ws.get())
	}
	// Without Retry-After: next 00:00 UTC.
	f.setFault(func(w http.ResponseWriter, r *http.Request, n int) bool {
		w.Header().Set("X-RateLimit-Type", "Daily-limit")
		zoomErr(w, 429, 429, "daily")
		return true
	})
	_, err = collect(t, c, "2026-04-01", "2026-04-30")
	if !errors.As(err, &ae) || !ae.ResetAt.Equal(time.Date(2026, 5, 28, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("err = %v", err)
	}
}

// Per-second 429s are retried beyond MaxAttempts, until MaxStall passes
// without a page: with Retry-After 1 and MaxStall 5s, five waits of a
// second, then the sixth 429 ends the pull.
func TestPerSecondLimitExhausted(t *testing.T) {
	f := newFake(t)
	f.setFault(func(w http.ResponseWriter, r *http.Request, n int) bool {
		w.Header().Set("X-RateLimit-Type", "QPS")
		w.Header().Set("Retry-After", "1")
		zoomErr(w, 429, 429, "You have reached the maximum per-second rate limit for this API. Try again later.")
		return true
	})
	policy := DefaultRetryPolicy
	policy.MaxAttempts, policy.MaxStall = 2, 5*time.Second
	c, ws := f.client(t, WithRetryPolicy(policy))
	_, err := collect(t, c, "2026-04-01", "2026-04-30")
	if !errors.Is(err, ErrRateLimited) || errors.Is(err, ErrDailyLimit) {
		t.Fatalf("err = %v", err)
	}
	wantWaits := []time.Duration{time.Second, time.Second, time.Second, time.Second, time.Second}
	if diff := cmp.Diff(wantWaits, ws.get()); len(f.requests()) != 6 || diff != "" {
		t.Fatalf("%d requests, want 6; waits (-want +got):\n%s", len(f.requests()), diff)
	}
	if st := c.Stats(); st.RateLimited != 6 || st.Retries != 5 {
		t.Errorf("stats %+v, want 6 rate limited, 5 retries", st)
	}
}

func TestUnauthorized(t *testing.T) {
	t.Run("static token returned at once", func(t *testing.T) {
		f := newFake(t)
		f.setFault(func(w http.ResponseWriter, r *http.Request, n int) bool {
			zoomErr(w, 401, 124, "Invalid access token.")
			return true
		})
		c, ws := f.client(t)
		_, err := collect(t, c, "2026-04-01", "2026-04-30")
		if !errors.Is(err, ErrUnauthorized) || len(f.requests()) != 1 || len(ws.get()) != 0 {
			t.Fatalf("err %v, %d requests", err, len(f.requests()))
		}
	})
	t.Run("s2s renews once", func(t *testing.T) {
		f := newFake(t).set("2026-04-01..2026-04-30", 2)
		f.setFault(func(w http.ResponseWriter, r *http.Request, n int) bool {
			if r.Header.Get("Authorization") == "Bearer access-1" {
				zoomErr(w, 401, 124, "Access token is expired.")
				return true
			}
			return false
		})
		c, err := New(WithBaseURL(f.baseURL()), WithTokenURL(f.tokenURL()), WithServerToServer("acct", "cid", "csecret"),
			WithClock(func() time.Time { return fixedNow }), WithRateLimit(inf))
		if err != nil {
			t.Fatal(err)
		}
		got, err := collect(t, c, "2026-04-01", "2026-04-30")
		if err != nil || len(got) != 2 {
			t.Fatalf("got %q, err %v", got, err)
		}
		if f.tokenCount() != 2 || !slices.Equal(f.authHeaders(), []string{"Bearer access-1", "Bearer access-2"}) {
			t.Fatalf("%d token requests, auths %q", f.tokenCount(), f.authHeaders())
		}
	})
	t.Run("s2s second 401 returned", func(t *testing.T) {
		f := newFake(t)
		f.setFault(func(w http.ResponseWriter, r *http.Request, n int) bool {
			zoomErr(w, 401, 124, "Invalid access token.")
			return true
		})
		c, _ := New(WithBaseURL(f.baseURL()), WithTokenURL(f.tokenURL()), WithServerToServer("acct", "cid", "csecret"),
			WithClock(func() time.Time { return fixedNow }), WithRateLimit(inf))
		_, err := collect(t, c, "2026-04-01", "2026-04-30")
		if !errors.Is(err, ErrUnauthorized) || len(f.requests()) != 2 || f.tokenCount() != 2 {
			t.Fatalf("err %v, %d requests, %d token requests", err, len(f.requests()), f.tokenCount())
		}
	})
	t.Run("missing scopes not renewed", func(t *testing.T) {
		f := newFake(t)
		f.setFault(func(w http.ResponseWriter, r *http.Request, n int) bool {
			zoomErr(w, 401, 4711, "Invalid access token, does not contain scopes:[report:read:list_chat_sessions:admin]")
			return true
		})
		c, _ := New(WithBaseURL(f.baseURL()), WithTokenURL(f.tokenURL()), WithServerToServer("acct", "cid", "csecret"),
			WithClock(func() time.Time { return fixedNow }), WithRateLimit(inf))
		_, err := collect(t, c, "2026-04-01", "2026-04-30")
		if !errors.Is(err, ErrUnauthorized) || len(f.requests()) != 1 || f.tokenCount() != 1 {
			t.Fatalf("err %v, %d requests, %d token requests", err, len(f.requests()), f.tokenCount())
		}
	})
}

func TestS2STokenRequestShapeAndCaching(t *testing.T) {
	f := newFake(t).set("2026-02-01..2026-02-28", 700).set("2026-03-01..2026-03-31", 10).set("2026-04-01..2026-04-30", 301)
	c, err := New(WithBaseURL(f.baseURL()), WithTokenURL(f.tokenURL()), WithServerToServer("acct-1", "client-id", "client-secret"),
		WithClock(func() time.Time { return fixedNow }), WithRateLimit(inf), WithConcurrency(3))
	if err != nil {
		t.Fatal(err)
	}
	got, err := collect(t, c, "2026-02-01", "2026-04-30")
	if err != nil || len(got) != 1011 {
		t.Fatalf("%d sessions, err %v", len(got), err)
	}
	if f.tokenCount() != 1 {
		t.Fatalf("token requests: %d", f.tokenCount())
	}
	tr := f.tokenReq(0)
	wantAuth := "Basic " + base64.StdEncoding.EncodeToString([]byte("client-id:client-secret"))
	if tr.method != "POST" || tr.auth != wantAuth || tr.contentType != "application/x-www-form-urlencoded" ||
		!reflect.DeepEqual(map[string][]string(tr.form), map[string][]string{"grant_type": {"account_credentials"}, "account_id": {"acct-1"}}) {
		t.Fatalf("token request %+v", tr)
	}
	if len(f.authHeaders()) != 6 {
		t.Fatalf("requests %d", len(f.auths))
	}
	for _, a := range f.authHeaders() {
		if a != "Bearer access-1" {
			t.Fatalf("auth %q", a)
		}
	}
	if st := c.Stats(); st.TokenRequests != 1 || st.Requests != 6 {
		t.Fatalf("%+v", st)
	}
	// A token about to expire is not reused.
	f2 := newFake(t).set("2026-04-01..2026-04-30", 3)
	f2.expiresIn = 30
	c2, _ := New(WithBaseURL(f2.baseURL()), WithTokenURL(f2.tokenURL()), WithServerToServer("a", "b", "c-secret"),
		WithClock(func() time.Time { return fixedNow }), WithRateLimit(inf), WithPageSize(1))
	if _, err := collect(t, c2, "2026-04-01", "2026-04-30"); err != nil {
		t.Fatal(err)
	}
	if f2.tokenCount() != 3 {
		t.Fatalf("token requests with 30 s tokens: %d", f2.tokenCount())
	}
}

func TestConcurrencyKeepsWindowOrder(t *testing.T) {
	counts := map[string]int{"2026-01-10..2026-01-31": 650, "2026-02-01..2026-02-28": 0, "2026-03-01..2026-03-31": 301, "2026-04-01..2026-04-30": 900, "2026-05-01..2026-05-20": 2}
	var want []string
	for _, w := range []string{"2026-01-10..2026-01-31", "2026-02-01..2026-02-28", "2026-03-01..2026-03-31", "2026-04-01..2026-04-30", "2026-05-01..2026-05-20"} {
		want = append(want, ids(w, counts[w])...)
	}
	for _, conc := range []int{1, 2, 3, 8} {
		f := newFake(t)
		for w, n := range counts {
			f.set(w, n)
		}
		f.setFault(func(w http.ResponseWriter, r *http.Request, n int) bool {
			if strings.HasPrefix(r.URL.RawQuery, "from=2026-01") {
				time.Sleep(20 * time.Millisecond) // first window slowest
			}
			return false
		})
		c, _ := f.client(t, WithConcurrency(conc))
		got, err := collect(t, c, "2026-01-10", "2026-05-20")
		if err != nil || !slices.Equal(got, want) {
			t.Fatalf("concurrency %d: %d sessions, err %v", conc, len(got), err)
		}
		if n := len(f.requests()); n != 3+1+2+3+1 {
			t.Fatalf("concurrency %d: %d requests", conc, n)
		}
	}
	noLeak(t)
}

func TestEarlyBreakAndCancel(t *testing.T) {
	f := newFake(t)
	for _, w := range []string{"2026-01-01..2026-01-31", "2026-02-01..2026-02-28", "2026-03-01..2026-03-31", "2026-04-01..2026-04-30"} {
		f.set(w, 3000)
	}
	c, _ := f.client(t, WithConcurrency(3), WithMemoryBudget(1))
	n := 0
	for _, err := range c.Sessions(t.Context(), d("2026-01-01"), d("2026-04-30")) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 301 {
			break
		}
	}
	noLeak(t)
	// A budget of one byte: window 1 has one page queued and one in hand
	// beyond the two read, windows 2 and 3 one in hand, window 4 none.
	if r := len(f.requests()); r > 2+2+1+1 {
		t.Errorf("%d requests after early break", r)
	}

	// Cancel while a request hangs.
	block := make(chan struct{})
	defer close(block)
	f.setFault(func(w http.ResponseWriter, r *http.Request, _ int) bool {
		select {
		case <-block:
		case <-r.Context().Done():
		}
		return true
	})
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	var err error
	for _, e := range c.Sessions(ctx, d("2026-01-01"), d("2026-04-30")) {
		err = e
	}
	if !errors.Is(err, context.Canceled) || time.Since(start) > 2*time.Second {
		t.Fatalf("err %v after %v", err, time.Since(start))
	}
	noLeak(t)

	// Cancel during a retry wait: no further request.
	f.setFault(func(w http.ResponseWriter, r *http.Request, _ int) bool {
		zoomErr(w, 500, 500, "boom")
		return true
	})
	before := len(f.requests())
	c2, _ := New(WithBaseURL(f.baseURL()), WithToken("t0ken"), WithClock(func() time.Time { return fixedNow }), WithRateLimit(inf),
		WithRetryPolicy(RetryPolicy{MaxAttempts: 5, BaseDelay: time.Hour, MaxDelay: time.Hour}))
	ctx, cancel = context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	err = nil
	for _, e := range c2.Sessions(ctx, d("2026-04-01"), d("2026-04-30")) {
		err = e
	}
	if !errors.Is(err, context.DeadlineExceeded) || len(f.requests())-before != 1 {
		t.Fatalf("err %v, %d requests", err, len(f.requests())-before)
	}
	noLeak(t)
}

func TestPagesCheckpointFields(t *testing.T) {
	f := newFake(t).set("2026-03-20..2026-03-31", 4).set("2026-04-01..2026-04-02", 0)
	c, _ := f.client(t, WithPageSize(3))
	var got []string
	for p, err := range c.Pages(t.Context(), d("2026-03-20"), d("2026-04-02")) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s #%d %q->%q n=%d last=%v", p.Window, p.Number, p.Token, p.NextPageToken, len(p.Sessions), p.Last()))
	}
	t3 := tok("2026-03-20..2026-03-31", 3)
	want := []string{
		`2026-03-20..2026-03-31 #1 ""->"` + t3 + `" n=3 last=false`,
		`2026-03-20..2026-03-31 #2 "` + t3 + `"->"" n=1 last=true`,
		`2026-04-01..2026-04-02 #1 ""->"" n=0 last=true`,
	}
	if !slices.Equal(got, want) {
		t.Fatalf("got %q\nwant %q", got, want)
	}
}

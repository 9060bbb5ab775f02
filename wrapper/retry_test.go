package wrapper

// Retries: which failures are retried, how long the client waits, when it stops.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

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

// Per-second 429s retried under MaxStall do not count against
// MaxAttempts: a request that met five of them still retries a 502.
func TestPerSecondLimitsLeaveAttempts(t *testing.T) {
	c, err := New(WithToken("static-token-XYZ"), WithClock(func() time.Time { return fixedNow }))
	if err != nil {
		t.Fatal(err)
	}
	qps := &APIError{StatusCode: 429, Code: 429, RateLimitType: "QPS"}
	var st retryState
	for i := range DefaultRetryPolicy.MaxAttempts - 1 {
		if v := c.shouldRetry(t.Context(), qps, "", &st); !v.retry {
			t.Fatalf("429 #%d not retried: %s", i+1, v.reason)
		}
	}
	if v := c.shouldRetry(t.Context(), &APIError{StatusCode: 502}, "", &st); !v.retry || v.reason != "server error" {
		t.Fatalf("a 502 after %d per-second 429s: retry %v (%s), want a retry", DefaultRetryPolicy.MaxAttempts-1, v.retry, v.reason)
	}
}

// Every branch of shouldRetry, by the reason it gives.
func TestShouldRetryReasons(t *testing.T) {
	c, err := New(WithToken("static-token-XYZ"), WithClock(func() time.Time { return fixedNow }))
	if err != nil {
		t.Fatal(err)
	}
	canceled, cancel := context.WithCancel(t.Context())
	cancel()
	qps := &APIError{StatusCode: 429, Code: 429, RateLimitType: "QPS", RetryAfter: time.Second}
	for _, tc := range []struct {
		name  string
		ctx   context.Context
		err   error
		retry bool
		want  string
	}{
		{"caller stopped", canceled, &transportError{"x", errors.New("x")}, false, "the caller stopped"},
		{"caller's deadline", nil, fmt.Errorf("w: %w", context.DeadlineExceeded), false, "the caller's deadline"},
		{"static token refused", nil, &APIError{StatusCode: 401, Code: 124}, false, "access token refused after renewal (or not renewable)"},
		{"daily limit", nil, &APIError{StatusCode: 429, RateLimitType: "Daily-limit", ResetAt: fixedNow.Add(12 * time.Hour)}, false, "daily limit: resets at 2026-05-28T00:00:00Z"},
		{"Retry-After too far", nil, &APIError{StatusCode: 429, RetryAfter: 2 * time.Hour}, false, "Zoom asks to wait longer than MaxRetryAfter"},
		{"per-second limit", nil, qps, true, "per-second limit: retried while the pull makes progress"},
		{"server error", nil, &APIError{StatusCode: 503}, true, "server error"},
		{"other 4xx", nil, &APIError{StatusCode: 404, Code: 1001}, false, "the request itself was refused"},
		{"body over the cap", nil, fmt.Errorf("w: %w", errBodyTooLarge), false, "a body over the cap would be as large again"},
		{"transport", nil, &transportError{"x", errAttemptTimeout}, true, "connection dropped, cut off or timed out"},
		{"contract", nil, &bodyError{err: errors.New("not an object")}, true, "answer outside the contract (garbled or cut off)"},
		{"token endpoint busy", nil, &TokenError{StatusCode: 503}, true, "token endpoint busy or failing"},
		{"token endpoint refused", nil, &TokenError{StatusCode: 401, Code: "invalid_client"}, false, "token endpoint refused the credentials"},
		{"token endpoint unreachable", nil, &redactedError{"x", errors.New("dial")}, true, "token endpoint unreachable"},
		{"anything else", nil, errors.New("odd"), false, "not a transient failure"},
	} {
		ctx := tc.ctx
		if ctx == nil {
			ctx = t.Context()
		}
		v := c.shouldRetry(ctx, tc.err, "static-token-XYZ", &retryState{})
		if v.retry != tc.retry || v.reason != tc.want {
			t.Errorf("%s: retry %v, %q; want %v, %q", tc.name, v.retry, v.reason, tc.retry, tc.want)
		}
	}
	// Counted failures stop after MaxAttempts tries.
	st := &retryState{}
	var v verdict
	for range DefaultRetryPolicy.MaxAttempts {
		v = c.shouldRetry(t.Context(), &APIError{StatusCode: 502}, "", st)
	}
	if v.retry || v.reason != "server error; gave up after 6 tries" {
		t.Errorf("after %d tries: retry %v, %q", DefaultRetryPolicy.MaxAttempts, v.retry, v.reason)
	}
}

package wrapper_test

// Against zoomtest: per-second and daily rate limits.

import (
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/zoomkit/chatsessions/wrapper"
	"github.com/zoomkit/chatsessions/zoomtest"
)

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

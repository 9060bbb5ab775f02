package zoomtest_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/zoomkit/chatsessions/zoomtest"
)

const qpsBody = `{"code":429,"message":"You have reached the maximum per-second rate limit for this API. Try again later."}`

func TestRateLimitBurst(t *testing.T) {
	s, clk := startServer(t, zoomtest.WithRateLimit(3))
	query := q("from", "2026-05-01", "to", "2026-05-01")
	var mu sync.Mutex
	var limited []answer
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			a := get(t, nil, s.URL(), s.AccessToken(), query)
			if a.Status == http.StatusTooManyRequests {
				mu.Lock()
				limited = append(limited, a)
				mu.Unlock()
			} else if a.Status != http.StatusOK {
				t.Errorf("%d %s", a.Status, a.Body)
			}
		})
	}
	wg.Wait()
	if len(limited) != 7 {
		t.Fatalf("%d answers 429 for a burst of 10 at 3/s, want 7", len(limited))
	}
	a := limited[0]
	if strings.TrimSpace(a.Body) != qpsBody {
		t.Errorf("body %s", a.Body)
	}
	want := map[string]string{
		"X-RateLimit-Category":  "Medium",
		"X-RateLimit-Type":      "QPS",
		"X-RateLimit-Limit":     "3",
		"X-RateLimit-Remaining": "0",
		"Retry-After":           "2026-05-15T14:30:01Z",
	}
	for k, v := range want {
		if got := a.Header.Get(k); got != v {
			t.Errorf("%s: %q, want %q", k, got, v)
		}
	}
	if n := s.Stats().RateLimited; n != 7 {
		t.Errorf("Stats().RateLimited = %d", n)
	}
	clk.Advance(time.Second)
	if a := get(t, nil, s.URL(), s.AccessToken(), query); a.Status != http.StatusOK {
		t.Errorf("a second later: %d %s", a.Status, a.Body)
	}
}

func TestRateLimitPerAccount(t *testing.T) {
	other := zoomtest.Credentials{AccountID: "other", ClientID: "other-id", ClientSecret: "other-secret"}
	s, _ := startServer(t, zoomtest.WithRateLimit(1), zoomtest.WithAccount(other))
	_, body := postToken(t, s.TokenURL(), "other-id", "other-secret", q("grant_type", "account_credentials", "account_id", "other"))
	otherToken := strings.Split(strings.Split(body, `"access_token":"`)[1], `"`)[0]
	query := q("from", "2026-05-01", "to", "2026-05-01")
	for i, tc := range []struct {
		token  string
		status int
	}{{s.AccessToken(), 200}, {s.AccessToken(), 429}, {otherToken, 200}, {otherToken, 429}} {
		if a := get(t, nil, s.URL(), tc.token, query); a.Status != tc.status {
			t.Errorf("request %d: %d, want %d", i+1, a.Status, tc.status)
		}
	}
}

func TestDailyLimit(t *testing.T) {
	s, clk := startServer(t, zoomtest.WithDailyLimit(2))
	query := q("from", "2026-05-01", "to", "2026-05-01")
	for range 2 {
		if a := get(t, nil, s.URL(), s.AccessToken(), query); a.Status != 200 {
			t.Fatalf("%d %s", a.Status, a.Body)
		}
	}
	a := get(t, nil, s.URL(), s.AccessToken(), query)
	if a.Status != 429 || !strings.Contains(a.Body, `"code":429`) || !strings.Contains(a.Body, "daily rate limit") {
		t.Errorf("%d %s", a.Status, a.Body)
	}
	for k, v := range map[string]string{
		"X-RateLimit-Type":      "Daily-limit",
		"X-RateLimit-Limit":     "2",
		"X-RateLimit-Remaining": "0",
		"Retry-After":           "2026-05-16T00:00:00Z",
	} {
		if got := a.Header.Get(k); got != v {
			t.Errorf("%s: %q, want %q", k, got, v)
		}
	}
	clk.Advance(10 * time.Hour) // 00:30 the next day
	if a := get(t, nil, s.URL(), s.AccessToken(), query); a.Status != 200 {
		t.Errorf("next day: %d %s", a.Status, a.Body)
	}
}

// A client-side limiter at the same rate, burst 1, never trips the fake's
// limit on the real clock.
func TestRateLimitClientLimiter(t *testing.T) {
	if testing.Short() {
		t.Skip("takes about 2s")
	}
	const perSecond = 20
	s := zoomtest.NewServer(zoomtest.WithRateLimit(perSecond), zoomtest.WithT(t))
	lim := rate.NewLimiter(perSecond, 1)
	query := q("from", time.Now().UTC().Format(time.DateOnly), "to", time.Now().UTC().Format(time.DateOnly))
	for i := range 2*perSecond + 1 {
		if err := lim.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
		if a := get(t, nil, s.URL(), s.AccessToken(), query); a.Status != 200 {
			t.Fatalf("request %d: %d %s", i+1, a.Status, a.Body)
		}
	}
	if n := s.Stats().RateLimited; n != 0 {
		t.Errorf("%d answers 429", n)
	}
}

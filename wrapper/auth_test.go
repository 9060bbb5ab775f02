package wrapper

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"golang.org/x/oauth2"
)

const (
	secret       = "SUPERSECRET-client-secret"
	staticSecret = "STATIC-token-0123456789"
)

func assertNoSecret(t *testing.T, what string, s string, secrets ...string) {
	t.Helper()
	for _, x := range secrets {
		if strings.Contains(s, x) {
			t.Errorf("%s leaks %q: %s", what, x, s)
		}
	}
}

func printAll(v any) string {
	return fmt.Sprintf("%v|%+v|%#v|%s|%q", v, v, v, v, v)
}

func TestSecretsRedacted(t *testing.T) {
	f := newFake(t).set("2026-04-01..2026-04-30", 1)
	// The API echoes the token it got (a hostile or buggy proxy).
	f.setFault(func(w http.ResponseWriter, r *http.Request, n int) bool {
		tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		switch n {
		case 0:
			return false
		case 1:
			zoomErr(w, 401, 4711, "Invalid access token "+tok+", does not contain scopes")
		default:
			w.WriteHeader(502)
			w.Write([]byte("<html>bad gateway for " + tok + "</html>"))
		}
		return true
	})
	c, err := New(WithBaseURL(f.baseURL()), WithTokenURL(f.tokenURL()), WithServerToServer("acct-9", "cid-9", secret),
		WithClock(func() time.Time { return fixedNow }), WithRateLimit(inf))
	if err != nil {
		t.Fatal(err)
	}
	secrets := []string{secret, "access-1"}
	assertNoSecret(t, "client", printAll(c), secrets...)
	if _, err := collect(t, c, "2026-04-01", "2026-04-30"); err != nil {
		t.Fatal(err)
	}
	assertNoSecret(t, "client after a pull", printAll(c), secrets...)
	_, err = collect(t, c, "2026-04-01", "2026-04-30")
	var ae *APIError
	if !errors.As(err, &ae) || ae.Code != 4711 || !strings.Contains(ae.Message, "REDACTED") {
		t.Fatalf("err %v", err)
	}
	assertNoSecret(t, "401 error", printAll(err)+printAll(ae), secrets...)
	c.sleep = func(context.Context, time.Duration) error { return nil }
	_, err = collect(t, c, "2026-04-01", "2026-04-30")
	if !errors.As(err, &ae) || ae.StatusCode != 502 || !strings.Contains(ae.Body, "REDACTED") {
		t.Fatalf("err %v", err)
	}
	assertNoSecret(t, "502 error", printAll(err)+printAll(ae), secrets...)

	// Static token: never printed.
	cs, _ := New(WithToken(staticSecret))
	assertNoSecret(t, "static client", printAll(cs), staticSecret)
	if !strings.Contains(cs.String(), "static token") {
		t.Errorf("String() = %s", cs)
	}
	// Options are funcs: printing one shows no secret either.
	assertNoSecret(t, "option", printAll(WithServerToServer("a", "b", secret))+printAll(WithToken(staticSecret)), secret, staticSecret)
}

func TestTokenEndpointErrors(t *testing.T) {
	mux := http.NewServeMux()
	f := newFake(t)
	mux.HandleFunc("/oauth/token", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(401)
		fmt.Fprintf(w, `{"reason":"Invalid client_id or client_secret (%s)","error":"invalid_client"}`, secret)
	})
	f.mux.Handle("/bad/", http.StripPrefix("/bad", mux))
	c, _ := New(WithBaseURL(f.baseURL()), WithTokenURL(f.url+"/bad/oauth/token"), WithServerToServer("a", "b", secret),
		WithClock(func() time.Time { return fixedNow }), WithRateLimit(inf))
	_, err := collect(t, c, "2026-04-01", "2026-04-30")
	var te *TokenError
	if !errors.Is(err, ErrUnauthorized) || !errors.As(err, &te) || te.StatusCode != 401 || te.Code != "invalid_client" {
		t.Fatalf("err %v", err)
	}
	want := "wrapper: window 2026-04-01..2026-04-30, page 1: wrapper: access token request refused: HTTP 401: invalid_client: Invalid client_id or client_secret (REDACTED)"
	if err.Error() != want {
		t.Fatalf("err:\n got %s\nwant %s", err, want)
	}
	assertNoSecret(t, "token error", printAll(err), secret)
	if len(f.requests()) != 0 {
		t.Fatal("API called without a token")
	}
	// Unreachable token endpoint: retried, then a redacted error.
	c2, _ := New(WithBaseURL(f.baseURL()), WithTokenURL("http://127.0.0.1:1/oauth/token"), WithServerToServer("a", "b", secret),
		WithClock(func() time.Time { return fixedNow }), WithRateLimit(inf))
	w := &waits{}
	c2.sleep = w.sleep
	_, err = collect(t, c2, "2026-04-01", "2026-04-30")
	if err == nil || len(w.get()) != DefaultRetryPolicy.MaxAttempts-1 {
		t.Fatalf("err %v, waits %v", err, w.get())
	}
	assertNoSecret(t, "token network error", printAll(err), secret)
}

type countingSource struct{ n int }

func (s *countingSource) Token() (*oauth2.Token, error) {
	s.n++
	return &oauth2.Token{AccessToken: fmt.Sprintf("access-%d", s.n), Expiry: time.Now().Add(time.Hour)}, nil
}

func TestTokenSourceRenewedOnce(t *testing.T) {
	f := newFake(t).set("2026-04-01..2026-04-30", 1)
	f.setFault(func(w http.ResponseWriter, r *http.Request, n int) bool {
		if r.Header.Get("Authorization") == "Bearer access-1" {
			zoomErr(w, 401, 124, "Invalid access token.")
			return true
		}
		return false
	})
	ts := &countingSource{}
	c, _ := New(WithBaseURL(f.baseURL()), WithTokenSource(ts), WithClock(func() time.Time { return fixedNow }), WithRateLimit(inf))
	if got, err := collect(t, c, "2026-04-01", "2026-04-30"); err != nil || len(got) != 1 || ts.n != 2 {
		t.Fatalf("got %v err %v, %d tokens", got, err, ts.n)
	}
	// A source that keeps giving the same token: the 401 is returned.
	same := oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "access-1"})
	c2, _ := New(WithBaseURL(f.baseURL()), WithTokenSource(same), WithClock(func() time.Time { return fixedNow }), WithRateLimit(inf))
	before := len(f.requests())
	if _, err := collect(t, c2, "2026-04-01", "2026-04-30"); !errors.Is(err, ErrUnauthorized) || len(f.requests())-before != 2 {
		t.Fatalf("err %v, %d requests", err, len(f.requests())-before)
	}
}

// TestRateLimitPacing checks, in virtual time, that a client set to N/s
// never sends more than N requests within any 1-second span — from the very
// first request — even with three windows sharing the limiter.
func TestRateLimitPacing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const perSecond = 20
		f := newFakeHandler(t)
		f.set("2026-02-01..2026-02-28", 40).set("2026-03-01..2026-03-31", 40).set("2026-04-01..2026-04-30", 40)
		var mu sync.Mutex
		var times []time.Time
		f.setFault(func(w http.ResponseWriter, r *http.Request, n int) bool {
			mu.Lock()
			times = append(times, time.Now())
			mu.Unlock()
			return false
		})
		c, err := New(WithBaseURL(f.baseURL()), WithToken("t0ken"), WithHTTPClient(&http.Client{Transport: f}), WithInsecureHTTP(),
			WithClock(func() time.Time { return fixedNow }), WithRateLimit(perSecond), WithPageSize(1), WithConcurrency(3))
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		got, err := collect(t, c, "2026-02-01", "2026-04-30")
		if err != nil || len(got) != 120 {
			t.Fatalf("%d sessions, err %v", len(got), err)
		}
		if len(times) != 120 {
			t.Fatalf("%d requests", len(times))
		}
		for i := perSecond; i < len(times); i++ {
			if span := times[i].Sub(times[i-perSecond]); span < time.Second {
				t.Fatalf("requests %d..%d within %v", i-perSecond, i, span)
			}
		}
		if el, want := time.Since(start), 119*time.Second/perSecond; el != want {
			t.Errorf("elapsed %v, want %v", el, want)
		}
	})
}

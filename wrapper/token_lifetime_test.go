package wrapper

import (
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
)

// pagesOf answers a window in n pages, one session each, the page tokens
// being "p2", "p3"...
func pagesOf(n int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		page := 1
		if tok := r.URL.Query().Get("next_page_token"); tok != "" {
			page, _ = strconv.Atoi(strings.TrimPrefix(tok, "p"))
		}
		next := ""
		if page < n {
			next = "p" + strconv.Itoa(page+1)
		}
		onePage(w, r, next)
	}
}

// TestShortExpiresInCached: a token endpoint answering expires_in 30 (or
// 59, or 1) no longer costs one token request per API request: the token
// is cached for minTokenLifetime. No expires_in means no expiry.
func TestShortExpiresInCached(t *testing.T) {
	for _, exp := range []int{1, 30, 59, 0, 3600} {
		t.Run(strconv.Itoa(exp), func(t *testing.T) {
			h := newHostile(t, pagesOf(4), nil)
			h.expiresIn = exp
			c := newClient(t, h.options(WithServerToServer("acct", "cid", "client-secret-XYZ"), WithPageSize(1))...)
			ids, err := pullApril(t.Context(), c)
			if err != nil || len(ids) != 4 {
				t.Fatalf("ids %v, err %v", ids, err)
			}
			api, token := h.requests()
			bearer := "Bearer " + h.accessTok
			if diff := cmp.Diff([]string{bearer, bearer, bearer, bearer}, api); diff != "" || len(token) != 1 {
				t.Fatalf("%d token requests, want 1; API Authorization (-want +got):\n%s", len(token), diff)
			}
		})
	}
}

// memTransport serves requests with a handler in memory (for synctest's
// fake clock, which a real listener would not let advance).
type memTransport struct{ h http.Handler }

func (m memTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	m.h.ServeHTTP(rec, r)
	return rec.Result(), nil
}

// TestShortTokenRenewal follows one client in virtual time against a Zoom
// that issues 30-second tokens and refuses an expired one with 401/124:
// the token is reused while it works (before, every request fetched one),
// an expired one is renewed after one refusal, and a cached one is renewed
// unasked a minute before its minimum lifetime of five minutes ends.
func TestShortTokenRenewal(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex
		issued := map[string]time.Time{}
		var log []string // "token" or the Authorization of each API request, then its status
		mux := http.NewServeMux()
		mux.HandleFunc("/oauth/token", func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			tok := fmt.Sprintf("access-token-%d", len(issued)+1)
			issued[tok] = time.Now()
			log = append(log, "token")
			mu.Unlock()
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"access_token":%q,"expires_in":30}`, tok)
		})
		mux.HandleFunc("/v2/report/chat/sessions", func(w http.ResponseWriter, r *http.Request) {
			tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
			mu.Lock()
			at, ok := issued[tok]
			expired := !ok || time.Since(at) > 30*time.Second
			log = append(log, fmt.Sprintf("%s %v", tok, map[bool]int{true: 401, false: 200}[expired]))
			mu.Unlock()
			if expired {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusUnauthorized)
				_, _ = w.Write([]byte(`{"code":124,"message":"Invalid access token."}`))
				return
			}
			onePage(w, r, "")
		})
		c := newClient(t, WithBaseURL("https://zoom.test/v2"), WithTokenURL("https://zoom.test/oauth/token"),
			WithHTTPClient(&http.Client{Transport: memTransport{mux}}), WithServerToServer("acct", "cid", "client-secret-XYZ"),
			WithClock(func() time.Time { return hostileNow }), WithRateLimit(math.Inf(1)))
		start := time.Now()
		for _, at := range []time.Duration{0, 10 * time.Second, 29 * time.Second, 45 * time.Second, 4*time.Minute + 46*time.Second, 7*time.Minute + 46*time.Second} {
			time.Sleep(time.Until(start.Add(at)))
			if _, err := pullApril(t.Context(), c); err != nil {
				t.Fatalf("pull at %v: %v", at, err)
			}
		}
		want := []string{
			"token", "access-token-1 200", // 0 s
			"access-token-1 200",                                // 10 s: cached (before: a new token per request)
			"access-token-1 200",                                // 29 s
			"access-token-1 401", "token", "access-token-2 200", // 45 s: expired, renewed once
			"token", "access-token-3 200", // 4 min 46 s: access-token-2 is within a minute of its 5: renewed unasked
			"access-token-3 401", "token", "access-token-4 200", // 7 min 46 s
		}
		if diff := cmp.Diff(want, log); diff != "" {
			t.Errorf("requests (-want +got):\n%s", diff)
		}
		if got := c.Stats().TokenRequests; got != 4 {
			t.Errorf("Stats.TokenRequests %d, want 4", got)
		}
	})
}

// TestOversizedTokenRefused: a token endpoint issuing a 64 KiB token gets
// an error, not a 64 KiB Authorization header on every request.
func TestOversizedTokenRefused(t *testing.T) {
	h := newHostile(t, nil, nil)
	h.accessTok = strings.Repeat("t", 64<<10)
	c := newClient(t, h.options(WithServerToServer("acct", "cid", "client-secret-XYZ"))...)
	_, err := pullApril(t.Context(), c)
	want := &TokenError{Reason: "token endpoint returned a token longer than 16384 bytes"}
	if diff := cmp.Diff(want, asTokenError(err)); diff != "" {
		t.Fatalf("err %v; (-want +got):\n%s", err, diff)
	}
	if api, _ := h.requests(); len(api) != 0 {
		t.Fatalf("%d API requests", len(api))
	}
}

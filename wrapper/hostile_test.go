package wrapper

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

// This file holds the hostile stand-in for Zoom that the security tests
// (redirect_test.go, leak_test.go, token_lifetime_test.go) start on
// loopback: each test writes the answers it needs.

// hostileNow is the clock of these tests; April 2026 is within six months.
var hostileNow = time.Date(2026, 5, 27, 12, 0, 0, 0, time.UTC)

// april is the window every pull of these tests asks for.
var april = Window{From: Date{2026, time.April, 1}, To: Date{2026, time.April, 30}}

// hostileZoom serves /v2/report/chat/sessions with api and /oauth/token
// with token; a nil handler gives a well-behaved answer (one session; an
// access token valid for an hour). It records the Authorization header of
// every request, per path.
type hostileZoom struct {
	srv        *httptest.Server
	api, token http.HandlerFunc

	mu        sync.Mutex
	apiAuth   []string
	tokenAuth []string
	accessTok string // what the default token handler issues
	expiresIn int    // and for how long (seconds; 0: no expires_in)
}

func newHostile(t *testing.T, api, token http.HandlerFunc) *hostileZoom {
	h := &hostileZoom{api: api, token: token, accessTok: "access-token-0123456789", expiresIn: 3600}
	h.srv = httptest.NewServer(h)
	t.Cleanup(h.srv.Close)
	return h
}

// ServeHTTP records the request and hands it to the test's handler.
func (h *hostileZoom) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	api, token := h.api, h.token
	switch r.URL.Path {
	case "/v2/report/chat/sessions":
		h.apiAuth = append(h.apiAuth, r.Header.Get("Authorization"))
	case "/oauth/token":
		h.tokenAuth = append(h.tokenAuth, r.Header.Get("Authorization"))
	default:
		h.mu.Unlock()
		http.NotFound(w, r)
		return
	}
	h.mu.Unlock()
	switch {
	case r.URL.Path == "/oauth/token" && token != nil:
		token(w, r)
	case r.URL.Path == "/oauth/token":
		h.issueToken(w)
	case api != nil:
		api(w, r)
	default:
		onePage(w, r, "")
	}
}

// issueToken answers a token request with h.accessTok.
func (h *hostileZoom) issueToken(w http.ResponseWriter) {
	h.mu.Lock()
	tok, exp := h.accessTok, h.expiresIn
	h.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"access_token":%q,"token_type":"bearer","expires_in":%d}`, tok, exp)
}

// requests returns the Authorization headers the API and the token
// endpoint received, in order.
func (h *hostileZoom) requests() (api, token []string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.apiAuth...), append([]string(nil), h.tokenAuth...)
}

// onePage answers a page request with one session and next as the
// next_page_token.
func onePage(w http.ResponseWriter, r *http.Request, next string) {
	q := r.URL.Query()
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"from":%q,"to":%q,"page_size":%s,"next_page_token":%q,"sessions":[{"id":"s-%s","type":"Group","name":"n"}]}`,
		q.Get("from"), q.Get("to"), q.Get("page_size"), next, q.Get("next_page_token"))
}

// rawReply writes s as the whole HTTP answer, bypassing net/http's checks
// (status text, malformed lines), and closes the connection.
func rawReply(w http.ResponseWriter, r *http.Request, s string) {
	_, _ = io.Copy(io.Discard, r.Body)
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(err) // httptest's HTTP/1.1 server always supports it
	}
	defer conn.Close()
	_, _ = buf.WriteString(s)
	_ = buf.Flush()
}

// hostileOptions are the options of every client of these tests: the
// server's URLs, the fixed clock, no pacing and no retries.
func (h *hostileZoom) options(opts ...Option) []Option {
	return append([]Option{WithBaseURL(h.srv.URL + "/v2"), WithTokenURL(h.srv.URL + "/oauth/token"),
		WithClock(func() time.Time { return hostileNow }), WithRateLimit(math.Inf(1)),
		WithRetryPolicy(RetryPolicy{MaxAttempts: 1})}, opts...)
}

// newClient is New that fails the test on an error.
func newClient(t *testing.T, opts ...Option) *Client {
	t.Helper()
	c, err := New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// pullApril returns the IDs of April's sessions and the error that ended
// the pull, if any.
func pullApril(ctx context.Context, c *Client) ([]string, error) {
	var ids []string
	for p, err := range c.PagesAt(ctx, []WindowCursor{{Window: april}}) {
		if err != nil {
			return ids, err
		}
		for _, s := range p.Sessions {
			ids = append(ids, s.ID)
		}
	}
	return ids, nil
}

// errorChain is err and every error it wraps, depth first.
func errorChain(err error) []error {
	if err == nil {
		return nil
	}
	out := []error{err}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		out = append(out, errorChain(u.Unwrap())...)
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			out = append(out, errorChain(e)...)
		}
	}
	return out
}

// asAPIError is errors.As for *APIError, nil when err holds none.
func asAPIError(err error) *APIError {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae
	}
	return nil
}

// asTokenError is errors.As for *TokenError, nil when err holds none.
func asTokenError(err error) *TokenError {
	var te *TokenError
	if errors.As(err, &te) {
		return te
	}
	return nil
}

// hasControl reports the first rune of s that must not reach a terminal:
// a control character, a bidirectional override, a line separator, or
// invalid UTF-8 (as U+FFFD).
func hasControl(s string) (rune, bool) {
	if !utf8.ValidString(s) {
		return utf8.RuneError, true
	}
	for _, r := range s {
		if r < 0x20 || (r >= 0x7f && r <= 0x9f) || (r >= 0x2028 && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
			return r, true
		}
	}
	return 0, false
}

// leaks reports which of the named forms occur in s.
func leaks(s string, forms map[string]string) []string {
	var out []string
	for name, f := range forms {
		if strings.Contains(s, f) {
			out = append(out, name)
		}
	}
	return out
}

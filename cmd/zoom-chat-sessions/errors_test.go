package main

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/zoomkit/chatsessions/zoomtest"
)

// TestFailureLines checks the one line every failure after requests ends
// with: one prefix, no repeated package chain, the token request named as
// such with its host, tries and time after retries, rounded durations, a
// hint for a base URL without /v2, and no secret.
func TestFailureLines(t *testing.T) {
	srv, s2s := newFake(t)
	tokenHost := strings.TrimPrefix(srv.TokenURL(), "http://")
	tokenHost = tokenHost[:strings.Index(tokenHost, "/")]
	noCreds := map[string]string{"ZOOM_BASE_URL": srv.URL(), "ZOOM_TOKEN_URL": srv.TokenURL()}

	var faults []zoomtest.Fault
	for i := 1; i <= 20; i++ {
		faults = append(faults, zoomtest.Fault{Request: i, Kind: zoomtest.FaultHTML5xx, Status: 503})
	}
	_, failing := newFake(t, zoomtest.WithFaults(faults...))

	// A 200 that is not a report page, with Zoom's text in it.
	garbled := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"sessions":"tok-secret","next_page_token":5}`)
	}))
	t.Cleanup(garbled.Close)

	notFound := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(notFound.Close)

	// Zoom asks to wait until an instant 848.002954ms after the clock.
	limited := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-RateLimit-Type", "QPS")
		w.Header().Set("Retry-After", now.Add(848002954*time.Nanosecond).Format(time.RFC3339Nano))
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = io.WriteString(w, `{"code":429,"message":"You have reached the maximum per-second rate limit for this API. Try again later."}`)
	}))
	t.Cleanup(limited.Close)

	tests := []struct {
		name string
		env  map[string]string
		want string   // a regular expression for the whole line
		args []string // more flags
	}{
		{"wrong secret", withEnv(s2s, "ZOOM_CLIENT_SECRET", "not-the-secret"),
			`access token request to ` + regexp.QuoteMeta(tokenHost) + ` refused: HTTP 401: invalid_client: Invalid client_id or client_secret; check ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET`, nil},
		{"bad static token", withEnv(noCreds, "ZOOM_ACCESS_TOKEN", "expired-token-value"),
			`window 2026-11-01\.\.2026-11-02, page 1: HTTP 401 \(Zoom code 124\): Invalid access token\. \[x-zm-trackingid zoomfake-\d+\]; check the credentials \(ZOOM_ACCESS_TOKEN may have expired\) and the app's scope report_chat:read:admin`, nil},
		{"token endpoint down", withEnv(s2s, "ZOOM_BASE_URL", "http://127.0.0.1:1/v2", "ZOOM_TOKEN_URL", "http://127.0.0.1:1/oauth/token"),
			`access token request to 127\.0\.0\.1:1 failed: Post "http://127\.0\.0\.1:1/oauth/token": dial tcp 127\.0\.0\.1:1: connect: connection refused \(after 4 tries over \d+(\.\d)?m?s\)`, nil},
		{"API down after retries", failing,
			`window 2026-11-01\.\.2026-11-02, page 1: HTTP 503: Service Unavailable \(non-JSON body\) \(after 4 tries over \d+(\.\d)?m?s\)`, nil},
		{"answer outside the contract after retries", withEnv(noCreds, "ZOOM_BASE_URL", garbled.URL+"/v2", "ZOOM_ACCESS_TOKEN", "tok"),
			`window 2026-11-01\.\.2026-11-02, page 1: invalid response body: answer breaks Zoom's contract: sessions is a string, want an array; next_page_token is a number, want a string \(after 4 tries over \d+(\.\d)?m?s\)`, nil},
		{"base URL without /v2", withEnv(noCreds, "ZOOM_BASE_URL", notFound.URL, "ZOOM_ACCESS_TOKEN", "tok"),
			`window 2026-11-01\.\.2026-11-02, page 1: HTTP 404: Not Found \(non-JSON body\); the base URL ` + regexp.QuoteMeta(notFound.URL) + ` should end in /v2, as https://api\.zoom\.us/v2 does`, nil},
		{"rate limited", withEnv(noCreds, "ZOOM_BASE_URL", limited.URL+"/v2", "ZOOM_ACCESS_TOKEN", "tok"),
			`window 2026-11-01\.\.2026-11-02, page 1: HTTP 429: You have reached the maximum per-second rate limit for this API\. Try again later\.; Zoom asked to wait 848ms \(after 4 tries over \d+(\.\d)?m?s\); lower --rate, or try again later`,
			// Each 429 cuts the pacing rate: from 1000/s the 4th try waits
			// about a second, from the default 20/s it would wait 5 s.
			[]string{"--rate", "1000"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, tt.env, append([]string{"--from", "2026-11-01", "--to", "2026-11-02", "--format", "ndjson"}, tt.args...)...)
			if r.code != 1 || r.stdout != "" {
				t.Fatalf("exit %d, stdout %q; want 1 and nothing", r.code, r.stdout)
			}
			re := regexp.MustCompile(`^zoom-chat-sessions: ` + tt.want + "\n$")
			if !re.MatchString(r.stderr) {
				t.Errorf("stderr:\n got %q\nwant %s", r.stderr, re)
			}
			for _, secret := range []string{"not-the-secret", "expired-token-value", zoomtest.DefaultClientSecret, srv.AccessToken()} {
				if strings.Contains(r.stderr, secret) {
					t.Errorf("stderr shows a secret: %q", r.stderr)
				}
			}
		})
	}
}

// TestHostileErrorText: Zoom's message and tracking ID reach stderr with
// control characters escaped, on one line.
func TestHostileErrorText(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("x-zm-trackingid", "t\u202e\u2028x")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"code":1,"message":"bad\r\nzoom-chat-sessions: all good\u001b]0;owned\u0007 \u202eevil"}`)
	}))
	t.Cleanup(srv.Close)
	r := runCLI(t, map[string]string{"ZOOM_BASE_URL": srv.URL + "/v2", "ZOOM_ACCESS_TOKEN": "tok"}, "--from", "2026-11-01", "--to", "2026-11-02")
	want := `zoom-chat-sessions: window 2026-11-01..2026-11-02, page 1: HTTP 400 (Zoom code 1): bad\r\nzoom-chat-sessions: all good\x1b]0;owned\a \u202eevil [x-zm-trackingid t\u202e\u2028x]` + "\n"
	if r.code != 1 || r.stderr != want {
		t.Errorf("exit %d, stderr:\n got %q\nwant %q", r.code, r.stderr, want)
	}
}

// TestRedirectNotFollowed: a 307 from the API or the token endpoint to
// another origin is the answer, not followed: the other origin never sees
// a request (nor the token, nor the client secret), and the line names
// where it pointed.
func TestRedirectNotFollowed(t *testing.T) {
	var elsewhere atomic.Int64
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { elsewhere.Add(1) }))
	t.Cleanup(other.Close)
	redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.RequestURI(), http.StatusTemporaryRedirect)
	}))
	t.Cleanup(redirect.Close)
	u, _ := url.Parse(other.URL)
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"API", map[string]string{"ZOOM_BASE_URL": redirect.URL + "/v2", "ZOOM_ACCESS_TOKEN": "secret-token"},
			"zoom-chat-sessions: window 2026-11-01..2026-11-02, page 1: HTTP 307: redirect to http://" + u.Host + " refused: Zoom does not redirect this call\n"},
		{"token endpoint", map[string]string{"ZOOM_BASE_URL": redirect.URL + "/v2", "ZOOM_TOKEN_URL": redirect.URL + "/oauth/token",
			"ZOOM_ACCOUNT_ID": "a", "ZOOM_CLIENT_ID": "c", "ZOOM_CLIENT_SECRET": "secret-token"},
			"zoom-chat-sessions: access token request to " + strings.TrimPrefix(redirect.URL, "http://") + " refused: HTTP 307: redirect to http://" + u.Host + " refused: Zoom does not redirect this call\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, tt.env, "--from", "2026-11-01", "--to", "2026-11-02")
			if diff := cmp.Diff(tt.want, r.stderr); r.code != 1 || diff != "" {
				t.Errorf("exit %d, stderr (-want +got):\n%s", r.code, diff)
			}
			if n := elsewhere.Load(); n != 0 {
				t.Errorf("the redirect target got %d requests, want none", n)
			}
		})
	}
}

// TestFailureWritesNothing: a run refused before its first session writes
// nothing on stdout, in any format: no "[]", no header that a script could
// take for "no sessions".
func TestFailureWritesNothing(t *testing.T) {
	_, env := newFake(t)
	for _, format := range formats {
		r := runCLI(t, withEnv(env, "ZOOM_CLIENT_SECRET", "wrong"), "--from", "2026-11-01", "--to", "2026-11-02", "--format", format)
		if r.code != 1 || r.stdout != "" {
			t.Errorf("%s: exit %d, stdout %q; want 1 and nothing", format, r.code, r.stdout)
		}
	}
}

// TestWriteFailure: stdout refusing writes ends the pull with exit 1 and
// a line that blames the output, not Zoom.
func TestWriteFailure(t *testing.T) {
	_, env := newFake(t)
	var stderr strings.Builder
	code := run(t.Context(), []string{"--from", "2026-11-01", "--to", "2026-11-02", "--format", "ndjson"}, &environment{
		getenv: func(k string) string { return env[k] }, stdout: failingWriter{}, stderr: &stderr, now: clock,
	})
	if want := "zoom-chat-sessions: writing output: disk full\n"; code != 1 || stderr.String() != want {
		t.Errorf("exit %d, stderr %q; want 1 and %q", code, stderr.String(), want)
	}
}

// failingWriter refuses every write.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

package wrapper

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fixedNow is the clock of most tests: six months back is 2025-11-27.
var fixedNow = time.Date(2026, 5, 27, 12, 0, 0, 0, time.UTC)

// fakeZoom is a small Zoom for these tests: GET /v2/report/chat/sessions
// (under a /v2 prefix, which catches absolute URLs) and POST /oauth/token.
type fakeZoom struct {
	t   *testing.T
	srv *httptest.Server
	mux *http.ServeMux
	url string

	mu        sync.Mutex
	counts    map[string]int // window "from..to" -> number of sessions
	queries   []string       // raw query of every API request, in order
	auths     []string       // Authorization of every API request
	tokenReqs []*tokenReq
	accessN   int // access tokens handed out
	expiresIn int
	// fault, if set, may answer request n (0-based, API requests only)
	// itself and return true.
	fault func(w http.ResponseWriter, r *http.Request, n int) bool
	// order, if set, reorders a window's IDs (for restart tests).
	order func(window string, ids []string) []string
	delay time.Duration // latency of each API request
}

type tokenReq struct {
	method, auth, contentType string
	form                      url.Values
}

func newFake(t *testing.T) *fakeZoom {
	f := newFakeHandler(t)
	f.srv = httptest.NewServer(f.mux)
	t.Cleanup(f.srv.Close)
	f.url = f.srv.URL
	return f
}

// newFakeHandler is a fakeZoom without a listener, for an in-memory
// transport (synctest bubbles).
func newFakeHandler(t *testing.T) *fakeZoom {
	f := &fakeZoom{t: t, counts: map[string]int{}, expiresIn: 3600, url: "http://zoom.test"}
	f.mux = http.NewServeMux()
	f.mux.HandleFunc("GET /v2/report/chat/sessions", f.sessions)
	f.mux.HandleFunc("/oauth/token", f.token)
	return f
}

// RoundTrip serves a request in memory.
func (f *fakeZoom) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	f.mux.ServeHTTP(rec, r)
	return rec.Result(), nil
}

func (f *fakeZoom) baseURL() string  { return f.url + "/v2" }
func (f *fakeZoom) tokenURL() string { return f.url + "/oauth/token" }

func (f *fakeZoom) set(window string, n int) *fakeZoom {
	f.mu.Lock()
	f.counts[window] = n
	f.mu.Unlock()
	return f
}

func (f *fakeZoom) setFault(fn func(w http.ResponseWriter, r *http.Request, n int) bool) {
	f.mu.Lock()
	f.fault = fn
	f.mu.Unlock()
}

func (f *fakeZoom) tokenCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.tokenReqs)
}

func (f *fakeZoom) tokenReq(i int) *tokenReq {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.tokenReqs[i]
}

func (f *fakeZoom) authHeaders() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.auths...)
}

func (f *fakeZoom) requests() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.queries...)
}

func (f *fakeZoom) token(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	f.mu.Lock()
	f.tokenReqs = append(f.tokenReqs, &tokenReq{r.Method, r.Header.Get("Authorization"), r.Header.Get("Content-Type"), r.PostForm})
	f.accessN++
	n, exp := f.accessN, f.expiresIn
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"access_token":"access-%d","token_type":"bearer","expires_in":%d,"scope":"report:read:list_chat_sessions:admin"}`, n, exp)
}

func ids(window string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s#%d", strings.SplitN(window, "..", 2)[0], i)
	}
	return out
}

func (f *fakeZoom) sessions(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f.mu.Lock()
	n := len(f.queries)
	f.queries = append(f.queries, r.URL.RawQuery)
	f.auths = append(f.auths, r.Header.Get("Authorization"))
	fault, order, delay := f.fault, f.order, f.delay
	window := q.Get("from") + ".." + q.Get("to")
	count := f.counts[window]
	f.mu.Unlock()
	if delay > 0 {
		time.Sleep(delay)
	}
	w.Header().Set("x-zm-trackingid", "trk-"+strconv.Itoa(n))
	if fault != nil && fault(w, r, n) {
		return
	}
	ps, _ := strconv.Atoi(q.Get("page_size"))
	if ps < 1 || ps > 300 {
		zoomErr(w, 400, 300, "Invalid page_size")
		return
	}
	off := 0
	if tok := q.Get("next_page_token"); tok != "" {
		raw, err := base64.RawURLEncoding.DecodeString(tok)
		parts := strings.Split(string(raw), "|")
		if err != nil || len(parts) != 2 || parts[0] != window {
			zoomErr(w, 400, 300, "The next page token is either invalid or has expired.")
			return
		}
		off, _ = strconv.Atoi(parts[1])
	}
	all := ids(window, count)
	if order != nil {
		all = order(window, all)
	}
	end := min(off+ps, len(all))
	next := ""
	if end < len(all) {
		next = base64.RawURLEncoding.EncodeToString([]byte(window + "|" + strconv.Itoa(end)))
	}
	type sess struct {
		ID                  string `json:"id"`
		Type                string `json:"type"`
		Name                string `json:"name"`
		ChannelID           string `json:"channel_id"`
		Status              string `json:"status"`
		HasExternalMember   bool   `json:"has_external_member"`
		LastMessageSentTime string `json:"last_message_sent_time"`
	}
	body := struct {
		From          string `json:"from"`
		To            string `json:"to"`
		PageSize      int    `json:"page_size"`
		NextPageToken string `json:"next_page_token"`
		Sessions      []sess `json:"sessions"`
	}{q.Get("from"), q.Get("to"), ps, next, []sess{}}
	for _, id := range all[min(off, len(all)):end] {
		body.Sessions = append(body.Sessions, sess{id, "Group", "n " + id, "ch", "active", false, "2026-03-18T10:16:13Z"})
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(body)
}

func zoomErr(w http.ResponseWriter, status, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"code":%d,"message":%q}`, code, msg)
}

// q is the expected raw query of a request.
func q(from, to string, ps int, token string) string {
	s := "from=" + from + "&to=" + to + "&page_size=" + strconv.Itoa(ps)
	if token != "" {
		s += "&next_page_token=" + url.QueryEscape(token)
	}
	return s
}

func tok(window string, off int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(window + "|" + strconv.Itoa(off)))
}

// waits records the retry waits instead of sleeping.
type waits struct {
	mu sync.Mutex
	d  []time.Duration
}

func (w *waits) sleep(ctx context.Context, d time.Duration) error {
	w.mu.Lock()
	w.d = append(w.d, d)
	w.mu.Unlock()
	return ctx.Err()
}

func (w *waits) get() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Duration(nil), w.d...)
}

// client returns a static-token client of f with the fixed clock, no rate
// limit and recorded (not slept) retry waits.
func (f *fakeZoom) client(t *testing.T, opts ...Option) (*Client, *waits) {
	t.Helper()
	base := []Option{WithBaseURL(f.baseURL()), WithToken("static-token-XYZ"), WithClock(func() time.Time { return fixedNow }), WithRateLimit(inf), WithConcurrency(1)}
	c, err := New(append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	w := &waits{}
	c.sleep = w.sleep
	return c, w
}

var inf = math.Inf(1)

func collect(t *testing.T, c *Client, from, to string) ([]string, error) {
	t.Helper()
	var got []string
	for s, err := range c.Sessions(t.Context(), d(from), d(to)) {
		if err != nil {
			return got, err
		}
		got = append(got, s.ID)
	}
	return got, nil
}

// noLeak waits until no goroutine of this package's client is left.
func noLeak(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		buf := make([]byte, 1<<20)
		st := string(buf[:runtime.Stack(buf, true)])
		if !strings.Contains(st, "wrapper.(*Client)") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("goroutines of the client still running:\n%s", st)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

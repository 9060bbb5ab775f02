package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zoomkit/chatsessions/wrapper"
	"github.com/zoomkit/chatsessions/zoomtest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// now is the fixed clock of these tests: the fake's data and the CLI's
// defaults and six-month rule all follow it.
var now = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

func clock() time.Time { return now }

func TestMain(m *testing.M) {
	// The default policy backs off for seconds; the behaviour under test is
	// the same with millisecond waits.
	retryPolicy = &wrapper.RetryPolicy{MaxAttempts: 4, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond, MaxRetryAfter: 10 * time.Millisecond}
	os.Exit(m.Run())
}

// result is one run of the command.
type result struct {
	code           int
	stdout, stderr string
}

// runCLI runs the command in-process with env as its whole environment.
func runCLI(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, func(k string) string { return env[k] }, &stdout, &stderr, false, clock)
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// newFake starts a fake Zoom on the tests' clock that fails the test on any
// request or response outside the spec, and returns it with the environment
// that points the command at it with Server-to-Server credentials.
func newFake(t *testing.T, opts ...zoomtest.Option) (*zoomtest.Server, map[string]string) {
	t.Helper()
	srv := zoomtest.NewServer(append([]zoomtest.Option{zoomtest.WithT(t), zoomtest.WithClock(clock)}, opts...)...)
	t.Cleanup(srv.Close)
	env := map[string]string{
		"ZOOM_BASE_URL":      srv.URL(),
		"ZOOM_TOKEN_URL":     srv.TokenURL(),
		"ZOOM_ACCOUNT_ID":    zoomtest.DefaultAccountID,
		"ZOOM_CLIENT_ID":     zoomtest.DefaultClientID,
		"ZOOM_CLIENT_SECRET": zoomtest.DefaultClientSecret,
	}
	return srv, env
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (go test -update rewrites it):\n%s", path, firstDiff(got, string(want)))
	}
}

func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range min(len(g), len(w)) {
		if g[i] != w[i] {
			return "line " + strconv.Itoa(i+1) + ":\n got: " + g[i] + "\nwant: " + w[i]
		}
	}
	return "got " + strconv.Itoa(len(g)) + " lines, want " + strconv.Itoa(len(w))
}

// staticPageServer starts a server that answers every request with
// body as a 200 JSON page, and returns its base URL.
func staticPageServer(t *testing.T, body string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/v2"
}

// TestDemo runs the built-in demo in every format: the same sessions, in the
// same order, as a table and CSV (golden files), JSON and NDJSON.
func TestDemo(t *testing.T) {
	args := []string{"--demo", "--from", "2026-11-20", "--to", "2026-11-22"}
	const want = 3 * zoomtest.DefaultSessionsPerDay

	table := runCLI(t, nil, args...)
	if table.code != 0 {
		t.Fatalf("table: exit %d: %s", table.code, table.stderr)
	}
	golden(t, "demo.table.golden", table.stdout)
	if got := strings.Count(table.stdout, "\n"); got != want+1 {
		t.Errorf("table has %d lines, want header + %d", got, want)
	}
	if !strings.HasPrefix(table.stderr, "60 sessions, 1 windows, 1 requests in ") {
		t.Errorf("summary on stderr = %q", table.stderr)
	}

	csvOut := runCLI(t, nil, append(args, "--format", "csv")...)
	golden(t, "demo.csv.golden", csvOut.stdout)
	rows, err := csv.NewReader(strings.NewReader(csvOut.stdout)).ReadAll()
	if err != nil || len(rows) != want+1 || strings.Join(rows[0], ",") != strings.Join(csvHeader, ",") {
		t.Fatalf("csv: %d rows, err %v", len(rows), err)
	}
	if csvOut.stderr != "" {
		t.Errorf("csv: stderr = %q, want nothing", csvOut.stderr)
	}

	ndjson := runCLI(t, nil, append(args, "--format", "ndjson")...)
	lines := strings.Split(strings.TrimSuffix(ndjson.stdout, "\n"), "\n")
	if len(lines) != want {
		t.Fatalf("ndjson: %d lines, want %d", len(lines), want)
	}
	var ids []string
	for i, l := range lines {
		var obj map[string]any
		if err := json.Unmarshal([]byte(l), &obj); err != nil {
			t.Fatalf("ndjson line %d: %v", i+1, err)
		}
		for _, k := range []string{"id", "type", "name", "has_external_member", "last_message_sent_time"} {
			if _, ok := obj[k]; !ok {
				t.Fatalf("ndjson line %d lacks Zoom's field %q: %s", i+1, k, l)
			}
		}
		ids = append(ids, obj["id"].(string))
		if ids[i] != rows[i+1][0] {
			t.Fatalf("ndjson line %d is session %s, csv row is %s", i+1, ids[i], rows[i+1][0])
		}
	}

	jsonOut := runCLI(t, nil, append(args, "--format", "json")...)
	var arr []map[string]any
	if err := json.Unmarshal([]byte(jsonOut.stdout), &arr); err != nil || len(arr) != want {
		t.Fatalf("json: %d sessions, err %v", len(arr), err)
	}
	for i := range arr {
		if arr[i]["id"] != ids[i] {
			t.Fatalf("json element %d is %v, want %s", i, arr[i]["id"], ids[i])
		}
	}
}

// TestUnknownFieldsKept checks that json and ndjson keep fields Zoom adds
// later, and pretty-printed objects still take one line each.
func TestUnknownFieldsKept(t *testing.T) {
	srv := staticPageServer(t, `{"from":"2026-11-01","to":"2026-11-02","page_size":300,"next_page_token":"",
		"sessions":[{"id":"a","type":"Group","name":"n",
		   "topic":{"x":[1,2]},"last_message_sent_time":"2026-11-01T10:00:00Z"}]}`)
	env := map[string]string{"ZOOM_BASE_URL": srv, "ZOOM_ACCESS_TOKEN": "tok"}
	r := runCLI(t, env, "--from", "2026-11-01", "--to", "2026-11-02", "--format", "ndjson")
	want := `{"id":"a","type":"Group","name":"n","topic":{"x":[1,2]},"last_message_sent_time":"2026-11-01T10:00:00Z"}` + "\n"
	if r.code != 0 || r.stdout != want {
		t.Errorf("exit %d, stdout %q, want %q; stderr %s", r.code, r.stdout, want, r.stderr)
	}
}

// TestLongRange pulls six month windows and checks the exact number of
// sessions, the windows asked for and the requests sent: the fewest
// possible, ceil(sessions/300) a window.
func TestLongRange(t *testing.T) {
	srv, env := newFake(t, zoomtest.WithSessionsPerDay(20))
	r := runCLI(t, env, "--from", "2026-06-01", "--to", "2026-11-26", "--format", "csv")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	days := map[zoomtest.Window]int{
		{From: "2026-06-01", To: "2026-06-30"}: 30, {From: "2026-07-01", To: "2026-07-31"}: 31,
		{From: "2026-08-01", To: "2026-08-31"}: 31, {From: "2026-09-01", To: "2026-09-30"}: 30,
		{From: "2026-10-01", To: "2026-10-31"}: 31, {From: "2026-11-01", To: "2026-11-26"}: 26,
	}
	wantSessions, wantRequests := 0, 0
	wantWindows := map[zoomtest.Window]int{}
	for w, d := range days {
		n := 20 * d
		wantSessions += n
		wantWindows[w] = (n + 299) / 300
		wantRequests += wantWindows[w]
	}
	if got := strings.Count(r.stdout, "\n") - 1; got != wantSessions {
		t.Errorf("%d sessions, want %d", got, wantSessions)
	}
	st := srv.Stats()
	if st.Requests != wantRequests || st.TokensIssued != 1 {
		t.Errorf("%d requests and %d tokens, want %d and 1", st.Requests, st.TokensIssued, wantRequests)
	}
	if len(st.Windows) != len(wantWindows) {
		t.Errorf("windows asked for: %v, want %v", st.Windows, wantWindows)
	}
	for w, n := range wantWindows {
		if st.Windows[w] != n {
			t.Errorf("window %v: %d requests, want %d", w, st.Windows[w], n)
		}
	}
	for _, req := range srv.Requests() {
		if req.PageSize != 300 {
			t.Fatalf("request %d asked for page_size %d, want 300", req.N, req.PageSize)
		}
	}
}

// TestFaults checks that every fault the fake can serve is recovered from
// without losing or repeating a session.
func TestFaults(t *testing.T) {
	faults := []zoomtest.Fault{
		{Request: 2, Kind: zoomtest.FaultHTML5xx, Status: 502},
		{Request: 2, Kind: zoomtest.FaultDropConnection},
		{Request: 2, Kind: zoomtest.FaultTruncatedBody},
		{Request: 2, Kind: zoomtest.FaultLatency, Latency: 50 * time.Millisecond},
		{Request: 2, Kind: zoomtest.FaultTokenExpired},
		{Request: 2, Kind: zoomtest.FaultPageTokenExpired},
	}
	_, env := newFake(t)
	clean := runCLI(t, env, "--from", "2026-11-01", "--to", "2026-11-10", "--page-size", "50", "--format", "csv")
	if clean.code != 0 {
		t.Fatalf("exit %d: %s", clean.code, clean.stderr)
	}
	for _, f := range faults {
		t.Run(f.Kind.String(), func(t *testing.T) {
			srv, env := newFake(t, zoomtest.WithFaults(f))
			r := runCLI(t, env, "--from", "2026-11-01", "--to", "2026-11-10", "--page-size", "50", "--format", "csv")
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			if r.stdout != clean.stdout {
				t.Errorf("output differs from a run without faults:\n%s", firstDiff(r.stdout, clean.stdout))
			}
			if st := srv.Stats(); st.FaultsServed != 1 {
				t.Errorf("%d faults served, want 1", st.FaultsServed)
			}
		})
	}
}

// TestExitStatus checks every exit path: 2 for bad usage or input, before
// any request; 1 for failures once requests were sent.
func TestExitStatus(t *testing.T) {
	srv, s2s := newFake(t)
	noCreds := map[string]string{"ZOOM_BASE_URL": srv.URL(), "ZOOM_TOKEN_URL": srv.TokenURL()}
	with := func(base map[string]string, kv ...string) map[string]string {
		env := map[string]string{}
		for k, v := range base {
			env[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			env[kv[i]] = kv[i+1]
		}
		return env
	}
	usage := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"unknown flag", s2s, []string{"--colour"}, "flag provided but not defined: -colour"},
		{"argument", s2s, []string{"sessions"}, `unexpected argument "sessions"`},
		{"invalid date", s2s, []string{"--from", "2026-02-30"}, "--from: "},
		{"bad to", s2s, []string{"--to", "yesterday"}, "--to: "},
		{"from after to", s2s, []string{"--from", "2026-11-20", "--to", "2026-11-10"}, "--from 2026-11-20 is after --to 2026-11-10"},
		{"page size 0", s2s, []string{"--page-size", "0"}, "--page-size 0 is out of range"},
		{"page size 301", s2s, []string{"--page-size", "301"}, "--page-size 301 is out of range"},
		{"format", s2s, []string{"--format", "xml"}, `unknown --format "xml"`},
		{"rate", s2s, []string{"--rate", "0"}, "--rate must be above 0"},
		{"concurrency", s2s, []string{"--concurrency", "0"}, "--concurrency must be at least 1"},
		{"no credentials", noCreds, nil, "no credentials: set ZOOM_ACCOUNT_ID"},
		{"empty credentials", with(noCreds, "ZOOM_ACCESS_TOKEN", ""), nil, "no credentials"},
		{"partial S2S", with(noCreds, "ZOOM_ACCOUNT_ID", "a", "ZOOM_CLIENT_ID", "b"), nil, "ZOOM_CLIENT_SECRET not set"},
		{"older than six months", s2s, []string{"--from", "2026-05-01", "--to", "2026-05-31"}, "six"},
		{"progress both ways", s2s, []string{"--progress", "--no-progress"}, "contradict"},
		{"demo with base URL", nil, []string{"--demo", "--base-url", "http://127.0.0.1:1"}, "--demo runs its own fake Zoom"},
		{"bad base URL", with(s2s, "ZOOM_BASE_URL", "api.zoom.us"), nil, "--base-url \"api.zoom.us\" is not an http(s) URL"},
	}
	for _, tt := range usage {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, tt.env, tt.args...)
			if r.code != 2 || r.stdout != "" {
				t.Fatalf("exit %d, stdout %q; want 2 and nothing", r.code, r.stdout)
			}
			if !strings.Contains(r.stderr, tt.want) || strings.Count(r.stderr, "\n") != 1 || !strings.HasPrefix(r.stderr, "zoom-chat-sessions: ") {
				t.Errorf("stderr = %q, want one line with %q", r.stderr, tt.want)
			}
		})
	}
	if st := srv.Stats(); st.Requests != 0 || st.TokensIssued != 0 {
		t.Errorf("bad usage sent %d requests and got %d tokens, want none", st.Requests, st.TokensIssued)
	}

	failures := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"wrong secret", with(s2s, "ZOOM_CLIENT_SECRET", "not-the-secret"), "check ZOOM_ACCOUNT_ID"},
		{"bad static token", with(noCreds, "ZOOM_ACCESS_TOKEN", "expired-token-value"), "HTTP 401"},
		{"network", with(s2s, "ZOOM_BASE_URL", "http://127.0.0.1:1/v2", "ZOOM_TOKEN_URL", "http://127.0.0.1:1/oauth/token"), "127.0.0.1:1"},
	}
	for _, tt := range failures {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, tt.env, "--from", "2026-11-01", "--to", "2026-11-02", "--format", "ndjson")
			if r.code != 1 || r.stdout != "" {
				t.Fatalf("exit %d, stdout %q; want 1 and nothing", r.code, r.stdout)
			}
			if !strings.Contains(r.stderr, tt.want) || strings.Count(r.stderr, "\n") != 1 {
				t.Errorf("stderr = %q, want one line with %q", r.stderr, tt.want)
			}
			for _, secret := range []string{"not-the-secret", "expired-token-value", zoomtest.DefaultClientSecret} {
				if strings.Contains(r.stderr, secret) {
					t.Errorf("stderr shows a secret: %q", r.stderr)
				}
			}
		})
	}

	t.Run("API error after retries", func(t *testing.T) {
		var faults []zoomtest.Fault
		for i := 1; i <= 20; i++ {
			faults = append(faults, zoomtest.Fault{Request: i, Kind: zoomtest.FaultHTML5xx, Status: 503})
		}
		_, env := newFake(t, zoomtest.WithFaults(faults...))
		r := runCLI(t, env, "--from", "2026-11-01", "--to", "2026-11-02")
		if r.code != 1 || !strings.Contains(r.stderr, "HTTP 503") || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("exit %d, stderr %q; want 1 and one line naming HTTP 503", r.code, r.stderr)
		}
	})

	for _, args := range [][]string{{"--help"}, {"-h"}, {"--version"}} {
		r := runCLI(t, nil, args...)
		if r.code != 0 || r.stdout == "" || r.stderr != "" {
			t.Errorf("%v: exit %d, stdout %d bytes, stderr %q", args, r.code, len(r.stdout), r.stderr)
		}
	}
}

// TestNoSecretInOutput runs a whole pull with credentials and checks that no
// output, on either stream, shows the secret or the access token.
func TestNoSecretInOutput(t *testing.T) {
	srv, env := newFake(t)
	for _, format := range []string{"table", "json"} {
		r := runCLI(t, env, "--from", "2026-11-01", "--to", "2026-11-02", "--format", format, "--progress")
		if r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		for _, secret := range []string{zoomtest.DefaultClientSecret, srv.AccessToken()} {
			if strings.Contains(r.stdout+r.stderr, secret) {
				t.Errorf("%s output shows a secret", format)
			}
		}
	}
	static := map[string]string{"ZOOM_BASE_URL": env["ZOOM_BASE_URL"], "ZOOM_ACCESS_TOKEN": srv.AccessToken()}
	r := runCLI(t, static, "--from", "2026-11-01", "--to", "2026-11-02", "--progress")
	if r.code != 0 || strings.Contains(r.stdout+r.stderr, srv.AccessToken()) {
		t.Errorf("static token: exit %d, or the token shows", r.code)
	}
}

// TestProgress: only on request (or on a terminal), on stderr, never stdout.
func TestProgress(t *testing.T) {
	_, env := newFake(t)
	args := []string{"--from", "2026-10-15", "--to", "2026-11-02", "--format", "ndjson"}
	quiet := runCLI(t, env, args...)
	if quiet.code != 0 || quiet.stderr != "" {
		t.Fatalf("without a terminal: exit %d, stderr %q; want no progress", quiet.code, quiet.stderr)
	}
	loud := runCLI(t, env, append(args, "--progress")...)
	if loud.code != 0 || loud.stdout != quiet.stdout {
		t.Fatalf("--progress changed stdout or failed: exit %d", loud.code)
	}
	want := "windows 2/2  sessions 380  requests 3"
	if !strings.Contains(loud.stderr, want) || !strings.HasSuffix(loud.stderr, "\n") {
		t.Errorf("progress = %q, want a final line with %q", loud.stderr, want)
	}
}

package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
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
	retryPolicy = &wrapper.RetryPolicy{MaxAttempts: 4, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond, MaxRetryAfter: time.Second}
	dir, err := os.MkdirTemp("", "zoom-chat-sessions-test")
	if err != nil {
		panic(err)
	}
	binDir = dir
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// binDir holds the binary the tests that need a real process build once.
var (
	binDir   string
	binOnce  sync.Once
	binPath  string
	binError error
)

// binary builds the command once and returns its path. Tests that need a
// real process (signals, pipes, a pseudo-terminal) run it; -short skips
// them.
func binary(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	binOnce.Do(func() {
		binPath = filepath.Join(binDir, "zoom-chat-sessions")
		if out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput(); err != nil {
			binError = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binError != nil {
		t.Fatal(binError)
	}
	return binPath
}

// binaryEnv is the environment of the binary pointed at srv with a static
// token, and no other Zoom variable.
func binaryEnv(srv *zoomtest.Server) []string {
	return append(os.Environ(),
		"ZOOM_BASE_URL="+srv.URL(), "ZOOM_TOKEN_URL="+srv.TokenURL(), "ZOOM_ACCESS_TOKEN="+srv.AccessToken(),
		"ZOOM_ACCOUNT_ID=", "ZOOM_CLIENT_ID=", "ZOOM_CLIENT_SECRET=")
}

// daysAgo is the date n days before today (UTC, real clock): the binary
// runs on the real clock, so ranges it pulls lie in the fake's last six
// months.
func daysAgo(n int) string {
	return time.Now().UTC().AddDate(0, 0, -n).Format(time.DateOnly)
}

// result is one run of the command.
type result struct {
	code           int
	stdout, stderr string
}

// runCLI runs the command in-process with env as its whole environment;
// stdout and stderr are not terminals.
func runCLI(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	return runOn(t, 0, env, args...)
}

// runOn runs the command in-process with stdout a terminal of width
// columns (0: not a terminal).
func runOn(t *testing.T, width int, env map[string]string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, &environment{
		getenv: func(k string) string { return env[k] }, stdout: &stdout, stderr: &stderr, stdoutWidth: width, now: clock,
	})
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
	if !strings.HasPrefix(table.stderr, "60 sessions, 1 window, 1 request in ") {
		t.Errorf("summary on stderr = %q", table.stderr)
	}

	// --format wide keeps full columns on a terminal too.
	if wide := runOn(t, 80, nil, append(args, "--format", "wide")...); wide.stdout != table.stdout {
		t.Errorf("--format wide on a terminal differs from the piped table:\n%s", firstDiff(wide.stdout, table.stdout))
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

package main

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zoomkit/chatsessions/zoomtest"
)

// TestProgress: without a terminal, progress shows only on request, as
// plain lines every plainEvery with every count the wrapper keeps, and the
// summary last; stdout is the same with or without it.
func TestProgress(t *testing.T) {
	defer func(d time.Duration) { plainEvery = d }(plainEvery)
	plainEvery = 20 * time.Millisecond
	_, env := newFake(t, zoomtest.WithLatency(30*time.Millisecond))
	args := []string{"--from", "2026-10-15", "--to", "2026-11-02", "--format", "ndjson", "--page-size", "50"}

	quiet := runCLI(t, env, args...)
	if quiet.code != 0 || quiet.stderr != "" {
		t.Fatalf("without a terminal: exit %d, stderr %q; want no progress", quiet.code, quiet.stderr)
	}
	loud := runCLI(t, env, append(args, "--progress")...)
	if loud.code != 0 || loud.stdout != quiet.stdout {
		t.Fatalf("--progress changed stdout or failed: exit %d", loud.code)
	}
	if strings.ContainsAny(loud.stderr, "\r\x1b") {
		t.Errorf("plain progress carries escapes: %q", loud.stderr)
	}
	lines := strings.Split(strings.TrimSuffix(loud.stderr, "\n"), "\n")
	if want := regexp.MustCompile(`^380 sessions, 2 windows, 8 requests in \d+m?s$`); !want.MatchString(lines[len(lines)-1]) {
		t.Errorf("last line %q, want the summary", lines[len(lines)-1])
	}
	progress := regexp.MustCompile(`^progress: windows ([0-2])/2  sessions (\d+)  pages (\d+)  requests (\d+)  429s 0  waited \d+(\.\d)?(ms|s|µs|ns)  pacing 20 req/s  elapsed \d+s$`)
	if len(lines) < 2 {
		t.Fatalf("no progress line in %q", loud.stderr)
	}
	last := -1
	for _, l := range lines[:len(lines)-1] {
		m := progress.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("progress line %q does not match %s", l, progress)
		}
		n, _ := strconv.Atoi(m[2])
		if n < last || n > 380 {
			t.Errorf("sessions went from %d to %d", last, n)
		}
		last = n
	}
}

// TestProgressDumbTerminal: a terminal that cannot redraw a line (TERM
// dumb) gets no progress by default, and plain lines with --progress.
func TestProgressDumbTerminal(t *testing.T) {
	_, env := newFake(t)
	env = withEnv(env, "TERM", "dumb")
	for _, tt := range []struct {
		args []string
		want *regexp.Regexp
	}{
		{nil, regexp.MustCompile(`\A\z`)},
		{[]string{"--progress"}, regexp.MustCompile(`\A(progress: [^\r\x1b]*\n)*380 sessions, 2 windows, 3 requests in \S+\n\z`)},
	} {
		var stdout, stderr strings.Builder
		code := run(t.Context(), append([]string{"--from", "2026-10-15", "--to", "2026-11-02", "--format", "csv"}, tt.args...), &environment{
			getenv: func(k string) string { return env[k] }, stdout: &stdout, stderr: &stderr, stderrWidth: 80, now: clock,
		})
		if code != 0 || !tt.want.MatchString(stderr.String()) {
			t.Errorf("%v: exit %d, stderr %q, want %s", tt.args, code, stderr.String(), tt.want)
		}
	}
}

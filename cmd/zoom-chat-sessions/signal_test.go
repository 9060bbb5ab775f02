package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/zoomkit/chatsessions/zoomtest"
)

// interruptBinary starts the binary with args against a slow fake, sends
// SIGINT after a few requests and checks that it stops promptly with exit
// status 1 and one line on stderr, which it returns with stdout.
func interruptBinary(t *testing.T, args ...string) (stdout, stderr string) {
	t.Helper()
	srv := zoomtest.NewServer(zoomtest.WithT(t), zoomtest.WithLatency(50*time.Millisecond))
	cmd := exec.Command(binary(t), append([]string{"--page-size", "10", "--from", daysAgo(20), "--to", daysAgo(2)}, args...)...)
	cmd.Env = binaryEnv(srv)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for srv.Stats().Requests < 4 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	sent := time.Now()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if code := cmd.ProcessState.ExitCode(); code != 1 {
			t.Errorf("exit status %d (%v), want 1", code, err)
		}
	case <-time.After(5 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("still running 5 s after SIGINT")
	}
	t.Logf("stopped %v after SIGINT, %d requests", time.Since(sent).Round(time.Millisecond), srv.Stats().Requests)
	if !strings.Contains(errOut.String(), "interrupted") || strings.Count(errOut.String(), "\n") != 1 {
		t.Errorf("stderr = %q, want one line saying it was interrupted", errOut.String())
	}
	return out.String(), errOut.String()
}

// TestInterrupt: SIGINT part way through leaves valid output on stdout:
// whole NDJSON lines, a closed JSON array.
func TestInterrupt(t *testing.T) {
	total := 19 * zoomtest.DefaultSessionsPerDay
	for _, format := range []string{"ndjson", "json"} {
		t.Run(format, func(t *testing.T) {
			out, _ := interruptBinary(t, "--format", format)
			var n int
			switch format {
			case "ndjson":
				if out != "" && !strings.HasSuffix(out, "\n") {
					t.Fatalf("output ends mid-line: %q", out[max(0, len(out)-40):])
				}
				for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
					if line == "" {
						continue
					}
					if !json.Valid([]byte(line)) {
						t.Fatalf("invalid line %q", line)
					}
					n++
				}
			case "json":
				var arr []json.RawMessage
				if err := json.Unmarshal([]byte(out), &arr); err != nil {
					t.Fatalf("output is not a JSON array: %v", err)
				}
				n = len(arr)
			}
			if n == 0 || n >= total {
				t.Errorf("%d sessions written, want some but not all %d", n, total)
			}
		})
	}
}

// TestInterruptOutputFile: SIGINT part way through a pull into --output
// leaves FILE exactly as it was, and no temporary file.
func TestInterruptOutputFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sessions.csv")
	if err := os.WriteFile(path, []byte("yesterday's\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, stderr := interruptBinary(t, "--format", "csv", "--output", path)
	if out != "" {
		t.Errorf("stdout = %q, want nothing", out)
	}
	if want := "zoom-chat-sessions: interrupted; " + path + " is unchanged\n"; stderr != want {
		t.Errorf("stderr = %q, want %q", stderr, want)
	}
	if got, _ := os.ReadFile(path); string(got) != "yesterday's\n" {
		t.Errorf("FILE holds %q, want it unchanged", got)
	}
	if diff := cmp.Diff([]string{"sessions.csv"}, dirEntries(t, dir)); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
}

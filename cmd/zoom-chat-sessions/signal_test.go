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

	"github.com/zoomkit/chatsessions/zoomtest"
)

// TestInterrupt builds the command, starts a slow pull, sends SIGINT part
// way through and checks that the command stops promptly with exit status
// 1 and leaves valid output: whole NDJSON lines, a closed JSON array.
func TestInterrupt(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "zoom-chat-sessions")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, format := range []string{"ndjson", "json"} {
		t.Run(format, func(t *testing.T) {
			// Real time here: the binary runs on the real clock, so the
			// range lies within the fake's last six months.
			srv := zoomtest.NewServer(zoomtest.WithT(t), zoomtest.WithLatency(50*time.Millisecond))
			today := time.Now().UTC()
			cmd := exec.Command(bin, "--format", format, "--page-size", "10",
				"--from", today.AddDate(0, 0, -20).Format(time.DateOnly), "--to", today.AddDate(0, 0, -2).Format(time.DateOnly))
			cmd.Env = append(os.Environ(),
				"ZOOM_BASE_URL="+srv.URL(), "ZOOM_TOKEN_URL="+srv.TokenURL(), "ZOOM_ACCESS_TOKEN="+srv.AccessToken(),
				"ZOOM_ACCOUNT_ID=", "ZOOM_CLIENT_ID=", "ZOOM_CLIENT_SECRET=")
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
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
			if !strings.Contains(stderr.String(), "interrupted") || strings.Count(stderr.String(), "\n") != 1 {
				t.Errorf("stderr = %q, want one line saying it was interrupted", stderr.String())
			}
			total := 19 * zoomtest.DefaultSessionsPerDay
			var n int
			switch format {
			case "ndjson":
				out := stdout.String()
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
				if err := json.Unmarshal(stdout.Bytes(), &arr); err != nil {
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

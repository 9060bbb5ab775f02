package main

import (
	"bufio"
	"bytes"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zoomkit/chatsessions/zoomtest"
)

// streamRun starts the binary on a slow fake, one window of 200 sessions
// in 20 pages of 10, with stdout a pipe, and returns the fake, the command
// and a reader of its stdout.
func streamRun(t *testing.T, format string) (*zoomtest.Server, *exec.Cmd, *bufio.Reader, func()) {
	t.Helper()
	srv := zoomtest.NewServer(zoomtest.WithT(t), zoomtest.WithLatency(50*time.Millisecond))
	// Days 1 to 10 of last month: one window, in the past, within six months.
	today := time.Now().UTC()
	from := time.Date(today.Year(), today.Month()-1, 1, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(0, 0, 9)
	cmd := exec.Command(binary(t), "--format", format, "--page-size", "10", "--no-progress",
		"--from", from.Format(time.DateOnly), "--to", to.Format(time.DateOnly))
	cmd.Env = binaryEnv(srv)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return srv, cmd, bufio.NewReader(stdout), func() { _ = stdout.Close() }
}

// TestStreamsPageByPage: the first rows reach a pipe while the pull is
// still going (they used to wait for 64 KiB, all of this pull).
func TestStreamsPageByPage(t *testing.T) {
	srv, cmd, out, _ := streamRun(t, "ndjson")
	if _, err := out.ReadString('\n'); err != nil {
		t.Fatal(err)
	}
	requests := srv.Stats().Requests
	lines := 1
	for {
		if _, err := out.ReadString('\n'); err != nil {
			break
		}
		lines++
	}
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	total := srv.Stats().Requests
	t.Logf("first line after %d of %d requests", requests, total)
	if lines != 200 || total != 20 {
		t.Fatalf("%d lines after %d requests, want 200 after 20", lines, total)
	}
	if requests >= total/2 {
		t.Errorf("the first line came after %d of %d requests, want it with the first pages", requests, total)
	}
}

// TestClosedPipeEndsPull: like `| head -n 2`: once the reader is gone the
// command ends within a page or so, without fetching the rest.
func TestClosedPipeEndsPull(t *testing.T) {
	srv, cmd, out, closeOut := streamRun(t, "table")
	for range 2 {
		if _, err := out.ReadString('\n'); err != nil {
			t.Fatal(err)
		}
	}
	closeOut()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("still running 10 s after its reader went away")
	}
	requests := srv.Stats().Requests
	t.Logf("ended after %d of 20 requests: %v", requests, cmd.ProcessState)
	if requests >= 15 { // a page or so, with the pages fetched ahead; not all 20
		t.Errorf("%d requests sent after the reader went away at the first page; want the pull to stop", requests)
	}
	if cmd.ProcessState.Success() {
		t.Errorf("exit status 0 after output was lost")
	}
}

// TestSummaryLastOnSharedPipe: with stdout and stderr on one pipe
// (2>&1 | ...), the summary comes after the last row, never among them.
func TestSummaryLastOnSharedPipe(t *testing.T) {
	cmd := exec.Command(binary(t), "--demo")
	var both bytes.Buffer
	cmd.Stdout, cmd.Stderr = &both, &both
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(both.String(), "\n"), "\n")
	m := summaryLine.FindStringSubmatch(lines[len(lines)-1])
	if m == nil {
		t.Fatalf("last line %q is not the summary", lines[len(lines)-1])
	}
	if n, _ := strconv.Atoi(m[1]); n != len(lines)-2 {
		t.Errorf("%d rows between header and summary, summary says %d", len(lines)-2, n)
	}
	for i, l := range lines[1 : len(lines)-1] {
		if !strings.HasPrefix(l, "20") || summaryLine.MatchString(l) {
			t.Fatalf("line %d is not a row: %q", i+2, l)
		}
	}
}

package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/creack/pty"

	"github.com/zoomkit/chatsessions/zoomtest"
)

// readTerminal reads a pseudo-terminal's master side until the child side
// is closed by every process.
func readTerminal(t *testing.T, master *os.File) string {
	t.Helper()
	var b bytes.Buffer
	_, err := io.Copy(&b, master)
	var perr *os.PathError
	if err != nil && !(errors.As(err, &perr) && errors.Is(perr.Err, syscall.EIO)) {
		t.Fatalf("reading the terminal: %v", err)
	}
	return b.String()
}

// startOnTerminal runs cmd with stdin, stdout and stderr on a terminal of
// cols columns, and returns everything it printed there, raw.
func startOnTerminal(t *testing.T, cmd *exec.Cmd, cols uint16) string {
	t.Helper()
	master, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: cols, Rows: 24})
	if err != nil {
		t.Fatal(err)
	}
	defer master.Close()
	raw := readTerminal(t, master)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("%v; it printed:\n%s", err, raw)
	}
	return raw
}

// screen replays what a terminal shows for raw output: \r returns to the
// start of the line, ESC [ K erases to its end, \n ends it. Any other
// escape sequence fails the test: the command sends none.
func screen(t *testing.T, raw string) []string {
	t.Helper()
	var lines []string
	var cur []rune
	col := 0
	for i := 0; i < len(raw); {
		switch {
		case strings.HasPrefix(raw[i:], "\x1b[K"):
			cur = cur[:min(col, len(cur))]
			i += 3
		case raw[i] == '\x1b':
			t.Fatalf("unexpected escape sequence %q", raw[i:min(i+8, len(raw))])
		case raw[i] == '\r':
			col = 0
			i++
		case raw[i] == '\n':
			lines = append(lines, string(cur))
			cur, col = nil, 0
			i++
		default:
			r, size := utf8.DecodeRuneInString(raw[i:])
			if col < len(cur) {
				cur[col] = r
			} else {
				cur = append(cur, r)
			}
			col++
			i += size
		}
	}
	if len(cur) > 0 {
		lines = append(lines, string(cur))
	}
	return lines
}

var (
	fittedHeader = "LAST MESSAGE UTC  TYPE   STATUS   EXT  ID          NAME / MEMBERS"
	fittedRow    = regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d  (Group|1:1  )  (active |deleted|-      )  (yes|no )  [0-9a-f]{8,}  +\S`)
	summaryLine  = regexp.MustCompile(`^(\d+) sessions?, \d+ windows?, \d+ requests? in \d+(\.\d)?m?s$`)
)

// checkTable checks a terminal's screen: the header, whole rows that fit
// cols, and the summary last, with as many rows as it counts.
func checkTable(t *testing.T, lines []string, cols int) {
	t.Helper()
	if len(lines) < 3 || lines[0] != fittedHeader {
		t.Fatalf("screen does not start with the header:\n%s", strings.Join(lines, "\n"))
	}
	m := summaryLine.FindStringSubmatch(lines[len(lines)-1])
	if m == nil {
		t.Fatalf("last line is not the summary: %q", lines[len(lines)-1])
	}
	rows := lines[1 : len(lines)-1]
	for i, l := range rows {
		if !fittedRow.MatchString(l) {
			t.Fatalf("line %d is not a whole row: %q", i+2, l)
		}
	}
	for i, l := range lines {
		if w := textWidth(l); w > cols {
			t.Errorf("line %d takes %d columns of %d: %q", i+1, w, cols, l)
		}
	}
	if n, _ := strconv.Atoi(m[1]); n != len(rows) {
		t.Errorf("%d rows, summary says %d sessions", len(rows), n)
	}
}

// TestDemoOnTerminal: the README's first command in an 80-column terminal
// prints the header, whole rows that fit, and the summary last.
func TestDemoOnTerminal(t *testing.T) {
	raw := startOnTerminal(t, exec.Command(binary(t), "--demo"), 80)
	lines := screen(t, raw)
	checkTable(t, lines, 80)
	t.Logf("%d lines; last: %q", len(lines), lines[len(lines)-1])
}

// slowFake is a fake Zoom slow enough for progress to be drawn a few times
// during a pull of days 1 to 10 of last month in pages of 20 (10 pages).
func slowFake(t *testing.T) (*zoomtest.Server, []string) {
	srv := zoomtest.NewServer(zoomtest.WithT(t), zoomtest.WithLatency(250*time.Millisecond))
	today := time.Now().UTC()
	from := time.Date(today.Year(), today.Month()-1, 1, 0, 0, 0, 0, time.UTC)
	return srv, []string{"--page-size", "20", "--from", from.Format(time.DateOnly), "--to", from.AddDate(0, 0, 9).Format(time.DateOnly)}
}

// TestProgressOnTerminal: with stdout and stderr on one terminal, the
// progress line is drawn while the pull runs, never between or inside
// rows, and erased at the end: the screen holds the header, whole rows and
// the summary last.
func TestProgressOnTerminal(t *testing.T) {
	srv, args := slowFake(t)
	cmd := exec.Command(binary(t), args...)
	cmd.Env = binaryEnv(srv)
	raw := startOnTerminal(t, cmd, 100)
	if !strings.Contains(raw, "\r\x1b[Kwindows 0/1  sessions ") {
		t.Errorf("no progress line was drawn:\n%q", raw)
	}
	checkTable(t, screen(t, raw), 100)
}

// TestProgressTerminalStdoutPiped: rows to a pipe, progress on the
// terminal, which ends showing only the summary; the pipe gets no escape.
func TestProgressTerminalStdoutPiped(t *testing.T) {
	srv, args := slowFake(t)
	master, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer master.Close()
	if err := pty.Setsize(tty, &pty.Winsize{Cols: 120, Rows: 24}); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(binary(t), append(args, "--format", "csv")...)
	cmd.Env = binaryEnv(srv)
	var stdout bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, tty
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	tty.Close()
	raw := readTerminal(t, master)
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(raw, "\r\x1b[Kwindows ") {
		t.Errorf("no progress line was drawn: %q", raw)
	}
	lines := screen(t, raw)
	if len(lines) != 1 || !summaryLine.MatchString(lines[0]) {
		t.Errorf("terminal shows %q, want only the summary", lines)
	}
	if got := strings.Count(stdout.String(), "\n"); got != 201 || strings.ContainsAny(stdout.String(), "\r\x1b") {
		t.Errorf("stdout: %d lines, want 201, and no escape", got)
	}
}

// TestProgressForcedToFile: --progress with stderr a file writes plain
// lines: no escape codes, no carriage returns; the summary last.
func TestProgressForcedToFile(t *testing.T) {
	srv, args := slowFake(t)
	cmd := exec.Command(binary(t), append(args, "--format", "ndjson", "--progress")...)
	cmd.Env = binaryEnv(srv)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(stderr.String(), "\n"), "\n")
	if strings.ContainsAny(stderr.String(), "\r\x1b") || !summaryLine.MatchString(lines[len(lines)-1]) {
		t.Errorf("stderr = %q, want plain lines and the summary last", stderr.String())
	}
	for _, l := range lines[:len(lines)-1] {
		if !strings.HasPrefix(l, "progress: windows ") {
			t.Errorf("unexpected line %q", l)
		}
	}
}

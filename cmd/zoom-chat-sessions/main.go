// Command zoom-chat-sessions lists a Zoom account's chat sessions for a date
// range (GET /v2/report/chat/sessions) as a table, CSV, JSON or NDJSON.
//
// Long ranges are split into month windows, pages are followed, requests are
// paced and retried by package wrapper. Credentials come from the
// environment: ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET for
// Server-to-Server OAuth, or ZOOM_ACCESS_TOKEN. With --demo it runs against a
// built-in fake Zoom and needs no credentials:
//
//	zoom-chat-sessions --demo
//	zoom-chat-sessions --from 2026-06-01 --to 2026-11-26 --format ndjson -o sessions.ndjson
//
// Rows go to stdout (or to --output FILE, replaced only on success) and are
// flushed page by page; messages, progress and the summary go to stderr,
// only between whole rows. Exit status: 0 success, 2 bad usage or input
// (found before any request), 1 anything else.
package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"golang.org/x/term"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], osEnvironment())
	stop()
	os.Exit(code)
}

// Exit statuses.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

// environment is what a command gets from the process: variables, the
// standard streams and whether they are terminals, and the clock.
type environment struct {
	getenv         func(string) string
	stdout, stderr io.Writer
	// stdoutWidth and stderrWidth are the streams' terminal widths in
	// columns, 0 when not a terminal.
	stdoutWidth, stderrWidth int
	now                      func() time.Time
}

// osEnvironment is the process's environment.
func osEnvironment() *environment {
	return &environment{
		getenv: os.Getenv, stdout: os.Stdout, stderr: os.Stderr,
		stdoutWidth: terminalWidth(os.Stdout), stderrWidth: terminalWidth(os.Stderr),
		now: time.Now,
	}
}

// terminalWidth is f's width in columns when f is a terminal, else 0. A
// terminal that does not tell its size counts as 80 columns.
func terminalWidth(f *os.File) int {
	fd := int(f.Fd())
	if !term.IsTerminal(fd) {
		return 0
	}
	if w, _, err := term.GetSize(fd); err == nil && w > 0 {
		return w
	}
	return 80
}

// subcommands are the commands other than the listing, by name:
// "zoom-chat-sessions NAME [flags]". Each file that adds one registers it
// in an init function. They share the connection flags, credentials and
// client construction of conn.go.
var subcommands = map[string]func(ctx context.Context, args []string, env *environment) int{}

// run is the whole program: it dispatches to a subcommand or runs the
// listing, and returns the exit status.
func run(ctx context.Context, args []string, env *environment) int {
	if len(args) > 0 {
		if cmd, ok := subcommands[args[0]]; ok {
			return cmd(ctx, args[1:], env)
		}
	}
	return runList(ctx, args, env)
}

// version is the module version the binary was built from.
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

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
//	zoom-chat-sessions --from 2026-06-01 --to 2026-11-26 --format ndjson > sessions.ndjson
//
// `zoom-chat-sessions sync --db FILE` archives the sessions in a SQLite file
// instead, incrementally and resumably (see sync.go and package archive).
//
// Output goes to stdout; messages, progress and the table's summary to
// stderr. Exit status: 0 success, 2 bad usage or input (found before any
// request), 1 anything else.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr, isTerminal(os.Stderr), time.Now)
	stop()
	os.Exit(code)
}

// Exit statuses.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

// run is the whole command: it parses args and the environment, fetches,
// writes stdout and stderr, and returns the exit status. stderrIsTerminal
// decides whether progress shows by default.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, stderrIsTerminal bool, now func() time.Time) int {
	if len(args) > 0 && args[0] == "sync" {
		return runSync(ctx, args[1:], getenv, stdout, stderr, stderrIsTerminal, now)
	}
	cfg, err := parseConfig(args, getenv, now())
	if err != nil {
		fmt.Fprintf(stderr, "zoom-chat-sessions: %v\n", err)
		return exitUsage
	}
	if cfg.help {
		usage(stdout)
		return exitOK
	}
	if cfg.version {
		fmt.Fprintf(stdout, "zoom-chat-sessions %s\n", version())
		return exitOK
	}
	showProgress := stderrIsTerminal
	if cfg.progress != nil {
		showProgress = *cfg.progress
	}

	err = fetch(ctx, cfg, stdout, stderr, showProgress, now)
	var uerr *usageError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &uerr):
		fmt.Fprintf(stderr, "zoom-chat-sessions: %v\n", err)
		return exitUsage
	case ctx.Err() != nil:
		fmt.Fprintln(stderr, "zoom-chat-sessions: interrupted; the output so far is complete up to its last line")
		return exitError
	default:
		fmt.Fprintf(stderr, "zoom-chat-sessions: %s\n", describe(err))
		return exitError
	}
}

// version is the module version the binary was built from.
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

// isTerminal reports whether f is a character device, such as a terminal.
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/zoomkit/chatsessions/archive"
	"github.com/zoomkit/chatsessions/wrapper"
)

// syncConfig is what `sync` adds to the connection flags.
type syncConfig struct {
	db      string
	overlap int
	fromSet bool // --from given: no continuing from the last synced day
	help    bool
}

// runSync is `zoom-chat-sessions sync`: it archives the account's chat
// sessions into a SQLite file, incrementally, and returns the exit status.
func runSync(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, stderrIsTerminal bool, now func() time.Time) int {
	sc, cfg, err := parseSyncConfig(args, getenv, now())
	if err != nil {
		fmt.Fprintf(stderr, "zoom-chat-sessions sync: %v\n", err)
		return exitUsage
	}
	if sc.help {
		syncUsage(stdout)
		return exitOK
	}
	showProgress := stderrIsTerminal
	if cfg.progress != nil {
		showProgress = *cfg.progress
	}
	err = syncArchive(ctx, sc, cfg, stderr, showProgress, now)
	var uerr *usageError
	var lerr *archive.LockedError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &uerr):
		fmt.Fprintf(stderr, "zoom-chat-sessions sync: %v\n", err)
		return exitUsage
	case errors.As(err, &lerr):
		fmt.Fprintf(stderr, "zoom-chat-sessions sync: %v; this one stops, that one goes on\n", lerr)
	case ctx.Err() != nil:
		fmt.Fprintln(stderr, "zoom-chat-sessions sync: interrupted; every page written is kept, run sync again to resume")
	default:
		fmt.Fprintf(stderr, "zoom-chat-sessions sync: %s; every page written is kept, run sync again to resume\n", describe(err))
	}
	return exitError
}

// parseSyncConfig parses sync's flags: the connection flags and
// credentials exactly as parseConfig reads them, plus --db and --overlap.
func parseSyncConfig(args []string, getenv func(string) string, now time.Time) (*syncConfig, *config, error) {
	var c config
	var fromStr, toStr string
	var progress, noProgress bool
	fs := newFlagSet(&c, &fromStr, &toStr, &progress, &noProgress)
	sc := &syncConfig{}
	fs.StringVar(&sc.db, "db", "", "the SQLite archive, created if missing (required)")
	fs.IntVar(&sc.overlap, "overlap", archive.DefaultOverlap, "days before the last synced day that are read again, 0..31")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			sc.help = true
			return sc, &c, nil
		}
		return nil, nil, usagef("%v; see sync --help", err)
	}
	if c.help {
		sc.help = true
		return sc, &c, nil
	}
	// parseConfig checks the shared flags and reads the credentials: hand
	// it the flags given, less sync's own.
	var shared []string
	var err error
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "db", "overlap":
		case "format":
			err = usagef("--format does not apply to sync, which writes to --db")
		default:
			shared = append(shared, "--"+f.Name+"="+f.Value.String())
		}
		sc.fromSet = sc.fromSet || f.Name == "from"
	})
	if err != nil {
		return nil, nil, err
	}
	switch {
	case sc.db == "":
		return nil, nil, usagef("--db FILE is required: the SQLite archive to sync into")
	case sc.overlap < 0 || sc.overlap > 31:
		return nil, nil, usagef("--overlap %d is out of range; give 0 to 31 days", sc.overlap)
	}
	cfg, err := parseConfig(append(shared, fs.Args()...), getenv, now)
	if err != nil {
		return nil, nil, err
	}
	return sc, cfg, nil
}

// syncArchive runs one sync: it plans it against the archive's past syncs,
// says so if days were lost or an unfinished sync is resumed, fetches and
// writes page by page, and prints the summary.
func syncArchive(ctx context.Context, sc *syncConfig, cfg *config, stderr io.Writer, showProgress bool, now func() time.Time) error {
	client, closeDemo, err := newClient(cfg, true, now)
	if err != nil {
		return err
	}
	defer closeDemo()
	store, err := archive.Open(ctx, sc.db, archive.WithClock(now))
	if err != nil {
		return err
	}
	defer store.Close()
	req := archive.Request{To: cfg.to, Overlap: sc.overlap}
	if sc.fromSet {
		req.From = cfg.from
	}
	run, err := store.Start(ctx, req)
	if errors.Is(err, wrapper.ErrRange) {
		return &usageError{msg: err.Error()}
	}
	if err != nil {
		return err
	}
	defer run.Close()

	p := run.Plan
	if p.Gap != nil {
		fmt.Fprintf(stderr, "zoom-chat-sessions sync: days %s can no longer be fetched: the last sync ended %s and Zoom keeps six months; recorded in table gaps\n",
			p.Gap, p.LastDay)
	}
	if p.Resumed {
		fmt.Fprintf(stderr, "zoom-chat-sessions sync: resuming an unfinished sync: %d of %d windows already done\n",
			len(p.Windows)-len(p.Cursors), len(p.Windows))
	}
	var prog *progress
	if showProgress {
		prog = startProgress(stderr, client, len(p.Cursors), now)
	}
	sum, err := run.Sync(ctx, client)
	if prog != nil {
		prog.stop()
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "zoom-chat-sessions sync: %s..%s into %s: %d added, %d updated, %d unchanged; %s fetched (%d already done), %s in %s\n",
		p.From, p.To, sc.db, sum.Added, sum.Updated, sum.Unchanged,
		plural(sum.Windows, "window"), sum.Skipped, plural(int(sum.Requests), "request"), sum.Elapsed.Round(time.Millisecond))
	if sum.NoID > 0 {
		fmt.Fprintf(stderr, "zoom-chat-sessions sync: %s without an id left out\n", plural(int(sum.NoID), "session"))
	}
	return nil
}

// plural returns "1 window", "2 windows".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// syncUsage writes sync's help text.
func syncUsage(w io.Writer) {
	var c config
	var s string
	var b bool
	var sc syncConfig
	fs := newFlagSet(&c, &s, &s, &b, &b)
	fs.StringVar(&sc.db, "db", "", "the SQLite archive, created if missing (required)")
	fs.IntVar(&sc.overlap, "overlap", archive.DefaultOverlap, "days before the last synced day that are read again, 0..31")
	fmt.Fprint(w, `zoom-chat-sessions sync archives a Zoom account's chat sessions in a SQLite
file, past the six months Zoom keeps them. The first sync backfills from the
oldest day Zoom serves; each later one continues from the last synced day
minus --overlap days, up to --to. Each page is written with its checkpoint:
a sync killed at any point resumes where it stopped. One sync at a time per
file; readers (sqlite3, BI tools) can read during a sync.

Usage:
  zoom-chat-sessions sync --db FILE [flags]

Credentials come from the environment, as for the listing: ZOOM_ACCOUNT_ID,
ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET, or ZOOM_ACCESS_TOKEN.

Flags:
`)
	for _, name := range []string{"db", "from", "to", "overlap", "page-size", "rate", "concurrency", "base-url", "token-url", "demo", "progress", "no-progress", "help"} {
		f := fs.Lookup(name)
		def := ""
		if f.DefValue != "" && f.DefValue != "false" {
			def = " (default " + f.DefValue + ")"
		}
		usage := f.Usage
		if name == "from" {
			usage = "first day, yyyy-mm-dd (default: the last synced day minus --overlap, or the oldest day Zoom serves)"
		}
		fmt.Fprintf(w, "  --%-13s %s%s\n", f.Name, usage, def)
	}
	fmt.Fprint(w, `
Exit status: 0 success; 2 bad usage or input (nothing was sent); 1 anything
else, another sync holding FILE included.

Example (cron, daily at 02:15 UTC):
  15 2 * * * zoom-chat-sessions sync --db /var/lib/zoom/chat.db --no-progress
`)
}

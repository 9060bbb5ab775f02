package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/zoomkit/chatsessions/archive"
	"github.com/zoomkit/chatsessions/wrapper"
)

func init() { subcommands["sync"] = runSync }

// syncFlags are sync's flags as given: the listing's range and connection
// flags, less the output ones, plus --db and --overlap.
type syncFlags struct {
	from, to string
	db       string
	overlap  int
	help     bool
	conn     connFlags
}

// syncFlagNames lists sync's flags in the order help shows them.
var syncFlagNames = append([]string{"db", "from", "to", "overlap"}, append(connFlagNames, "help")...)

// newSyncFlagSet declares sync's flags into f.
func newSyncFlagSet(f *syncFlags) *flag.FlagSet {
	fs := flag.NewFlagSet("zoom-chat-sessions sync", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.StringVar(&f.db, "db", "", "the SQLite archive, created if missing (required)")
	fs.StringVar(&f.from, "from", "", "first day, yyyy-mm-dd (default: the last synced day minus --overlap, or the oldest day Zoom serves)")
	fs.StringVar(&f.to, "to", "", "last day, yyyy-mm-dd, at most today (default: today, UTC)")
	fs.IntVar(&f.overlap, "overlap", archive.DefaultOverlap, "days before the last synced day that are read again, 0..31")
	f.conn.register(fs)
	fs.BoolVar(&f.help, "help", false, "show this help")
	return fs
}

// syncConfig is a parsed, checked sync command line plus the environment.
type syncConfig struct {
	db      string
	overlap int
	from    *wrapper.Date // nil: continue from the last synced day
	to      wrapper.Date
	help    bool
	conn    *connection
}

// runSync is `zoom-chat-sessions sync`: it archives the account's chat
// sessions into a SQLite file, incrementally, and returns the exit status.
func runSync(ctx context.Context, args []string, env *environment) int {
	cfg, err := parseSyncConfig(args, env.getenv, env.now())
	if err != nil {
		return failSync(env, exitUsage, err.Error())
	}
	if cfg.help {
		syncUsage(env.stdout)
		return exitOK
	}
	sum, z, err := syncArchive(ctx, cfg, env)
	var uerr *usageError
	var lerr *archive.LockedError
	switch {
	case err == nil:
		fmt.Fprintln(env.stderr, escapeText(sum))
		return exitOK
	case errors.As(err, &uerr):
		return failSync(env, exitUsage, err.Error())
	case errors.As(err, &lerr):
		return failSync(env, exitError, lerr.Error()+"; this one stops, that one goes on")
	case ctx.Err() != nil:
		return failSync(env, exitError, "interrupted; every page written is kept, run sync again to resume")
	}
	f := failure{err: err}
	if z != nil {
		f = failure{err: err, baseURL: z.baseURL, tokenURL: z.tokenURL}
	}
	return failSync(env, exitError, describe(f)+"; every page written is kept, run sync again to resume")
}

// failSync is fail for sync: one line, control characters escaped.
func failSync(env *environment, code int, msg string) int {
	fmt.Fprintf(env.stderr, "zoom-chat-sessions sync: %s\n", escapeText(msg))
	return code
}

// parseSyncConfig parses sync's flags and the environment (through getenv);
// now gives today's date (UTC) for --to's default. The range itself is
// checked by the archive, which knows what was synced before.
func parseSyncConfig(args []string, getenv func(string) string, now time.Time) (*syncConfig, error) {
	var f syncFlags
	fs := newSyncFlagSet(&f)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return &syncConfig{help: true}, nil
		}
		if strings.HasPrefix(err.Error(), "flag provided but not defined: -format") {
			return nil, usagef("--format does not apply to sync, which writes to --db")
		}
		ferr := flagError(err)
		return nil, usagef("%s", strings.Replace(ferr.Error(), "see --help", "see sync --help", 1))
	}
	if f.help {
		return &syncConfig{help: true}, nil
	}
	if fs.NArg() > 0 {
		return nil, usagef("unexpected argument %q; every input is a flag, see sync --help", fs.Arg(0))
	}
	cfg := &syncConfig{db: f.db, overlap: f.overlap, to: wrapper.DateOf(now.UTC())}
	switch {
	case cfg.db == "":
		return nil, usagef("--db FILE is required: the SQLite archive to sync into")
	case cfg.overlap < 0 || cfg.overlap > 31:
		return nil, usagef("--overlap %d is out of range; give 0 to 31 days", cfg.overlap)
	}
	var err error
	if f.to != "" {
		if cfg.to, err = parseDate("to", f.to); err != nil {
			return nil, err
		}
	}
	if f.from != "" {
		from, err := parseDate("from", f.from)
		if err != nil {
			return nil, err
		}
		cfg.from = &from
	}
	set := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	if cfg.conn, err = f.conn.check(set, getenv); err != nil {
		return nil, err
	}
	return cfg, nil
}

// syncArchive runs one sync: it plans it against the archive's past syncs,
// says so if days were lost or an unfinished sync is resumed, fetches and
// writes page by page, and returns the summary line and the client (for
// describing a failure).
func syncArchive(ctx context.Context, cfg *syncConfig, env *environment) (string, *zoom, error) {
	budget := archive.ReadAheadBudget(cfg.conn.concurrency, cfg.conn.pageSize)
	z, err := cfg.conn.dial(env.now, wrapper.WithRawJSON(true), wrapper.WithMemoryBudget(budget))
	if err != nil {
		return "", nil, err
	}
	defer z.close()
	store, err := archive.Open(ctx, cfg.db, archive.WithClock(env.now))
	if err != nil {
		return "", z, err
	}
	defer store.Close()
	req := archive.Request{To: cfg.to, Overlap: cfg.overlap}
	if cfg.from != nil {
		req.From = *cfg.from
	}
	run, err := store.Start(ctx, req)
	if errors.Is(err, wrapper.ErrRange) {
		return "", z, &usageError{msg: err.Error()}
	}
	if err != nil {
		return "", z, err
	}
	defer run.Close()

	p := run.Plan
	if p.Gap != nil {
		fmt.Fprintf(env.stderr, "zoom-chat-sessions sync: days %s can no longer be fetched: the last sync ended %s and Zoom keeps six months; recorded in table gaps\n",
			p.Gap, p.LastDay)
	}
	if p.Resumed {
		fmt.Fprintf(env.stderr, "zoom-chat-sessions sync: resuming an unfinished sync: %d of %d windows already done\n",
			len(p.Windows)-len(p.Cursors), len(p.Windows))
	}
	windows := make([]wrapper.Window, len(p.Cursors))
	for i, c := range p.Cursors {
		windows[i] = c.Window
	}
	rep := newReporter(env.stderr, progressFor(cfg.conn.showProgress, env), env.stderrWidth, z.Client, windows)
	sum, err := run.Sync(ctx, z.Client)
	rep.finish()
	if err != nil {
		return "", z, err
	}
	line := fmt.Sprintf("zoom-chat-sessions sync: %s..%s into %s: %d added, %d updated, %d unchanged; %s fetched (%d already done), %s in %s",
		p.From, p.To, cfg.db, sum.Added, sum.Updated, sum.Unchanged,
		plural(int64(sum.Windows), "window", "windows"), sum.Skipped, plural(sum.Requests, "request", "requests"), roundDuration(sum.Elapsed))
	if sum.NoID > 0 {
		line += fmt.Sprintf("; %s without an id left out", plural(sum.NoID, "session", "sessions"))
	}
	return line, z, nil
}

// syncUsage writes sync's help text.
func syncUsage(w io.Writer) {
	var f syncFlags
	fs := newSyncFlagSet(&f)
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
	for _, name := range syncFlagNames {
		fl := fs.Lookup(name)
		def := ""
		if fl.DefValue != "" && fl.DefValue != "false" {
			def = " (default " + fl.DefValue + ")"
		}
		fmt.Fprintf(w, "  %-18s %s\n", "--"+fl.Name, wrapWords(fl.Usage+def, 80-21, strings.Repeat(" ", 21)))
	}
	fmt.Fprint(w, `
Exit status: 0 success; 2 bad usage or input (nothing was sent); 1 anything
else, another sync holding FILE included.

Example (cron, daily at 02:15 UTC):
  15 2 * * * zoom-chat-sessions sync --db /var/lib/zoom/chat.db --no-progress
`)
}

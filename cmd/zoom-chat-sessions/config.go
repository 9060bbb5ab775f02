package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/zoomkit/chatsessions/wrapper"
)

// Defaults documented in the help text.
const (
	defaultPageSize = 300
	defaultRate     = 20 // Zoom Pro's limit for this MEDIUM-label endpoint; Business+ is 60
	// defaultConcurrency is the most month windows a six-month range can
	// hold (six months that start mid-month touch seven calendar months), so
	// a six-month pull fetches every window at once and is bound by the rate
	// limit, not by latency: at 20 requests/s and 300 ms a request, a single
	// stream would manage about 3 requests/s.
	defaultConcurrency = 7
	defaultRangeDays   = 30
	defaultBaseURL     = "https://api.zoom.us/v2"
	defaultTokenURL    = "https://zoom.us/oauth/token"
)

// config is a parsed, checked command line plus the environment.
type config struct {
	from, to    wrapper.Date
	format      string
	pageSize    int
	rate        float64
	concurrency int
	baseURL     string
	tokenURL    string
	demo        bool
	progress    *bool // nil: only when stderr is a terminal
	help        bool
	version     bool
	creds       credentials
}

// credentials come from the environment only. An empty variable counts as
// unset. They never appear in any message.
type credentials struct {
	accountID, clientID, clientSecret string
	accessToken                       string
}

// String keeps credentials out of any %v.
func (credentials) String() string { return "credentials{REDACTED}" }

// GoString keeps credentials out of %#v.
func (c credentials) GoString() string { return c.String() }

// usageError is bad usage or input: exit status 2, found before any request.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// newFlagSet declares the flags into c.
func newFlagSet(c *config, fromStr, toStr *string, progress, noProgress *bool) *flag.FlagSet {
	fs := flag.NewFlagSet("zoom-chat-sessions", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(fromStr, "from", "", "first day, yyyy-mm-dd (default: 30 days before --to)")
	fs.StringVar(toStr, "to", "", "last day, yyyy-mm-dd (default: today, UTC)")
	fs.StringVar(&c.format, "format", "table", "output format: "+strings.Join(formats, "|"))
	fs.IntVar(&c.pageSize, "page-size", defaultPageSize, "sessions per request, 1..300")
	fs.Float64Var(&c.rate, "rate", defaultRate, "requests per second (Zoom Pro's limit here; Business+ is 60)")
	fs.IntVar(&c.concurrency, "concurrency", defaultConcurrency, "month windows fetched at once; the default covers every window of a six-month range, so the rate limit, not latency, bounds a pull")
	fs.StringVar(&c.baseURL, "base-url", defaultBaseURL, "API base URL (env ZOOM_BASE_URL)")
	fs.StringVar(&c.tokenURL, "token-url", defaultTokenURL, "OAuth token URL (env ZOOM_TOKEN_URL)")
	fs.BoolVar(&c.demo, "demo", false, "use the built-in fake Zoom and its sample data; no credentials needed")
	fs.BoolVar(progress, "progress", false, "show live progress on stderr (default: only when stderr is a terminal)")
	fs.BoolVar(noProgress, "no-progress", false, "never show progress")
	fs.BoolVar(&c.help, "help", false, "show this help")
	fs.BoolVar(&c.version, "version", false, "print the version")
	return fs
}

// parseConfig parses args and the environment (through getenv). now gives
// today's date for the defaults.
func parseConfig(args []string, getenv func(string) string, now time.Time) (*config, error) {
	c := &config{}
	var fromStr, toStr string
	var progress, noProgress bool
	fs := newFlagSet(c, &fromStr, &toStr, &progress, &noProgress)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			c.help = true
			return c, nil
		}
		return nil, usagef("%v; see --help", err)
	}
	if c.help || c.version {
		return c, nil
	}
	if fs.NArg() > 0 {
		return nil, usagef("unexpected argument %q; every input is a flag, see --help", fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })

	switch {
	case progress && noProgress:
		return nil, usagef("--progress and --no-progress contradict each other; give one")
	case progress:
		c.progress = &progress
	case noProgress:
		off := false
		c.progress = &off
	}

	var err error
	c.to = wrapper.DateOf(now.UTC())
	if toStr != "" {
		if c.to, err = wrapper.ParseDate(toStr); err != nil {
			return nil, usagef("--to: %v; use yyyy-mm-dd, e.g. 2026-10-31", err)
		}
	}
	c.from = c.to.AddDays(-defaultRangeDays)
	if fromStr != "" {
		if c.from, err = wrapper.ParseDate(fromStr); err != nil {
			return nil, usagef("--from: %v; use yyyy-mm-dd, e.g. 2026-10-01", err)
		}
	}
	if c.from.After(c.to) {
		return nil, usagef("--from %s is after --to %s; give a range that starts on or before its end", c.from, c.to)
	}
	if !slices.Contains(formats, c.format) {
		return nil, usagef("unknown --format %q; use one of %s", c.format, strings.Join(formats, ", "))
	}
	if c.pageSize < 1 || c.pageSize > 300 {
		return nil, usagef("--page-size %d is out of range; Zoom allows 1 to 300", c.pageSize)
	}
	if !(c.rate > 0) {
		return nil, usagef("--rate must be above 0 requests per second")
	}
	if c.concurrency < 1 {
		return nil, usagef("--concurrency must be at least 1")
	}

	if !set["base-url"] {
		if v := getenv("ZOOM_BASE_URL"); v != "" {
			c.baseURL = v
		}
	}
	if !set["token-url"] {
		if v := getenv("ZOOM_TOKEN_URL"); v != "" {
			c.tokenURL = v
		}
	}
	if c.demo {
		if set["base-url"] || set["token-url"] {
			return nil, usagef("--demo runs its own fake Zoom; drop --base-url and --token-url")
		}
		return c, nil
	}
	for name, u := range map[string]string{"--base-url": c.baseURL, "--token-url": c.tokenURL} {
		if p, err := url.Parse(u); err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			return nil, usagef("%s %q is not an http(s) URL", name, u)
		}
	}

	c.creds = credentials{
		accountID:    getenv("ZOOM_ACCOUNT_ID"),
		clientID:     getenv("ZOOM_CLIENT_ID"),
		clientSecret: getenv("ZOOM_CLIENT_SECRET"),
		accessToken:  getenv("ZOOM_ACCESS_TOKEN"),
	}
	s2s := map[string]string{"ZOOM_ACCOUNT_ID": c.creds.accountID, "ZOOM_CLIENT_ID": c.creds.clientID, "ZOOM_CLIENT_SECRET": c.creds.clientSecret}
	var missing []string
	for _, name := range []string{"ZOOM_ACCOUNT_ID", "ZOOM_CLIENT_ID", "ZOOM_CLIENT_SECRET"} {
		if s2s[name] == "" {
			missing = append(missing, name)
		}
	}
	switch {
	case len(missing) == 0:
		// Server-to-Server OAuth; it wins over ZOOM_ACCESS_TOKEN, since it
		// renews its own token.
	case len(missing) < 3:
		return nil, usagef("Server-to-Server OAuth needs ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET; %s not set", strings.Join(missing, ", "))
	case c.creds.accessToken == "":
		return nil, usagef("no credentials: set ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET (Server-to-Server OAuth) or ZOOM_ACCESS_TOKEN, or try --demo")
	}
	return c, nil
}

// usage writes the help text.
func usage(w io.Writer) {
	var c config
	var s string
	var b bool
	fs := newFlagSet(&c, &s, &s, &b, &b)
	fmt.Fprint(w, `zoom-chat-sessions lists a Zoom account's chat sessions for a date range
(GET /v2/report/chat/sessions), split into month windows, as a table, CSV,
JSON or NDJSON on stdout.

Usage:
  zoom-chat-sessions [flags]
  zoom-chat-sessions sync --db FILE [flags]   archive into SQLite (see sync --help)

Credentials come from the environment only:
  ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET   Server-to-Server OAuth
  ZOOM_ACCESS_TOKEN                                     or a bearer token as is

Flags:
`)
	// In the order of the documented interface, not alphabetical.
	for _, name := range []string{"from", "to", "format", "page-size", "rate", "concurrency", "base-url", "token-url", "demo", "progress", "no-progress", "help", "version"} {
		f := fs.Lookup(name)
		def := ""
		if f.DefValue != "" && f.DefValue != "false" {
			def = " (default " + f.DefValue + ")"
		}
		fmt.Fprintf(w, "  --%-13s %s%s\n", f.Name, f.Usage, def)
	}
	fmt.Fprint(w, `
Exit status: 0 success; 2 bad usage or input (nothing was sent); 1 anything else.

Examples:
  zoom-chat-sessions --demo
  zoom-chat-sessions --from 2026-06-01 --to 2026-11-26 --format ndjson > sessions.ndjson
`)
}

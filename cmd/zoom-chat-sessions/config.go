package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/zoomkit/chatsessions/wrapper"
)

// defaultRangeDays is how far before --to the default --from lies: the
// default range is the 31 days from 30 days ago to today, both included.
const defaultRangeDays = 30

// config is a parsed, checked command line of the listing command plus the
// environment.
type config struct {
	from, to wrapper.Date
	format   string
	output   string // --output FILE; "" for stdout
	help     bool
	version  bool
	conn     *connection
}

// listFlags are the listing command's flags as given.
type listFlags struct {
	from, to string
	format   string
	output   string
	help     bool
	version  bool
	conn     connFlags
}

// listFlagNames lists the flags in the order help shows them.
var listFlagNames = append([]string{"from", "to", "format", "output"}, append(connFlagNames, "help", "version")...)

// newFlagSet declares the listing command's flags into f.
func newFlagSet(f *listFlags) *flag.FlagSet {
	fs := flag.NewFlagSet("zoom-chat-sessions", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.StringVar(&f.from, "from", "", "first day, yyyy-mm-dd (default: 30 days before --to)")
	fs.StringVar(&f.to, "to", "", "last day, yyyy-mm-dd, at most today (default: today, UTC)")
	fs.StringVar(&f.format, "format", "table", "output format: "+strings.Join(formats, "|")+" (wide: the table with full IDs)")
	fs.StringVar(&f.output, "output", "", "write to FILE, replaced only if the whole pull succeeds (default, or -: stdout)")
	fs.StringVar(&f.output, "o", "", "short for --output")
	f.conn.register(fs)
	fs.BoolVar(&f.help, "help", false, "show this help")
	fs.BoolVar(&f.version, "version", false, "print the version")
	return fs
}

// parseConfig parses args and the environment (through getenv). now gives
// today's date (UTC) for the defaults and the range checks.
func parseConfig(args []string, getenv func(string) string, now time.Time) (*config, error) {
	var f listFlags
	fs := newFlagSet(&f)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return &config{help: true}, nil
		}
		return nil, flagError(err)
	}
	c := &config{format: f.format, output: f.output, help: f.help, version: f.version}
	if c.help || c.version {
		return c, nil
	}
	if fs.NArg() > 0 {
		return nil, usagef("unexpected argument %q; every input is a flag, see --help", fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	if set["o"] && set["output"] {
		return nil, usagef("-o and --output are the same flag; give one")
	}
	if c.output == "-" {
		c.output = "" // stdout, as many tools read "-"
	}
	if err := c.parseRange(f.from, f.to, wrapper.DateOf(now.UTC())); err != nil {
		return nil, err
	}
	if !slices.Contains(formats, c.format) {
		return nil, usagef("unknown --format %q; use one of %s", c.format, strings.Join(formats, ", "))
	}
	conn, err := f.conn.check(set, getenv)
	if err != nil {
		return nil, err
	}
	c.conn = conn
	return c, nil
}

// dateShape is what a date flag takes.
var dateShape = regexp.MustCompile(`^\d{4}-\d\d-\d\d$`)

// parseDate reads a date flag's value.
func parseDate(flag, s string) (wrapper.Date, error) {
	d, err := wrapper.ParseDate(s)
	switch {
	case err == nil:
		return d, nil
	case dateShape.MatchString(s):
		return d, usagef("--%s %s is not a day of the calendar", flag, s)
	}
	return d, usagef("--%s %q is not a date; use yyyy-mm-dd, e.g. 2026-10-31", flag, s)
}

// parseRange sets from and to, each defaulted, and checks the range
// against today: Zoom has nothing from the future and keeps six months.
func (c *config) parseRange(fromStr, toStr string, today wrapper.Date) error {
	var err error
	c.to = today
	if toStr != "" {
		if c.to, err = parseDate("to", toStr); err != nil {
			return err
		}
	}
	c.from = c.to.AddDays(-defaultRangeDays)
	if fromStr != "" {
		if c.from, err = parseDate("from", fromStr); err != nil {
			return err
		}
	}
	earliest := wrapper.EarliestDay(today)
	switch {
	case c.to.After(today):
		return usagef("--to %s is after today, %s (UTC); Zoom has no sessions from the future", c.to, today)
	case c.from.After(today):
		return usagef("--from %s is after today, %s (UTC); Zoom has no sessions from the future", c.from, today)
	case c.from.After(c.to):
		return usagef("--from %s is after --to %s; give a range that starts on or before its end", c.from, c.to)
	case c.from.Before(earliest):
		return usagef("--from %s reaches back more than six months; Zoom keeps chat-session reports from %s on (today is %s, UTC)", c.from, earliest, today)
	}
	return nil
}

// usage writes the help text.
func usage(w io.Writer) {
	var f listFlags
	fs := newFlagSet(&f)
	fmt.Fprint(w, `zoom-chat-sessions lists a Zoom account's chat sessions for a date range
(GET /v2/report/chat/sessions), split into month windows, as a table, CSV,
JSON or NDJSON on stdout or in a file.

Usage:
  zoom-chat-sessions [flags]
  zoom-chat-sessions sync --db FILE [flags]   archive into SQLite (see sync --help)

Credentials come from the environment only:
  ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET   Server-to-Server OAuth
  ZOOM_ACCESS_TOKEN                                     or a bearer token as is

Flags:
`)
	for _, name := range listFlagNames {
		fl := fs.Lookup(name)
		def := ""
		if fl.DefValue != "" && fl.DefValue != "false" {
			def = " (default " + fl.DefValue + ")"
		}
		label := "--" + fl.Name
		if name == "output" {
			label = "-o, --output FILE"
		}
		fmt.Fprintf(w, "  %-18s %s\n", label, wrapWords(fl.Usage+def, 80-21, strings.Repeat(" ", 21)))
	}
	fmt.Fprint(w, `
Exit status: 0 success; 2 bad usage or input (nothing was sent);
1 anything else.

Examples:
  zoom-chat-sessions --demo
  zoom-chat-sessions --from 2026-06-01 --to 2026-11-26 --format ndjson \
      -o sessions.ndjson
`)
}

// wrapWords breaks s into lines of at most width bytes, at spaces, the
// lines after the first indented.
func wrapWords(s string, width int, indent string) string {
	var b strings.Builder
	n := 0
	for i, word := range strings.Fields(s) {
		switch {
		case i == 0:
		case n+1+len(word) > width:
			b.WriteString("\n" + indent)
			n = 0
		default:
			b.WriteByte(' ')
			n++
		}
		b.WriteString(word)
		n += len(word)
	}
	return b.String()
}

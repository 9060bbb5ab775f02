package main

import (
	"bufio"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/zoomkit/chatsessions/wrapper"
)

// tableWriter writes aligned columns for people, one line per session
// whatever Zoom sends (server text goes through escapeText). Widths are
// fixed, so rows stream out as pages come instead of waiting for the last
// one.
//
// For a terminal (layout.width > 0) every row fits the width: the time to
// the minute, a short ID (see shortIDs) and the name or members cut with an
// ellipsis. Otherwise (a pipe, a file, --format wide) rows carry full IDs,
// whole names and times to the second.
type tableWriter struct {
	w      *bufio.Writer
	layout tableLayout
	ids    shortIDs
	header bool
	line   strings.Builder
}

func newTableWriter(w *bufio.Writer, layout tableLayout) *tableWriter {
	return &tableWriter{w: w, layout: layout, ids: shortIDs{min: shortIDMin}}
}

// Column widths. The ID column of the full table holds Zoom's 64-digit IDs
// (longer ones push the name right); the fitted table's holds short IDs.
const (
	colTime      = 20 // 2006-01-02T15:04:05Z
	colTimeShort = 16 // 2006-01-02 15:04
	colType      = 5  // Group, 1:1
	colStatus    = 7  // active, deleted
	colExternal  = 8  // EXTERNAL
	colExtShort  = 3  // EXT
	colIDFull    = 64
	colIDShort   = shortIDMin + 2
	maxIDShort   = 16 // a longer abbreviation is cut with an ellipsis
	colGap       = "  "
	minNameCols  = 4 // so a terminal narrower than 61 columns may wrap rows
)

func (t *tableWriter) fitted() bool { return t.layout.width > 0 }

func (t *tableWriter) writeHeader() {
	if t.header {
		return
	}
	t.header = true
	if t.fitted() {
		t.row("LAST MESSAGE UTC", "TYPE", "STATUS", "EXT", "ID", "NAME / MEMBERS")
	} else {
		t.row("LAST MESSAGE (UTC)", "TYPE", "STATUS", "EXTERNAL", "ID", "NAME / MEMBERS")
	}
}

// row writes one line of already escaped cells.
func (t *tableWriter) row(when, typ, status, external, id, name string) {
	b := &t.line
	b.Reset()
	cols := []struct {
		text  string
		width int
	}{
		{when, colTime}, {typ, colType}, {status, colStatus}, {external, colExternal}, {id, colIDFull},
	}
	if t.fitted() {
		cols[0].width, cols[3].width, cols[4].width = colTimeShort, colExtShort, colIDShort
	}
	used := 0
	for i, c := range cols {
		text, w := c.text, textWidth(c.text)
		if t.fitted() && i != len(cols)-1 {
			text, w = fitWidth(text, c.width) // server text such as an unknown type
		}
		b.WriteString(padRight(text, w, c.width))
		b.WriteString(colGap)
		used += max(w, c.width) + len(colGap)
	}
	if t.fitted() {
		name, _ = fitWidth(name, max(t.layout.width-used, minNameCols))
	}
	b.WriteString(name)
	// No trailing blanks: a header or a row without a name ends at its ID.
	line := strings.TrimRight(b.String(), " ")
	t.w.WriteString(line)
	t.w.WriteByte('\n')
}

func (t *tableWriter) Write(s *wrapper.Session) error {
	t.writeHeader()
	name := s.Name
	if name == "" && len(s.MemberEmails) > 0 {
		name = strings.Join(s.MemberEmails, ", ")
	}
	external := "no"
	if s.HasExternalMember {
		external = "yes"
	}
	status := string(s.Status)
	if status == "" {
		status = "-"
	}
	when, id := formatTime(s.LastMessageSentTime), s.ID
	if t.fitted() {
		when, id = "-", t.ids.next(s.ID)
		if len(id) > maxIDShort {
			// Only IDs built to share a long prefix get here; the row
			// still fits, and the ellipsis says the full ID is in
			// --format wide.
			n := maxIDShort - 1
			for n > 0 && !utf8.RuneStart(id[n]) {
				n-- // never cut inside a character
			}
			id = id[:n] + ellipsis
		}
		if !s.LastMessageSentTime.IsZero() {
			when = s.LastMessageSentTime.UTC().Format(time.DateOnly + " 15:04")
		}
	}
	t.row(when, escapeText(string(s.Type)), escapeText(status), external, escapeText(id), escapeText(name))
	return nil
}

func (t *tableWriter) Flush() error { return t.w.Flush() }

func (t *tableWriter) Close() error {
	t.writeHeader()
	return t.w.Flush()
}

// shortIDMin is the fewest characters of an ID a fitted table shows, as
// git shows 7 of a hash: 8 hex digits tell apart tens of thousands of IDs
// before two share a prefix.
const shortIDMin = 8

// shortIDs abbreviates IDs like git abbreviates hashes: each is cut to the
// shortest prefix, at least min bytes, that no ID shown before it starts
// with, so a short ID names one session among every row printed up to its
// own. (Rows already printed cannot change; as with git, a later ID can
// make an earlier abbreviation ambiguous, but never equal to another row's.)
// It keeps every ID shown, in buckets by their first min bytes: the
// memory of a table a terminal can show.
type shortIDs struct {
	min  int
	seen map[string][]string
}

func (s *shortIDs) next(id string) string {
	if len(id) <= s.min {
		return id
	}
	if s.seen == nil {
		s.seen = map[string][]string{}
	}
	key := id[:s.min]
	n := s.min
	known := false
	for _, other := range s.seen[key] {
		if other == id {
			known = true // the same session again: no need to tell it from itself
			continue
		}
		n = max(n, commonPrefix(id, other)+1)
	}
	if !known {
		s.seen[strings.Clone(key)] = append(s.seen[key], strings.Clone(id))
	}
	for n < len(id) && !utf8.RuneStart(id[n]) {
		n++ // never cut inside a character
	}
	return id[:min(n, len(id))]
}

// commonPrefix is the length in bytes of the longest common prefix of a and b.
func commonPrefix(a, b string) int {
	n := min(len(a), len(b))
	for i := range n {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

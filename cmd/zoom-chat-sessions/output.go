package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/zoomkit/chatsessions/wrapper"
)

// formats lists the output formats --format accepts, in the order the help
// text gives them. "wide" is the table with full IDs and whole names.
var formats = []string{"table", "wide", "csv", "json", "ndjson"}

// writer writes sessions in one output format. Write is called once per
// session, Flush at the end of every page (so rows reach a pipe or terminal
// as pages arrive), Close once at the end, also after an error or an
// interrupt, so that what was written is always whole: whole lines, a
// closed JSON array.
type writer interface {
	Write(s *wrapper.Session) error
	Flush() error
	Close() error
}

// tableLayout says how a table is laid out: for a terminal of some width,
// or full columns.
type tableLayout struct {
	// width is the terminal's width in columns; 0 prints full columns
	// (full IDs, whole names), as for a pipe, a file or --format wide.
	width int
}

// newWriter returns the writer for format, which must be one of formats.
func newWriter(format string, w io.Writer, layout tableLayout) writer {
	bw := bufio.NewWriterSize(w, 64<<10)
	switch format {
	case "csv":
		return newCSVWriter(bw)
	case "json":
		return &jsonWriter{w: bw}
	case "ndjson":
		return &ndjsonWriter{w: bw}
	case "wide":
		return newTableWriter(bw, tableLayout{})
	default:
		return newTableWriter(bw, layout)
	}
}

// zoomSession is a session under Zoom's own field names, for json and
// ndjson when the wrapper has no raw object to pass through.
type zoomSession struct {
	ID                  string   `json:"id"`
	Type                string   `json:"type"`
	Name                string   `json:"name"`
	ChannelID           string   `json:"channel_id,omitempty"`
	MemberEmails        []string `json:"member_emails,omitempty"`
	Status              string   `json:"status,omitempty"`
	HasExternalMember   bool     `json:"has_external_member"`
	LastMessageSentTime string   `json:"last_message_sent_time,omitempty"`
}

// sessionJSON is the JSON object for s, on one line: exactly what Zoom
// sent, so fields Zoom adds later are kept, or else the known fields under
// Zoom's names. Control characters inside strings are written as \u
// escapes (see escapeJSON), so the values stay exactly Zoom's while the
// bytes stay safe for a terminal.
func sessionJSON(s *wrapper.Session) ([]byte, error) {
	if len(s.Raw) > 0 {
		raw := []byte(s.Raw)
		if bytes.ContainsAny(raw, "\r\n\t") {
			// One object per line, even when Zoom pretty-prints.
			var b bytes.Buffer
			if err := json.Compact(&b, raw); err != nil {
				return nil, err
			}
			raw = b.Bytes()
		}
		return escapeJSON(raw), nil
	}
	z := zoomSession{
		ID: s.ID, Type: string(s.Type), Name: s.Name, ChannelID: s.ChannelID,
		MemberEmails: s.MemberEmails, Status: string(s.Status), HasExternalMember: s.HasExternalMember,
	}
	if !s.LastMessageSentTime.IsZero() {
		z.LastMessageSentTime = s.LastMessageSentTime.UTC().Format(time.RFC3339)
	}
	b, err := json.Marshal(z)
	return escapeJSON(b), err
}

// escapeJSON rewrites, in compact valid JSON, every rune that escapeText
// would escape as a \uXXXX escape, and every invalid UTF-8 byte as \ufffd
// (what a JSON decoder reads it as). Such runes can only be inside strings
// (outside them JSON allows only structure and ASCII whitespace), so the
// document decodes to the same values.
func escapeJSON(b []byte) []byte {
	safe := true
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if (r == utf8.RuneError && size == 1) || (r >= 0x7f && unsafeRune(r)) {
			safe = false
			break
		}
		i += size
	}
	if safe {
		return b
	}
	out := make([]byte, 0, len(b)+16)
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			out = append(out, `\ufffd`...)
		case r >= 0x7f && unsafeRune(r):
			out = fmt.Appendf(out, `\u%04x`, r)
		default:
			out = append(out, b[i:i+size]...)
		}
		i += size
	}
	return out
}

// ndjsonWriter writes one JSON object per line.
type ndjsonWriter struct{ w *bufio.Writer }

func (n *ndjsonWriter) Write(s *wrapper.Session) error {
	b, err := sessionJSON(s)
	if err != nil {
		return err
	}
	n.w.Write(b)
	return n.w.WriteByte('\n')
}

func (n *ndjsonWriter) Flush() error { return n.w.Flush() }
func (n *ndjsonWriter) Close() error { return n.w.Flush() }

// jsonWriter writes one JSON array, one session per line inside it.
type jsonWriter struct {
	w     *bufio.Writer
	count int
}

func (j *jsonWriter) Write(s *wrapper.Session) error {
	b, err := sessionJSON(s)
	if err != nil {
		return err
	}
	if j.count == 0 {
		j.w.WriteString("[\n")
	} else {
		j.w.WriteString(",\n")
	}
	j.count++
	_, err = j.w.Write(b)
	return err
}

func (j *jsonWriter) Flush() error { return j.w.Flush() }

// Close ends the array, so an interrupted run still leaves valid JSON.
func (j *jsonWriter) Close() error {
	if j.count == 0 {
		j.w.WriteString("[]\n")
	} else {
		j.w.WriteString("\n]\n")
	}
	return j.w.Flush()
}

// csvHeader names the CSV columns: Zoom's field names.
var csvHeader = []string{"id", "type", "name", "channel_id", "member_emails", "status", "has_external_member", "last_message_sent_time"}

// csvWriter writes RFC 4180 CSV: a header and one row per session, lists
// joined with ";". Cells from Zoom pass spreadsheetCell.
type csvWriter struct {
	w      *bufio.Writer
	c      *csv.Writer
	header bool
}

func newCSVWriter(w *bufio.Writer) *csvWriter {
	return &csvWriter{w: w, c: csv.NewWriter(w)}
}

func (c *csvWriter) writeHeader() error {
	if c.header {
		return nil
	}
	c.header = true
	return c.c.Write(csvHeader)
}

func (c *csvWriter) Write(s *wrapper.Session) error {
	if err := c.writeHeader(); err != nil {
		return err
	}
	return c.c.Write([]string{
		spreadsheetCell(s.ID), spreadsheetCell(string(s.Type)), spreadsheetCell(s.Name),
		spreadsheetCell(s.ChannelID), spreadsheetCell(strings.Join(s.MemberEmails, ";")), spreadsheetCell(string(s.Status)),
		strconv.FormatBool(s.HasExternalMember), formatTime(s.LastMessageSentTime),
	})
}

func (c *csvWriter) Flush() error {
	c.c.Flush()
	if err := c.c.Error(); err != nil {
		return err
	}
	return c.w.Flush()
}

func (c *csvWriter) Close() error {
	if err := c.writeHeader(); err != nil {
		return err
	}
	return c.Flush()
}

// formatTime prints t in UTC as RFC 3339, or nothing for the zero time.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

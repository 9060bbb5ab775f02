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

	"github.com/zoomkit/chatsessions/wrapper"
)

// formats lists the output formats --format accepts, in the order the help
// text gives them.
var formats = []string{"table", "csv", "json", "ndjson"}

// writer writes sessions in one output format. Write is called once per
// session, Close once at the end (also after an error or an interrupt), so
// that what was written is always whole: whole lines, a closed JSON array.
type writer interface {
	Write(s wrapper.Session) error
	Close() error
}

// newWriter returns the writer for format, which must be one of formats.
func newWriter(format string, w io.Writer) writer {
	bw := bufio.NewWriterSize(w, 64<<10)
	switch format {
	case "csv":
		return newCSVWriter(bw)
	case "json":
		return &jsonWriter{w: bw}
	case "ndjson":
		return &ndjsonWriter{w: bw}
	default:
		return newTableWriter(bw)
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

// sessionJSON is the JSON object for s: exactly what Zoom sent, so fields
// Zoom adds later are kept, or else the known fields under Zoom's names.
func sessionJSON(s wrapper.Session) ([]byte, error) {
	if len(s.Raw) > 0 {
		if bytes.ContainsAny(s.Raw, "\r\n") {
			// One object per line, even when Zoom pretty-prints.
			var b bytes.Buffer
			err := json.Compact(&b, s.Raw)
			return b.Bytes(), err
		}
		return s.Raw, nil
	}
	z := zoomSession{
		ID: s.ID, Type: string(s.Type), Name: s.Name, ChannelID: s.ChannelID,
		MemberEmails: s.MemberEmails, Status: string(s.Status), HasExternalMember: s.HasExternalMember,
	}
	if !s.LastMessageSentTime.IsZero() {
		z.LastMessageSentTime = s.LastMessageSentTime.UTC().Format(time.RFC3339)
	}
	return json.Marshal(z)
}

// ndjsonWriter writes one JSON object per line.
type ndjsonWriter struct{ w *bufio.Writer }

func (n *ndjsonWriter) Write(s wrapper.Session) error {
	b, err := sessionJSON(s)
	if err != nil {
		return err
	}
	n.w.Write(b)
	return n.w.WriteByte('\n')
}

func (n *ndjsonWriter) Close() error { return n.w.Flush() }

// jsonWriter writes one JSON array, one session per line inside it.
type jsonWriter struct {
	w     *bufio.Writer
	count int
}

func (j *jsonWriter) Write(s wrapper.Session) error {
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

// csvWriter writes a header and one row per session; lists are joined
// with ";".
type csvWriter struct {
	w      *bufio.Writer
	c      *csv.Writer
	header bool
}

func newCSVWriter(w *bufio.Writer) *csvWriter { return &csvWriter{w: w, c: csv.NewWriter(w)} }

func (c *csvWriter) writeHeader() error {
	if c.header {
		return nil
	}
	c.header = true
	return c.c.Write(csvHeader)
}

func (c *csvWriter) Write(s wrapper.Session) error {
	if err := c.writeHeader(); err != nil {
		return err
	}
	return c.c.Write([]string{
		s.ID, string(s.Type), s.Name, s.ChannelID, strings.Join(s.MemberEmails, ";"), string(s.Status),
		strconv.FormatBool(s.HasExternalMember), formatTime(s.LastMessageSentTime),
	})
}

func (c *csvWriter) Close() error {
	if err := c.writeHeader(); err != nil {
		return err
	}
	c.c.Flush()
	if err := c.c.Error(); err != nil {
		return err
	}
	return c.w.Flush()
}

// tableWriter writes aligned columns for people. Widths are fixed, so rows
// stream out as they come instead of waiting for the last one; the last
// column (name, or the members of a 1:1 session) is not padded.
type tableWriter struct {
	w      *bufio.Writer
	header bool
}

func newTableWriter(w *bufio.Writer) *tableWriter { return &tableWriter{w: w} }

// tableFormat lays out: last message time, type, status, external member,
// session ID (Zoom's are 64 hex digits), then name or members.
const tableFormat = "%-20s  %-5s  %-7s  %-8s  %-64s  %s\n"

func (t *tableWriter) writeHeader() {
	if !t.header {
		t.header = true
		fmt.Fprintf(t.w, tableFormat, "LAST MESSAGE (UTC)", "TYPE", "STATUS", "EXTERNAL", "ID", "NAME / MEMBERS")
	}
}

func (t *tableWriter) Write(s wrapper.Session) error {
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
	_, err := fmt.Fprintf(t.w, tableFormat, formatTime(s.LastMessageSentTime), s.Type, status, external, s.ID, name)
	return err
}

func (t *tableWriter) Close() error {
	t.writeHeader()
	return t.w.Flush()
}

// formatTime prints t in UTC as RFC 3339, or nothing for the zero time.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

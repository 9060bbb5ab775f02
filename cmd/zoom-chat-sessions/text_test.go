package main

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestEscapeText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Product Roadmap", "Product Roadmap"},
		{"naïve 会議 👩‍💻", "naïve 会議 👩‍💻"}, // the zero-width joiner stays: it is not a control
		{"a\nb\rc\td", `a\nb\rc\td`},
		{"\x1b[31mred\x1b[0m", `\x1b[31mred\x1b[0m`},
		{"\x00\x07\x7f", `\x00\x07\x7f`},
		{"\u0085\u009b", `\u0085\u009b`},
		{"line\u2028para\u2029", `line\u2028para\u2029`},
		{"\u202eevil\u2066\u200f\u061c", `\u202eevil\u2066\u200f\u061c`},
		{"bad\xffutf8", `bad\xffutf8`},
	}
	for _, tt := range tests {
		if got := escapeText(tt.in); got != tt.want {
			t.Errorf("escapeText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFitWidth(t *testing.T) {
	tests := []struct {
		in       string
		cols     int
		want     string
		wantCols int
	}{
		{"Support", 10, "Support", 7},
		{"Support Escalations", 10, "Support E…", 10},
		{"会議室の名前", 7, "会議室…", 7},
		{"会議室の名前", 6, "会議…", 5},
		{"abc", 0, "", 0},
	}
	for _, tt := range tests {
		got, cols := fitWidth(tt.in, tt.cols)
		if got != tt.want || cols != tt.wantCols {
			t.Errorf("fitWidth(%q, %d) = %q, %d; want %q, %d", tt.in, tt.cols, got, cols, tt.want, tt.wantCols)
		}
	}
}

// TestShortIDs: each abbreviation is the shortest prefix, at least 8
// bytes, that no earlier ID starts with; the same ID again needs no more.
func TestShortIDs(t *testing.T) {
	ids := []string{
		"8d14c8c7a46882cc89de", // first: 8
		"5205761ee721a19f2d27", // no shared prefix: 8
		"8d14c8c7b0000000",     // shares 8 with the first: 9
		"8d14c8c7a4ffffff",     // shares 10 with the first: 11
		"8d14c8c7a46882cc89de", // the first again: now told apart from the one after it
		"short",                // shorter than 8: whole
		"8d14",                 // whole
	}
	want := []string{"8d14c8c7", "5205761e", "8d14c8c7b", "8d14c8c7a4f", "8d14c8c7a46", "short", "8d14"}
	s := shortIDs{min: shortIDMin}
	var got []string
	for _, id := range ids {
		got = append(got, s.next(id))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("short IDs (-want +got):\n%s", diff)
	}
}

func TestSpreadsheetCell(t *testing.T) {
	for in, want := range map[string]string{
		"=1+1": "'=1+1", "+1": "'+1", "-1": "'-1", "@SUM(A1)": "'@SUM(A1)", "\tx": "'\tx", "\rx": "'\rx",
		"Roadmap": "Roadmap", "": "", "a=b": "a=b",
	} {
		if got := spreadsheetCell(in); got != want {
			t.Errorf("spreadsheetCell(%q) = %q, want %q", in, got, want)
		}
	}
}

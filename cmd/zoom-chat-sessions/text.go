package main

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// Server text (session names, member emails, Zoom's error messages) is
// shown to people only through escapeText: a control character in it must
// not move the cursor, start a new table row or retitle the terminal.

// unsafeRune reports whether r must not reach a terminal as is: C0 and C1
// controls and DEL, the line and paragraph separators (U+2028, U+2029) and
// the bidirectional controls that reorder what follows them.
func unsafeRune(r rune) bool {
	return unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || unicode.Is(unicode.Bidi_Control, r)
}

// escapeText returns s with every unsafe rune written as a Go escape
// (\n, \x1b, \u2028) and every invalid UTF-8 byte as \xNN, so it shows on
// one line and changes nothing but the characters printed. Safe text comes
// back unchanged, without allocating.
func escapeText(s string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || unsafeRune(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x80 && unsafeRune(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// runeWidth is the number of terminal columns r takes: 2 for East Asian
// wide and fullwidth characters, 0 for combining marks and zero-width
// characters, 1 otherwise.
func runeWidth(r rune) int {
	switch {
	case r == '\u200b' || r == '\u200c' || r == '\u200d' || r == '\ufeff':
		return 0
	case unicode.In(r, unicode.Mn, unicode.Me):
		return 0
	}
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	return 1
}

// textWidth is the number of terminal columns s takes (s holds no
// control characters: it went through escapeText).
func textWidth(s string) int {
	n := 0
	for _, r := range s {
		n += runeWidth(r)
	}
	return n
}

// ellipsis marks text cut to fit.
const ellipsis = "…"

// fitWidth returns s cut to at most cols terminal columns, ending in an
// ellipsis when it was cut, and the columns the result takes.
func fitWidth(s string, cols int) (string, int) {
	if cols <= 0 {
		return "", 0
	}
	w := textWidth(s)
	if w <= cols {
		return s, w
	}
	used := 0
	for i, r := range s {
		rw := runeWidth(r)
		if used+rw > cols-1 { // keep a column for the ellipsis
			return s[:i] + ellipsis, used + 1
		}
		used += rw
	}
	return s, used
}

// padRight returns s followed by spaces up to cols columns (s takes w).
func padRight(s string, w, cols int) string {
	if w >= cols {
		return s
	}
	return s + strings.Repeat(" ", cols-w)
}

// spreadsheetCell neutralises a CSV cell that a spreadsheet would run as a
// formula (OWASP, "CSV Injection"): a cell that starts with =, +, -, @, a
// tab or a carriage return gets a leading single quote, which spreadsheets
// show as text. Zoom's IDs, names and emails never legitimately start so.
func spreadsheetCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

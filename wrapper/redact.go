package wrapper

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"
)

// This file is the one choke point for text that reaches an error: every
// error string and every APIError/TokenError field that carries server text
// passes redactor.text (or apply), which replaces any known secret, in every
// encoding a server could echo it in, with REDACTED, escapes control
// characters and caps the length.

// redacted replaces a secret in text.
const redacted = "REDACTED"

// Length caps of server text, in bytes after escaping.
const (
	maxErrorText   = 2048 // a whole error string (transport errors)
	maxMessageText = 512  // APIError.Message, TokenError.Reason
	maxBodyText    = 256  // APIError.Body
	maxHeaderText  = 128  // TrackingID, RateLimitType, TokenError.Code

	// maxScanText is how much of a body is scanned for secrets: enough for
	// any secret form to match whole after the first maxBodyText bytes.
	maxScanText = 64 << 10
)

// redactedError shows a scrubbed message; it unwraps only to a cause that
// carries no server text (see safeCause), so errors.Is still finds
// context and network errors.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return safeCause(e.err) }

// safeCause returns the first error in err's chain whose text cannot hold
// server text: context errors, io.EOF/ErrUnexpectedEOF, the per-attempt
// timeout (errAttemptTimeout), a timeout (as
// os.ErrDeadlineExceeded) and *net.OpError from dialing, reading or writing
// (addresses and system errors). It returns nil when there is none: an
// *url.Error or a malformed-response error quotes what the server sent.
func safeCause(err error) error {
	for _, target := range []error{context.Canceled, context.DeadlineExceeded, io.ErrUnexpectedEOF, io.EOF, errAttemptTimeout} {
		if errors.Is(err, target) {
			return target
		}
	}
	if op, ok := errors.AsType[*net.OpError](err); ok && op.Op != "proxyconnect" {
		return op
	}
	if ne, ok := errors.AsType[net.Error](err); ok && ne.Timeout() {
		return os.ErrDeadlineExceeded
	}
	return nil
}

// redactor knows the secrets of one Client and scrubs text of them. Its
// table is replaced whole on each add (rare) and read without locks; being
// behind an atomic pointer, it is printed as an address by fmt.
type redactor struct {
	mu    sync.Mutex // serialises adds
	table atomic.Pointer[redactTable]
}

// redactTable is an immutable set of secret forms.
type redactTable struct {
	// pinned are the forms of the client secret, the Basic pair and a
	// static token: kept for the Client's life.
	pinned [][]string
	// tokens are the forms of the access tokens issued, newest last, at
	// most maxRedactTokens (an older token has expired anyway).
	tokens [][]string
	// byFirst indexes every form by its first byte, longest first.
	byFirst [256][]string
}

// maxRedactTokens bounds the access tokens remembered.
const maxRedactTokens = 16

// minSecretLen: shorter strings are not redacted (they would match
// ordinary text).
const minSecretLen = 4

// addSecret remembers s (a client secret or static token) for the Client's
// life.
func (r *redactor) addSecret(s string) { r.add(s, true) }

// addToken remembers an access token issued or given; only the newest
// maxRedactTokens are kept.
func (r *redactor) addToken(s string) { r.add(s, false) }

// addBasicPair remembers the HTTP Basic credentials sent to the token
// endpoint: base64 of "id:secret", raw and with each part
// percent-encoded as golang.org/x/oauth2 sends it.
func (r *redactor) addBasicPair(id, secret string) {
	if len(secret) < minSecretLen {
		return
	}
	var forms []string
	for _, pair := range []string{id + ":" + secret, url.QueryEscape(id) + ":" + url.QueryEscape(secret)} {
		forms = append(forms, base64Forms(pair)...)
	}
	r.store(forms, true)
}

func (r *redactor) add(s string, pinned bool) {
	if len(s) < minSecretLen {
		return
	}
	r.store(secretForms(s), pinned)
}

func (r *redactor) store(forms []string, pinned bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var t redactTable
	if old := r.table.Load(); old != nil {
		t.pinned, t.tokens = old.pinned, old.tokens
	}
	for _, group := range slices.Concat(t.pinned, t.tokens) {
		if slices.Equal(group, forms) {
			return
		}
	}
	if pinned {
		t.pinned = append(slices.Clip(t.pinned), forms)
	} else {
		if len(t.tokens) == maxRedactTokens {
			t.tokens = t.tokens[1:]
		}
		t.tokens = append(slices.Clip(t.tokens), forms)
	}
	for _, group := range slices.Concat(t.pinned, t.tokens) {
		for _, f := range group {
			t.byFirst[f[0]] = append(t.byFirst[f[0]], f)
		}
	}
	for _, fs := range t.byFirst {
		slices.SortFunc(fs, func(a, b string) int { return len(b) - len(a) })
	}
	r.table.Store(&t)
}

// secretForms are the ways s can appear in what a server sends back: raw,
// percent-encoded (query and path style, upper- and lower-case hex),
// JSON-escaped (with and without HTML escaping, with escaped slashes) and
// base64 (standard and URL alphabets, at any alignment).
func secretForms(s string) []string {
	forms := []string{s, url.QueryEscape(s), url.PathEscape(s)}
	for _, f := range forms[1:] {
		forms = append(forms, lowerHexEscapes(f))
	}
	for _, html := range []bool{true, false} {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(html)
		if enc.Encode(s) == nil {
			j := strings.TrimSuffix(b.String(), "\n")
			j = j[1 : len(j)-1]
			forms = append(forms, j, strings.ReplaceAll(j, "/", `\/`))
		}
	}
	forms = append(forms, base64Forms(s)...)
	slices.Sort(forms)
	return slices.Compact(forms)
}

// lowerHexEscapes turns %2F into %2f.
func lowerHexEscapes(s string) string {
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			b[i+1] = byte(unicode.ToLower(rune(b[i+1])))
			b[i+2] = byte(unicode.ToLower(rune(b[i+2])))
		}
	}
	return string(b)
}

// base64Forms returns s's base64 encodings (standard and URL alphabets,
// padded and not) and, for each of the three alignments s can have inside
// a longer base64 text, the characters that depend on s alone.
func base64Forms(s string) []string {
	var forms []string
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
		forms = append(forms, enc.EncodeToString([]byte(s)), enc.WithPadding(base64.NoPadding).EncodeToString([]byte(s)))
		for k := range 3 {
			e := enc.WithPadding(base64.NoPadding).EncodeToString([]byte(strings.Repeat("\x00", k) + s))
			from, to := (8*k+5)/6, 8*(k+len(s))/6
			if to-from >= 8 {
				forms = append(forms, e[from:to])
			}
		}
	}
	return forms
}

// apply scrubs an error string: secrets redacted, control characters
// escaped, at most maxErrorText bytes.
func (r *redactor) apply(s string) string { return r.text(s, maxErrorText) }

// text scrubs server text in one pass: every known secret form becomes
// REDACTED, every rune that is not graphic (control characters such as
// ESC, CR, LF, bidirectional overrides, invalid UTF-8) is escaped Go-style,
// and the result is cut to at most limit bytes (plus "…" when cut).
// Matching runs on the whole input, so a secret is never cut in half by the
// limit.
func (r *redactor) text(s string, limit int) string {
	if s == "" {
		return s
	}
	t := r.table.Load()
	if t == nil {
		t = &redactTable{}
	}
	var b strings.Builder
	b.Grow(min(len(s), limit) + len("…"))
	for i := 0; i < len(s); {
		piece, n := "", 0
		for _, f := range t.byFirst[s[i]] {
			if strings.HasPrefix(s[i:], f) {
				piece, n = redacted, len(f)
				break
			}
		}
		if n == 0 {
			piece, n = escapeRune(s[i:])
		}
		if b.Len()+len(piece) > limit {
			b.WriteString("…")
			break
		}
		b.WriteString(piece)
		i += n
	}
	return b.String()
}

// escapeRune returns the first rune of s as it may be shown, and its
// length in s: itself when it is graphic or a space, else a Go escape
// (\n, \x1b, \u202e; \xff for a byte that is not UTF-8).
func escapeRune(s string) (string, int) {
	r, n := utf8.DecodeRuneInString(s)
	switch {
	case r == utf8.RuneError && n <= 1:
		return `\x` + strconv.FormatUint(uint64(s[0])|0x100, 16)[1:], 1
	case unicode.IsGraphic(r):
		return s[:n], n
	}
	q := strconv.QuoteRuneToASCII(r)
	return q[1 : len(q)-1], n
}

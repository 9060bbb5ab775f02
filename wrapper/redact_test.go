package wrapper

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestRedactorText(t *testing.T) {
	const tok = "tok/en+1"
	r := &redactor{}
	r.addSecret("SeCrEt-42")
	r.addToken(tok)
	r.addBasicPair("cid", "SeCrEt-42")
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	for _, tc := range []struct {
		in    string
		limit int
		want  string
	}{
		{"", 10, ""},
		{"plain text é 漢字 😀 \\ \"q\"", 100, "plain text é 漢字 😀 \\ \"q\""},
		{"a SeCrEt-42 b SeCrEt-42", 100, "a REDACTED b REDACTED"},
		{"url tok%2Fen%2B1 path tok%2Fen+1 lower tok%2fen%2b1", 100, "url REDACTED path REDACTED lower REDACTED"},
		{`json "tok\/en+1"`, 100, `json "REDACTED"`},
		{"std " + b64(tok) + " url " + base64.URLEncoding.EncodeToString([]byte(tok)), 100, "std REDACTED url REDACTED"},
		{"Basic " + b64("cid:SeCrEt-42"), 100, "Basic REDACTED"},
		{"esc \x1b[31m bell \a nul \x00 del \x7f", 100, `esc \x1b[31m bell \a nul \x00 del \x7f`},
		{"cr\r\nlf\ttab", 100, `cr\r\nlf\ttab`},
		{"bidi \u202e \u2066 sep \u2028 c1 \u0085 bom \ufeff", 100, `bidi \u202e \u2066 sep \u2028 c1 \u0085 bom \ufeff`},
		{"bad \xff\xfe utf8 \xc3", 100, `bad \xff\xfe utf8 \xc3`},
		{"0123456789abc", 10, "0123456789…"},
		{"0123456789", 10, "0123456789"},
		{"xxxx SeCrEt-42", 10, "xxxx …"},                // REDACTED does not fit: nothing of the secret shown
		{"xxxx\x1b", 7, "xxxx…"},                        // an escape is never cut in half
		{"SeCrEt-4", 100, "SeCrEt-4"},                   // a prefix is not the secret
		{"SeCrEt-42SeCrEt-42", 100, "REDACTEDREDACTED"}, // adjacent
	} {
		if got := r.text(tc.in, tc.limit); got != tc.want {
			t.Errorf("text(%q, %d)\n got %q\nwant %q", tc.in, tc.limit, got, tc.want)
		}
	}
}

// TestRedactorBase64Alignment: the secret inside a longer base64 text, at
// each of the three offsets, is redacted.
func TestRedactorBase64Alignment(t *testing.T) {
	const secret = "SeCrEt-4242"
	r := &redactor{}
	r.addSecret(secret)
	for k := range 3 {
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding} {
			in := enc.EncodeToString([]byte(strings.Repeat("p", k) + secret + "suffix"))
			got := r.text(in, 1000)
			if !strings.Contains(got, redacted) {
				t.Errorf("offset %d: %q not redacted: %q", k, in, got)
			}
			// What is left decodes to no more than 2 bytes of the secret.
			rest := strings.SplitN(got, redacted, 2)
			if len(rest[0]) > 4*((k+2)/3)+2 {
				t.Errorf("offset %d: %q left before REDACTED", k, rest[0])
			}
		}
	}
}

// TestRedactorKeepsNewestTokens: the client secret is kept for good, only
// the newest maxRedactTokens tokens after it.
func TestRedactorKeepsNewestTokens(t *testing.T) {
	r := &redactor{}
	r.addSecret("client-secret")
	n := maxRedactTokens + 4
	for i := range n {
		r.addToken(fmt.Sprintf("token-%03d", i))
	}
	r.addToken("token-019") // again: no duplicate
	if got := r.text("client-secret", 100); got != redacted {
		t.Errorf("client secret: %q", got)
	}
	for i := range n {
		want := redacted
		if i < n-maxRedactTokens {
			want = fmt.Sprintf("token-%03d", i)
		}
		if got := r.text(fmt.Sprintf("token-%03d", i), 100); got != want {
			t.Errorf("token %d: got %q, want %q", i, got, want)
		}
	}
	if got := len(r.table.Load().tokens); got != maxRedactTokens {
		t.Errorf("%d tokens kept", got)
	}
	r.addToken("abc") // too short to redact: kept out
	if got := r.text("abc", 100); got != "abc" {
		t.Errorf("short: %q", got)
	}
}

// TestSealedCredentialsUnprintable: a Client, its value copied field by
// field, its token provider and its config print no credential under any
// verb, not even in hex.
func TestSealedCredentialsUnprintable(t *testing.T) {
	const sec, static = "client-secret-XYZ", "static-token-XYZ"
	h := newHostile(t, nil, nil)
	cs := newClient(t, h.options(WithServerToServer("acct", "cid", sec))...)
	if _, err := pullApril(t.Context(), cs); err != nil {
		t.Fatal(err)
	}
	ct := newClient(t, h.options(WithToken(static))...)
	cfg := config{}
	for _, o := range []Option{WithServerToServer("acct", "cid", sec), WithToken(static)} {
		if err := o(&cfg); err != nil {
			t.Fatal(err)
		}
	}
	var out strings.Builder
	for _, v := range []any{cs, ct, reflect.ValueOf(cs).Elem().Interface(), reflect.ValueOf(ct).Elem().Interface(),
		cs.auth, ct.auth, cfg, &cfg, cs.redact, WithToken(static)} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d"} {
			fmt.Fprintf(&out, verb+"\n", v)
		}
	}
	for _, s := range []string{sec, static, h.accessTok} {
		for _, form := range []string{s, fmt.Sprintf("%x", s), fmt.Sprintf("%X", s)} {
			if strings.Contains(out.String(), form) {
				t.Errorf("printing shows %q", form)
			}
		}
	}
}

// FuzzRedactorText: whatever surrounds a secret, text never shows it,
// never shows a control character or invalid UTF-8, and keeps to its
// limit.
func FuzzRedactorText(f *testing.F) {
	f.Add("before ", " after", 40)
	f.Add("\x1b[2J", "\r\n", 3)
	f.Add(strings.Repeat("x", 250), "tail", 256)
	f.Add("\xff", "\u202e", 0)
	const secret = "Fuzz-Secret-1"
	r := &redactor{}
	r.addSecret(secret)
	f.Fuzz(func(t *testing.T, before, after string, limit int) {
		limit = max(0, limit%2048)
		got := r.text(before+secret+after, limit)
		if strings.Contains(got, secret) {
			t.Fatalf("shows the secret: %q", got)
		}
		if c, bad := hasControl(got); bad {
			t.Fatalf("control character %U in %q", c, got)
		}
		if len(got) > limit+len("…") || !utf8.ValidString(got) {
			t.Fatalf("%d bytes for limit %d: %q", len(got), limit, got)
		}
	})
}

// TestScrubbedErrorsUnwrapSafely: a transport failure, at the API or the
// token endpoint, still matches *net.OpError and context errors, but its
// chain holds no *url.Error (whose text quotes what a server sent).
func TestScrubbedErrorsUnwrapSafely(t *testing.T) {
	refused := "http://127.0.0.1:1"
	for name, opts := range map[string][]Option{
		"API":            {WithBaseURL(refused + "/v2"), WithToken("static-token-XYZ")},
		"token endpoint": {WithBaseURL(refused + "/v2"), WithTokenURL(refused + "/oauth/token"), WithServerToServer("acct", "cid", "client-secret-XYZ")},
	} {
		c := newClient(t, append(opts, WithRetryPolicy(RetryPolicy{MaxAttempts: 1}), WithClock(func() time.Time { return hostileNow }))...)
		_, err := pullApril(t.Context(), c)
		var op *net.OpError
		var ue *url.Error
		if !errors.As(err, &op) || op.Op != "dial" || errors.As(err, &ue) {
			t.Errorf("%s: %v: *net.OpError %v, *url.Error %v; want a dial OpError and no url.Error", name, err, op, ue)
		}
	}
	// A request cancelled mid-way: the url.Error is dropped, the cause kept.
	te := &transportError{"scrubbed", &url.Error{Op: "Get", URL: "https://x/?leak", Err: fmt.Errorf("read: %w", context.Canceled)}}
	if !errors.Is(te, context.Canceled) || errors.As(te, new(*url.Error)) {
		t.Errorf("transportError chain: %v", errorChain(te))
	}
}

// BenchmarkRedactorText scrubs a 500-byte error message for a client that
// knows a secret, a Basic pair and maxRedactTokens tokens; the baseline is
// the former scrubber (strings.ReplaceAll of each raw secret).
func BenchmarkRedactorText(b *testing.B) {
	r := &redactor{}
	r.addSecret("client-secret-0123456789abcdef")
	r.addBasicPair("client-id", "client-secret-0123456789abcdef")
	var raw []string
	for i := range maxRedactTokens {
		tok := fmt.Sprintf("eyJhbGciOiJIUzUxMiJ9.token-%02d.%s", i, strings.Repeat("x", 600))
		r.addToken(tok)
		raw = append(raw, tok)
	}
	msg := strings.Repeat("Invalid access token, does not contain scopes. ", 10) + raw[3]
	b.Run("baseline", func(b *testing.B) {
		for b.Loop() {
			s := msg
			for _, x := range raw {
				if strings.Contains(s, x) {
					s = strings.ReplaceAll(s, x, redacted)
				}
			}
		}
	})
	b.Run("text", func(b *testing.B) {
		for b.Loop() {
			r.text(msg, maxMessageText)
		}
	})
}

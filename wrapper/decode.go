package wrapper

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
)

// Decoding a 200 answer is strict about the page's shape and lenient about
// the values inside a session:
//
//   - the answer must be a JSON object carrying at least one of the report's
//     fields; "sessions", when present, an array of objects, at most
//     page_size of them; "next_page_token", when present, a string; "from"
//     and "to", when present, the request's days (Zoom has been seen
//     clamping a range silently on other report endpoints: that would be
//     missing data). Anything else is a contract error (ErrContract),
//     retried like a garbled body, never an empty page. Up to eight
//     problems are reported in the error.
//   - inside a session, a value of the wrong type leaves its field zero,
//     unknown enum values and odd e-mail addresses are kept as sent, and an
//     unreadable last_message_sent_time is the zero time.
//
// The body is read once, with a streaming tokenizer
// (github.com/go-json-experiment/json/jsontext, the future encoding/json/v2):
// each session's fields are decoded and, with WithRawJSON, its exact bytes
// captured by offset in the same pass. encoding/json needs two passes for
// that (one to split the array into json.RawMessage, one per object), and
// validates each value before decoding it, so it reads every byte 2-4
// times; see BenchmarkDecode.

// pageQuery is what decodePage needs to know of the request it answers.
type pageQuery struct {
	window   Window
	pageSize int
	raw      bool // keep each session's bytes in Session.Raw
}

// pageBody is a decoded 200 answer.
type pageBody struct {
	next     string
	sessions []Session
}

// ErrContract is matched (errors.Is) by a 200 answer whose shape breaks
// Zoom's contract for this endpoint: not a JSON object, "sessions" not an
// array of objects, more sessions than page_size, a next_page_token that is
// not a string, or from/to other than the request's. Such an answer is
// retried like a garbled body and, if it persists, ends the pull: it is
// never taken as an empty page.
var ErrContract = errors.New("answer breaks Zoom's contract")

// errBadBody marks a 2xx body that could not be used: cut off, garbled, or
// (with ErrContract) of the wrong shape. It is retried.
var errBadBody = errors.New("invalid response body")

// bodyError is a 2xx body that could not be used.
type bodyError struct {
	err      error
	contract bool // the body is valid JSON of the wrong shape
}

func (e *bodyError) Error() string {
	if e.contract {
		return errBadBody.Error() + ": " + ErrContract.Error() + ": " + e.err.Error()
	}
	return errBadBody.Error() + ": " + e.err.Error()
}

func (e *bodyError) Unwrap() error { return errBadBody }

// Is matches ErrContract for a body of the wrong shape.
func (e *bodyError) Is(target error) bool { return target == ErrContract && e.contract }

// decodeOptions: duplicate names are not checked (the last one wins, as in
// encoding/json, and the check costs a map per object), and invalid UTF-8 is
// tolerated inside strings and replaced when a string is read.
var decodeOptions = []jsontext.Options{jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true)}

// decodePage decodes a 200 body answering q.
func decodePage(body []byte, q pageQuery) (pageBody, error) {
	p := pageParser{q: q}
	if q.raw {
		// One copy of the page; each Session.Raw is a slice of it, so raw
		// objects cost no allocation each and outlive the read buffer.
		body = bytes.Clone(body)
	}
	p.body = body
	p.dec = jsontext.NewDecoder(bytes.NewBuffer(body), decodeOptions...)
	if err := p.page(); err != nil {
		return pageBody{}, &bodyError{err: syntaxProblem(err, len(body))}
	}
	if len(p.problems) > 0 {
		return pageBody{}, &bodyError{err: errors.New(strings.Join(p.problems, "; ")), contract: true}
	}
	return pageBody{next: p.next, sessions: p.sessions}, nil
}

// pageParser walks one answer. Its methods return syntax errors (the body
// is cut off or not JSON) and collect shape problems in problems.
type pageParser struct {
	dec      *jsontext.Decoder
	body     []byte
	q        pageQuery
	next     string
	sessions []Session
	problems []string
	skipped  jsontext.Kind // the kind of the value stringValue last skipped
}

func (p *pageParser) problem(format string, args ...any) {
	if len(p.problems) < 8 { // enough to say what is wrong, bounded
		p.problems = append(p.problems, fmt.Sprintf(format, args...))
	}
}

// kindName names a JSON kind for a message.
func kindName(k jsontext.Kind) string {
	switch k {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case '0':
		return "a number"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "nothing"
}

// page reads the top-level object.
func (p *pageParser) page() error {
	if k := p.dec.PeekKind(); k != '{' {
		if k == 0 { // empty or not JSON
			return p.readError()
		}
		if err := p.dec.SkipValue(); err != nil {
			return err
		}
		p.problem("the answer is %s, want a JSON object", kindName(k))
		return p.end()
	}
	if _, err := p.dec.ReadToken(); err != nil {
		return err
	}
	known := false
	for {
		k := p.dec.PeekKind()
		if k == '}' {
			break
		}
		if k == 0 {
			return p.readError()
		}
		name, err := p.name()
		if err != nil {
			return err
		}
		switch string(name) {
		case "sessions":
			known = true
			err = p.sessionList()
		case "next_page_token":
			known = true
			var ok bool
			if p.next, ok, err = p.stringValue(); err == nil && !ok {
				p.problem("next_page_token is %s, want a string", kindName(p.skipped))
			}
		case "from":
			known = true
			err = p.day("from", p.q.window.From)
		case "to":
			known = true
			err = p.day("to", p.q.window.To)
		case "page_size", "total_records":
			known = true
			err = p.dec.SkipValue()
		default:
			err = p.dec.SkipValue()
		}
		if err != nil {
			return err
		}
	}
	if _, err := p.dec.ReadToken(); err != nil {
		return err
	}
	if !known {
		p.problem("the answer has none of the report's fields (sessions, next_page_token, from, to, page_size)")
	}
	return p.end()
}

// end checks that nothing follows the answer.
func (p *pageParser) end() error {
	if _, err := p.dec.ReadToken(); err != io.EOF {
		if err == nil {
			return errTrailingData
		}
		return err
	}
	return nil
}

// day checks from or to against the request.
func (p *pageParser) day(name string, d Date) error {
	want := d.String()
	s, ok, err := p.stringValue()
	switch {
	case err != nil:
		return err
	case !ok:
		p.problem("%s is %s, want a string", name, kindName(p.skipped))
	case s != want && !(len(s) > 10 && s[:10] == want && s[10] == 'T'):
		p.problem("%s is %s, but the request asked for %s: Zoom answered for another range", name, quoteDay(s), want)
	}
	return nil
}

// quoteDay quotes s for a message if it looks like a day or an instant;
// other server text (which could echo a credential) is not repeated.
func quoteDay(s string) string {
	if len(s) > 40 || strings.Trim(s, "0123456789-:.+TZ") != "" {
		return "not a day"
	}
	return strconv.Quote(s)
}

// sessionList reads the sessions array.
func (p *pageParser) sessionList() error {
	if k := p.dec.PeekKind(); k != '[' {
		if k == 0 {
			return p.readError()
		}
		p.problem("sessions is %s, want an array", kindName(k))
		return p.dec.SkipValue()
	}
	if _, err := p.dec.ReadToken(); err != nil {
		return err
	}
	p.sessions = make([]Session, 0, min(p.q.pageSize, MaxPageSize))
	n := 0
	for ; ; n++ {
		k := p.dec.PeekKind()
		if k == ']' {
			break
		}
		switch k {
		case 0:
			return p.readError()
		case '{':
			if len(p.sessions) == p.q.pageSize { // counted, not kept: memory stays bounded
				if err := p.dec.SkipValue(); err != nil {
					return err
				}
				continue
			}
			s, err := p.session()
			if err != nil {
				return err
			}
			p.sessions = append(p.sessions, s)
		default:
			p.problem("sessions[%d] is %s, want an object", n, kindName(k))
			if err := p.dec.SkipValue(); err != nil {
				return err
			}
		}
	}
	if _, err := p.dec.ReadToken(); err != nil {
		return err
	}
	if n > p.q.pageSize {
		p.problem("%d sessions on one page, more than the page_size %d asked for", n, p.q.pageSize)
	}
	return nil
}

// session reads one session object, leniently.
func (p *pageParser) session() (Session, error) {
	var s Session
	start := p.dec.InputOffset()
	if _, err := p.dec.ReadToken(); err != nil { // {
		return s, err
	}
	for {
		k := p.dec.PeekKind()
		if k == '}' {
			break
		}
		if k == 0 {
			return s, p.readError()
		}
		name, err := p.name()
		if err != nil {
			return s, err
		}
		switch string(name) {
		case "id":
			s.ID, _, err = p.stringValue()
		case "name":
			s.Name, _, err = p.stringValue()
		case "channel_id":
			s.ChannelID, _, err = p.stringValue()
		case "type":
			var v string
			v, err = p.enumValue()
			s.Type = SessionType(v)
		case "status":
			var v string
			v, err = p.enumValue()
			s.Status = SessionStatus(v)
		case "member_emails":
			s.MemberEmails, err = p.stringList()
		case "has_external_member":
			s.HasExternalMember, err = p.boolValue()
		case "last_message_sent_time":
			var v jsontext.Value
			if v, err = p.dec.ReadValue(); err == nil {
				s.LastMessageSentTime = lenientTime(v)
			}
		default:
			err = p.dec.SkipValue()
		}
		if err != nil {
			return s, err
		}
	}
	if _, err := p.dec.ReadToken(); err != nil { // }
		return s, err
	}
	if p.q.raw {
		raw := p.body[start:p.dec.InputOffset()]
		s.Raw = json.RawMessage(bytes.TrimLeft(raw, " \t\r\n,"))
	}
	return s, nil
}

// name reads an object member's name. The bytes are valid until the next
// read; callers switch on string(name), which does not allocate.
func (p *pageParser) name() ([]byte, error) {
	v, err := p.dec.ReadValue()
	if err != nil || len(v) < 2 {
		return nil, err
	}
	if in := v[1 : len(v)-1]; bytes.IndexByte(in, '\\') < 0 {
		return in, nil
	}
	return []byte(unquote(v)), nil
}

// enumValue reads a string like stringValue, without allocating for the
// values Zoom documents.
func (p *pageParser) enumValue() (string, error) {
	if p.dec.PeekKind() != '"' {
		s, _, err := p.stringValue()
		return s, err
	}
	v, err := p.dec.ReadValue()
	if err != nil {
		return "", err
	}
	switch string(v) {
	case `"Group"`:
		return string(SessionTypeGroup), nil
	case `"1:1"`:
		return string(SessionTypeOneToOne), nil
	case `"active"`:
		return string(SessionStatusActive), nil
	case `"deleted"`:
		return string(SessionStatusDeleted), nil
	}
	return unquote(v), nil
}

// stringValue reads a string; any other value is skipped and reported as
// not ok (its kind in p.skipped).
func (p *pageParser) stringValue() (string, bool, error) {
	k := p.dec.PeekKind()
	if k != '"' {
		p.skipped = k
		if k == 0 {
			return "", false, p.readError()
		}
		return "", false, p.dec.SkipValue()
	}
	v, err := p.dec.ReadValue()
	if err != nil {
		return "", false, err
	}
	return unquote(v), true, nil
}

// boolValue reads true or false; any other value is skipped as false.
func (p *pageParser) boolValue() (bool, error) {
	k := p.dec.PeekKind()
	if k == 't' || k == 'f' {
		_, err := p.dec.ReadToken()
		return k == 't', err
	}
	return false, p.dec.SkipValue()
}

// stringList reads an array of strings, skipping other elements; any other
// value is skipped as nil.
func (p *pageParser) stringList() ([]string, error) {
	if p.dec.PeekKind() != '[' {
		return nil, p.dec.SkipValue()
	}
	if _, err := p.dec.ReadToken(); err != nil {
		return nil, err
	}
	var out []string
	for {
		k := p.dec.PeekKind()
		if k == ']' {
			break
		}
		if k == 0 {
			return nil, p.readError()
		}
		s, ok, err := p.stringValue()
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, s)
		}
	}
	_, err := p.dec.ReadToken()
	return out, err
}

// unquote returns the text of a JSON string value, with escapes resolved
// and invalid UTF-8 replaced by U+FFFD.
func unquote(v jsontext.Value) string {
	if len(v) < 2 {
		return ""
	}
	in := v[1 : len(v)-1]
	if bytes.IndexByte(in, '\\') < 0 && utf8.Valid(in) {
		return string(in)
	}
	out, err := jsontext.AppendUnquote(nil, bytes.ToValidUTF8(v, []byte("\uFFFD")))
	if err != nil {
		return strings.ToValidUTF8(string(in), "\uFFFD")
	}
	return string(out)
}

var errTrailingData = errors.New("data after the JSON object")

// syntaxProblem describes why a body is not JSON by position only: the
// parser's own message can quote the body, which is server text.
func syntaxProblem(err error, size int) error {
	var se *jsontext.SyntacticError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("cut off: the JSON ends early (%d bytes)", size)
	case errors.Is(err, errTrailingData):
		return fmt.Errorf("data after the JSON object (%d bytes)", size)
	case errors.As(err, &se):
		return fmt.Errorf("not valid JSON at byte %d of %d", se.ByteOffset, size)
	}
	return fmt.Errorf("not valid JSON (%d bytes)", size)
}

// readError is the error of a read where PeekKind found no valid token.
func (p *pageParser) readError() error {
	_, err := p.dec.ReadToken()
	return orUnexpectedEOF(err)
}

// orUnexpectedEOF turns the end of input in the middle of the answer into
// io.ErrUnexpectedEOF: the body was cut off.
func orUnexpectedEOF(err error) error {
	if err == nil || err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// lenientLayouts are the near-misses of RFC 3339 lenientTime accepts, in
// the order tried.
var lenientLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04Z07:00",
	"2006-01-02",
}

// lenientTime parses a JSON value as RFC 3339 or a common near-miss
// (epoch seconds or milliseconds included); anything else is the zero
// time, never an error.
func lenientTime(b []byte) time.Time {
	if len(b) == 0 {
		return time.Time{}
	}
	if b[0] != '"' {
		// epoch seconds or milliseconds
		if n, err := strconv.ParseInt(string(b), 10, 64); err == nil && n > 0 {
			if n > 1e11 {
				return time.UnixMilli(n).UTC()
			}
			return time.Unix(n, 0).UTC()
		}
		return time.Time{}
	}
	if len(b) >= 2 && b[len(b)-1] == '"' {
		var v time.Time
		if v.UnmarshalText(b[1:len(b)-1]) == nil { // RFC 3339, no allocation
			return v
		}
	}
	s := strings.TrimSpace(unquote(b))
	for _, layout := range lenientLayouts {
		if v, err := time.Parse(layout, s); err == nil {
			return v
		}
	}
	return time.Time{}
}

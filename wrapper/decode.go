package wrapper

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"
)

// wirePage is the 200 body as this package reads it: only what it needs;
// unknown fields are ignored, enums are plain strings.
type wirePage struct {
	NextPageToken string        `json:"next_page_token"`
	Sessions      []wireSession `json:"sessions"`
}

// wirePageRaw is wirePage for WithRawJSON: each session kept as sent.
type wirePageRaw struct {
	NextPageToken string            `json:"next_page_token"`
	Sessions      []json.RawMessage `json:"sessions"`
}

type wireSession struct {
	ID                  string      `json:"id"`
	Name                string      `json:"name"`
	ChannelID           string      `json:"channel_id"`
	Type                string      `json:"type"`
	Status              string      `json:"status"`
	MemberEmails        []string    `json:"member_emails"`
	HasExternalMember   bool        `json:"has_external_member"`
	LastMessageSentTime lenientTime `json:"last_message_sent_time"`
}

func (w *wireSession) session() Session {
	return Session{
		ID:                  w.ID,
		Name:                w.Name,
		ChannelID:           w.ChannelID,
		Type:                SessionType(w.Type),
		Status:              SessionStatus(w.Status),
		MemberEmails:        w.MemberEmails,
		HasExternalMember:   w.HasExternalMember,
		LastMessageSentTime: time.Time(w.LastMessageSentTime),
	}
}

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

// errBadBody marks a 2xx body that is not a JSON object: cut off or garbled.
var errBadBody = errors.New("invalid response body")

// decodePage decodes a 200 body. Only a body that is not valid JSON (cut
// off, garbled) is an error; wrong-typed values inside sessions are dropped
// field by field, and an odd last_message_sent_time leaves the zero time.
func decodePage(body []byte, q pageQuery) (pageBody, error) {
	next, sessions, err := decodeSessions(body, q.raw)
	return pageBody{next: next, sessions: sessions}, err
}

func decodeSessions(body []byte, raw bool) (next string, sessions []Session, err error) {
	if !raw {
		var p wirePage
		if err := json.Unmarshal(body, &p); err != nil && !tolerable(err) {
			return "", nil, &bodyError{err}
		}
		sessions = make([]Session, len(p.Sessions))
		for i := range p.Sessions {
			sessions[i] = p.Sessions[i].session()
		}
		return p.NextPageToken, sessions, nil
	}
	var p wirePageRaw
	if err := json.Unmarshal(body, &p); err != nil && !tolerable(err) {
		return "", nil, &bodyError{err}
	}
	sessions = make([]Session, 0, len(p.Sessions))
	for _, r := range p.Sessions {
		var w wireSession
		if len(r) == 0 || r[0] != '{' {
			continue // not an object: nothing to keep
		}
		_ = json.Unmarshal(r, &w) // r is valid JSON; type errors are tolerated
		s := w.session()
		s.Raw = r
		sessions = append(sessions, s)
	}
	return p.NextPageToken, sessions, nil
}

// tolerable: a wrong-typed value inside a session (encoding/json still fills
// every other field). A wrong type elsewhere, or a syntax error, is not.
func tolerable(err error) bool {
	var te *json.UnmarshalTypeError
	return errors.As(err, &te) && strings.HasPrefix(te.Field, "sessions")
}

type bodyError struct{ err error }

func (e *bodyError) Error() string { return errBadBody.Error() + ": " + e.err.Error() }
func (e *bodyError) Unwrap() error { return errBadBody }

// lenientTime parses RFC 3339 and common near-misses; anything else is the
// zero time, never an error.
type lenientTime time.Time

var lenientLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04Z07:00",
	"2006-01-02",
}

// UnmarshalJSON never fails.
func (t *lenientTime) UnmarshalJSON(b []byte) error {
	*t = lenientTime{}
	if len(b) == 0 {
		return nil
	}
	if b[0] != '"' {
		// epoch seconds or milliseconds
		if n, err := strconv.ParseInt(string(b), 10, 64); err == nil && n > 0 {
			if n > 1e11 {
				*t = lenientTime(time.UnixMilli(n).UTC())
			} else {
				*t = lenientTime(time.Unix(n, 0).UTC())
			}
		}
		return nil
	}
	if len(b) >= 2 && b[len(b)-1] == '"' {
		var v time.Time
		if v.UnmarshalText(b[1:len(b)-1]) == nil { // RFC 3339, no allocation
			*t = lenientTime(v)
			return nil
		}
	}
	var s string
	if len(b) >= 2 && b[len(b)-1] == '"' && bytes.IndexByte(b, '\\') < 0 {
		s = string(b[1 : len(b)-1])
	} else if json.Unmarshal(b, &s) != nil {
		return nil
	}
	s = strings.TrimSpace(s)
	for _, layout := range lenientLayouts {
		if v, err := time.Parse(layout, s); err == nil {
			*t = lenientTime(v)
			return nil
		}
	}
	return nil
}

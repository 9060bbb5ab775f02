package wrapper

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"time"

	"github.com/zoomkit/chatsessions/api"
)

// SessionType is a chat session's type. Values Zoom adds later are kept as
// sent.
type SessionType string

// Session types Zoom documents.
const (
	SessionTypeGroup    SessionType = SessionType(api.ChatSessionTypeGroup)    // "Group"
	SessionTypeOneToOne SessionType = SessionType(api.ChatSessionTypeOneToOne) // "1:1"
)

// SessionStatus is a chat session's status; empty for 1:1 sessions. Values
// Zoom adds later are kept as sent.
type SessionStatus string

// Session statuses Zoom documents.
const (
	SessionStatusActive  SessionStatus = SessionStatus(api.ChatSessionStatusActive)  // "active"
	SessionStatusDeleted SessionStatus = SessionStatus(api.ChatSessionStatusDeleted) // "deleted"
)

// Session is one chat session of the report. Fields Zoom omitted are zero.
type Session struct {
	ID                  string        // id
	Name                string        // name; empty for 1:1
	ChannelID           string        // channel_id; Group only
	Type                SessionType   // type
	Status              SessionStatus // status; not for 1:1
	MemberEmails        []string      // member_emails; 1:1 only, as sent (not validated)
	HasExternalMember   bool          // has_external_member
	LastMessageSentTime time.Time     // last_message_sent_time; zero if absent or unreadable
	// Raw is the exact JSON object Zoom sent, with fields this package does
	// not know; set only with WithRawJSON(true).
	Raw json.RawMessage
}

// Page is one answer of Zoom, for checkpoints and progress.
type Page struct {
	Window        Window    // the from/to of the request
	Number        int       // 1 for a window's first page
	Token         string    // next_page_token sent to get this page; "" for the first
	NextPageToken string    // the token Zoom returned; "" when the window is done
	Sessions      []Session // sessions not already yielded in this window
	// Received is when Zoom's answer arrived: when NextPageToken was issued,
	// and so when it expires (PageTokenTTL later). Save it with the token
	// to resume with PagesAt.
	Received time.Time
}

// A WindowCursor says where PagesAt starts a window: at its first page (no
// Token), or at a next_page_token saved from an earlier pull.
type WindowCursor struct {
	Window Window
	// Token is the next_page_token to send first; "" starts at page 1.
	Token string
	// Page is the number of the page Token fetches: Number+1 of the page
	// that carried it. Ignored without Token.
	Page int
	// IssuedAt is when Zoom issued Token (Received of the page that carried
	// it). A token older than PageTokenTTL is not sent: the window starts
	// at page 1 instead.
	IssuedAt time.Time
}

// Last reports whether p is the last page of its window.
func (p *Page) Last() bool { return p.NextPageToken == "" }

// Sessions yields every chat session from `from` to `to` (inclusive),
// window by window in order, following next_page_token
// (GET /report/chat/sessions). An error is yielded once, and ends the
// sequence. Breaking out of the loop cancels in-flight requests.
func (c *Client) Sessions(ctx context.Context, from, to Date) iter.Seq2[Session, error] {
	return func(yield func(Session, error) bool) {
		for p, err := range c.Pages(ctx, from, to) {
			if err != nil {
				yield(Session{}, err)
				return
			}
			for i := range p.Sessions {
				if !yield(p.Sessions[i], nil) {
					return
				}
			}
		}
	}
}

// Pages yields the pages of GET /report/chat/sessions from `from` to `to`
// (inclusive): the range is split into calendar-month windows ([Windows]),
// up to WithConcurrency windows are fetched at once, and pages come out in
// window order. The range is checked before any request: valid dates, from
// not after to, from within the last six months.
//
// Windows keep fetching while the caller reads an earlier one, within one
// memory budget shared by the pull (WithMemoryBudget); when it is full the
// windows furthest from the caller wait first, so memory stays bounded by
// the budget plus one page per window whatever the range.
//
// Exactly once: within a window a session ID is yielded at most once (a
// repeat is skipped and counted in Stats.Duplicates). A session without an
// ID cannot be told apart from another, so it is always yielded, and may
// come again if its window restarts.
//
// A window whose next_page_token Zoom refuses mid-way (it expires 15 minutes
// after it is issued, so a slow caller can outlive it) is restarted from its
// first page; sessions already yielded are skipped and pages with nothing
// new are not yielded, except a window's last page. A window ends with an
// error after WithMaxRestarts restarts in a row that yielded nothing new,
// after WithMaxPages pages (ErrTooManyPages), after a few pages in a row
// past the furthest page reached that bring nothing new (ErrNoProgress),
// or on a next_page_token it already sent (ErrRepeatedToken). Pages are
// never reused: keeping a *Page or its Sessions after the loop moves on is
// safe.
func (c *Client) Pages(ctx context.Context, from, to Date) iter.Seq2[*Page, error] {
	windows, err := Windows(from, to)
	if err == nil {
		err = checkSixMonths(from, c.now())
	}
	if err != nil {
		return func(yield func(*Page, error) bool) { yield(nil, fmt.Errorf("wrapper: %w", err)) }
	}
	cursors := make([]WindowCursor, len(windows))
	for i, w := range windows {
		cursors[i] = WindowCursor{Window: w}
	}
	return c.PagesAt(ctx, cursors)
}

// PagesAt is Pages for the given windows, in the order given, each starting
// at its cursor: a pull interrupted after a page resumes from that page's
// NextPageToken while it is younger than PageTokenTTL (an archive saves
// Window, NextPageToken, Number+1 and Received with each page). A window
// whose saved token is too old, or that Zoom refuses, restarts at page 1;
// the caller's store must then keep each session once (by ID). Every window
// must be valid and within the last six months.
func (c *Client) PagesAt(ctx context.Context, cursors []WindowCursor) iter.Seq2[*Page, error] {
	return func(yield func(*Page, error) bool) {
		for _, cur := range cursors {
			_, err := Windows(cur.Window.From, cur.Window.To)
			if err == nil && cur.Window.From.endOfMonth().Before(cur.Window.To) {
				err = fmt.Errorf("%w: window %s spans more than one calendar month", ErrRange, cur.Window)
			}
			if err == nil {
				err = checkSixMonths(cur.Window.From, c.now())
			}
			if err != nil {
				yield(nil, fmt.Errorf("wrapper: %w", err))
				return
			}
		}
		pl := c.newPull(cursors)
		defer pl.stop()
		pl.mu.Lock()
		pl.startMore(ctx)
		pl.mu.Unlock()
		for i := range cursors {
			pl.setHead(i)
			for {
				page, ok, err := pl.next(ctx, i)
				if err != nil {
					yield(nil, err)
					return
				}
				if !ok {
					break
				}
				c.stats.pages.Add(1)
				c.stats.sessions.Add(int64(len(page.Sessions)))
				if !yield(page, nil) {
					return
				}
			}
			c.stats.windows.Add(1)
		}
	}
}

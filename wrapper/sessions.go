package wrapper

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"iter"
	"net/http"
	"slices"
	"sync"
	"time"

	openapi_types "github.com/oapi-codegen/runtime/types"

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
// A window whose next_page_token Zoom refuses mid-way (it expires 15 minutes
// after it is issued, so a slow caller can outlive it) is restarted from its
// first page; sessions already yielded are skipped (by ID) and pages with
// nothing new are not yielded, except a window's last page. A window gives up
// after WithMaxRestarts restarts in a row that yielded nothing new. Pages are never reused: keeping
// a *Page or its Sessions after the loop moves on is safe.
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
		windows := make([]Window, len(cursors))
		for i, cur := range cursors {
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
			windows[i] = cur.Window
		}
		var wg sync.WaitGroup
		defer wg.Wait()
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()

		chans := make([]chan pageResult, len(windows))
		start := func(i int) {
			ch := make(chan pageResult, pagesBuffered)
			chans[i] = ch
			wg.Go(func() { c.fetchWindow(ctx, cursors[i], ch) })
		}
		for i := range min(c.concurrency, len(windows)) {
			start(i)
		}
		for i := range windows {
			for r := range chans[i] {
				if r.err != nil {
					yield(nil, r.err)
					return
				}
				c.stats.pages.Add(1)
				c.stats.sessions.Add(int64(len(r.page.Sessions)))
				if !yield(r.page, nil) {
					return
				}
			}
			if ctx.Err() != nil { // the producer stopped early
				yield(nil, fmt.Errorf("wrapper: window %s: %w", windows[i], context.Cause(ctx)))
				return
			}
			chans[i] = nil
			c.stats.windows.Add(1)
			if j := i + c.concurrency; j < len(windows) {
				start(j)
			}
		}
	}
}

// pagesBuffered is how many pages a window fetches ahead of the caller.
// Memory is bounded by concurrency × (pagesBuffered+1) pages of 300
// sessions; a window waiting its turn can still make progress meanwhile.
const pagesBuffered = 4

type pageResult struct {
	page *Page
	err  error
}

var idSeed = maphash.MakeSeed()

// fetchWindow sends the pages of w to out, then closes it. It stops when
// ctx is done.
func (c *Client) fetchWindow(ctx context.Context, cur WindowCursor, out chan<- pageResult) {
	w := cur.Window
	defer close(out)
	send := func(r pageResult) bool {
		select {
		case out <- r:
			return true
		case <-ctx.Done():
			return false
		}
	}
	// Hashes of the IDs sent so far (8 bytes a session), only read after a
	// restart.
	var sent []uint64
	var lastErr error
	// stalled counts restarts in a row that sent no new session: a consumer
	// slower than the token TTL still makes progress on every restart, so
	// only a window that gets nowhere gives up.
	stalled := 0
	for restarts := 0; ; restarts++ {
		if restarts > 0 && stalled >= c.maxRestarts {
			send(pageResult{err: fmt.Errorf("wrapper: window %s: gave up after %d restarts in a row without progress: %w", w, stalled, lastErr)})
			return
		}
		var skip map[uint64]struct{}
		if restarts > 0 {
			c.stats.restarts.Add(1)
			skip = make(map[uint64]struct{}, len(sent))
			for _, h := range sent {
				skip[h] = struct{}{}
			}
		}
		sentBefore := len(sent)
		token, number := "", 1
		if restarts == 0 && cur.Token != "" && c.now().Sub(cur.IssuedAt) < PageTokenTTL {
			token, number = cur.Token, max(cur.Page, 1)
		}
		seenTokens := map[string]struct{}{}
		for ; ; number++ {
			next, sessions, err := c.fetchPage(ctx, w, token)
			received := c.now()
			if err != nil {
				if token != "" && errors.Is(err, ErrPageToken) {
					lastErr = err
					break // restart the window
				}
				send(pageResult{err: fmt.Errorf("wrapper: window %s, page %d: %w", w, number, err)})
				return
			}
			if skip != nil {
				sessions = slices.DeleteFunc(sessions, func(s Session) bool {
					_, dup := skip[maphash.String(idSeed, s.ID)]
					return dup
				})
			}
			for i := range sessions {
				sent = append(sent, maphash.String(idSeed, sessions[i].ID))
			}
			// After a restart, a page of sessions already yielded is not
			// queued: waiting for the caller to take it would let the next
			// token age past its TTL again. The last page always is, so
			// the caller sees the window end.
			if len(sessions) > 0 || skip == nil || next == "" {
				if !send(pageResult{page: &Page{Window: w, Number: number, Token: token, NextPageToken: next, Sessions: sessions, Received: received}}) {
					return
				}
			}
			if next == "" {
				return
			}
			if _, dup := seenTokens[next]; dup {
				send(pageResult{err: fmt.Errorf("wrapper: window %s, page %d: %w: %q", w, number, ErrRepeatedToken, next)})
				return
			}
			seenTokens[next] = struct{}{}
			token = next
		}
		if len(sent) > sentBefore {
			stalled = 0
		} else {
			stalled++
		}
	}
}

const maxBody = 64 << 20

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// fetchPage sends one request of w (with token unless empty), retrying per
// the policy, and decodes the answer.
func (c *Client) fetchPage(ctx context.Context, w Window, token string) (string, []Session, error) {
	params := &api.ReportChatSessionsParams{
		From:     openapi_types.Date{Time: w.From.Time(time.UTC)},
		To:       openapi_types.Date{Time: w.To.Time(time.UTC)},
		PageSize: &c.pageSize,
	}
	if token != "" {
		params.NextPageToken = &token
	}
	refreshed := false
	for attempt := 0; ; attempt++ {
		next, sessions, retryAfter, tok, err := c.try(ctx, w, params)
		if err == nil {
			return next, sessions, nil
		}
		if ctx.Err() != nil {
			return "", nil, err
		}
		var ae *APIError
		if errors.As(err, &ae) && ae.StatusCode == http.StatusUnauthorized && ae.Code == 124 && !refreshed {
			// Invalid or expired token: one fresh token, one more try.
			refreshed = true
			if c.auth.invalidate(tok) {
				attempt--
				c.stats.retries.Add(1)
				continue
			}
		}
		if !retryable(err) || attempt+1 >= c.retry.MaxAttempts {
			return "", nil, err
		}
		c.stats.retries.Add(1)
		if serr := c.sleep(ctx, c.retry.wait(attempt, retryAfter)); serr != nil {
			return "", nil, fmt.Errorf("%w (while waiting to retry after: %v)", serr, err)
		}
	}
}

// try sends one request and reads the answer.
// It also returns the access token it sent, for a renewal after a 401.
func (c *Client) try(ctx context.Context, w Window, params *api.ReportChatSessionsParams) (next string, sessions []Session, retryAfter time.Duration, tok string, err error) {
	if err := c.limiter.Wait(ctx); err != nil {
		if ctx.Err() == nil { // the wait would pass ctx's deadline
			return "", nil, 0, tok, fmt.Errorf("wrapper: rate limiter: %w", context.DeadlineExceeded)
		}
		return "", nil, 0, tok, context.Cause(ctx)
	}
	tok, err = c.auth.token(ctx)
	if err != nil {
		return "", nil, 0, tok, err
	}
	c.stats.requests.Add(1)
	resp, err := c.api.ReportChatSessions(ctx, params, func(_ context.Context, req *http.Request) error {
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Accept", "application/json")
		return nil
	})
	if err != nil {
		if ctx.Err() != nil {
			return "", nil, 0, tok, context.Cause(ctx)
		}
		return "", nil, 0, tok, &transportError{c.redact.apply(err.Error()), err}
	}
	buf := bufPool.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= 4<<20 {
			buf.Reset()
			bufPool.Put(buf)
		}
	}()
	buf.Reset()
	if resp.ContentLength > 0 && resp.ContentLength < maxBody {
		buf.Grow(int(resp.ContentLength))
	}
	_, rerr := buf.ReadFrom(io.LimitReader(resp.Body, maxBody))
	_ = resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		ae := c.apiError(resp, buf.Bytes())
		return "", nil, ae.RetryAfter, tok, ae
	}
	if rerr != nil {
		if ctx.Err() != nil {
			return "", nil, 0, tok, context.Cause(ctx)
		}
		return "", nil, 0, tok, &transportError{"wrapper: reading response body: " + c.redact.apply(rerr.Error()), rerr}
	}
	pb, err := decodePage(buf.Bytes(), pageQuery{window: w, pageSize: c.pageSize, raw: c.raw})
	return pb.next, pb.sessions, 0, tok, err
}

func retryable(err error) bool {
	var te *transportError
	var be *bodyError
	var ae *APIError
	var tk *TokenError
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return false
	case errors.As(err, &te), errors.As(err, &be):
		return true
	case errors.As(err, &ae):
		return ae.StatusCode >= 500 || (ae.StatusCode == http.StatusTooManyRequests && !ae.daily())
	case errors.As(err, &tk):
		return tk.retryable()
	}
	var re *redactedError // token endpoint unreachable
	return errors.As(err, &re)
}

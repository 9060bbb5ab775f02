package wrapper

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"time"
)

// maxPagesWithoutNew is how many pages in a row, past the furthest page a
// window reached, may bring nothing new (no session, or only IDs already
// yielded) before the window ends with ErrNoProgress: Zoom ends a window
// with an empty next_page_token, it does not send empty pages to follow.
const maxPagesWithoutNew = 5

var idSeed = maphash.MakeSeed()

// Errors that end a window whose pages do not end, matched with errors.Is.
var (
	// ErrTooManyPages: a window went past WithMaxPages pages.
	ErrTooManyPages = errors.New("too many pages in one window")
	// ErrNoProgress: pages in a row with a next_page_token that brought
	// no new session (empty, or only IDs already yielded).
	ErrNoProgress = errors.New("pages bring nothing new")
)

// windowPager walks the pages of one window, in the manner of
// aws-sdk-go-v2's paginators: HasMorePages, then NextPage. Its state is
// all here: where it is (token, number), what it has seen (tokens of this
// pass, IDs yielded) and the counters that bound a window whatever Zoom
// sends (pages fetched, pages without anything new, restarts without
// progress).
//
// Exactly once: a session whose ID was already yielded in the window is
// skipped (Stats.Duplicates). A session without an ID cannot be told apart
// from another: it is always yielded, so it may come twice if the window
// restarts; it does not count as progress.
type windowPager struct {
	c      *Client
	window Window
	token  string // next_page_token to send; "" for the first page
	number int    // the number of the page token fetches
	done   bool   // the last page was returned, or an error

	tokens  map[uint64]struct{} // hashes of the tokens sent in this pass
	sent    map[uint64]struct{} // hashes of the IDs yielded
	fetched int                 // pages fetched, every pass (WithMaxPages)
	reached int                 // the furthest page number fetched, any pass
	empty   int                 // pages in a row past reached that brought nothing new

	restarts   int // passes started again at page 1
	stalled    int // restarts in a row whose pass yielded no new ID
	sentAtPass int // len(sent) when the pass began

	covered time.Duration // of the window, counted in Stats.Covered
	first   func() bool   // whether the caller is at this window, for the pacer; nil: no
}

// cover counts, in Stats.Covered, how far into the window the fetched
// sessions reach (all of it once done): never back, never past its end.
func (p *windowPager) cover(sessions []Session, done bool) {
	start, end := p.window.From.Time(time.UTC), p.window.To.AddDays(1).Time(time.UTC)
	reach := p.covered
	if done {
		reach = end.Sub(start)
	}
	for i := range sessions {
		if t := sessions[i].LastMessageSentTime; t.After(start) && t.Before(end) {
			reach = max(reach, t.Sub(start))
		}
	}
	if reach > p.covered {
		p.c.stats.coveredNanos.Add(int64(reach - p.covered))
		p.covered = reach
	}
}

// newWindowPager starts at cur: its saved token while younger than
// PageTokenTTL, else page 1.
func (c *Client) newWindowPager(cur WindowCursor) *windowPager {
	p := &windowPager{c: c, window: cur.Window, number: 1, tokens: map[uint64]struct{}{}, sent: map[uint64]struct{}{}}
	if cur.Token != "" && c.now().Sub(cur.IssuedAt) < PageTokenTTL {
		p.token, p.number = cur.Token, max(cur.Page, 1)
	}
	return p
}

// HasMorePages reports whether NextPage has a page to return.
func (p *windowPager) HasMorePages() bool { return !p.done }

// NextPage returns the next page with something to yield: after a restart,
// pages holding only sessions already yielded are skipped (waiting for the
// caller with them would let the next token age again), except the last,
// so the caller sees the window end. Errors end the window.
func (p *windowPager) NextPage(ctx context.Context) (*Page, error) {
	for {
		if p.fetched >= p.c.maxPages {
			return nil, p.fail(fmt.Errorf("%w: more than %d pages (WithMaxPages)", ErrTooManyPages, p.c.maxPages))
		}
		if p.token != "" {
			h := maphash.String(idSeed, p.token)
			if _, dup := p.tokens[h]; dup {
				// The token itself is server text: not repeated here.
				return nil, p.fail(fmt.Errorf("%w: page %d's token was sent before in this window", ErrRepeatedToken, p.number))
			}
			p.tokens[h] = struct{}{}
		}
		body, err := p.c.fetchPage(ctx, p.window, p.token, p.first)
		received := p.c.now()
		if err != nil {
			if p.token != "" && errors.Is(err, ErrPageToken) {
				if err := p.restart(err); err != nil {
					return nil, err
				}
				continue
			}
			return nil, p.fail(err)
		}
		p.fetched++
		p.cover(body.sessions, body.next == "")
		fresh, ids := p.keepNew(body.sessions)
		page := &Page{Window: p.window, Number: p.number, Token: p.token, NextPageToken: body.next, Sessions: fresh, Received: received}
		replay := p.number <= p.reached // a page seen before this restart
		p.reached = max(p.reached, p.number)
		if body.next == "" {
			p.done = true
			return page, nil
		}
		switch {
		case ids > 0:
			p.empty = 0
		case !replay:
			if p.empty++; p.empty >= maxPagesWithoutNew {
				return nil, p.fail(fmt.Errorf("%w: %d pages in a row with a next_page_token and no new session", ErrNoProgress, p.empty))
			}
		}
		p.token, p.number = body.next, p.number+1
		if len(fresh) > 0 || p.restarts == 0 {
			return page, nil
		}
	}
}

// keepNew drops the sessions whose ID was already yielded and records the
// others; it returns what is left and how many of them have an ID.
func (p *windowPager) keepNew(sessions []Session) ([]Session, int) {
	out := sessions[:0]
	ids := 0
	for _, s := range sessions {
		if s.ID == "" {
			out = append(out, s)
			continue
		}
		h := maphash.String(idSeed, s.ID)
		if _, dup := p.sent[h]; dup {
			p.c.stats.duplicates.Add(1)
			continue
		}
		p.sent[h] = struct{}{}
		out = append(out, s)
		ids++
	}
	clear(sessions[len(out):]) // let the dropped sessions go
	return out, ids
}

// restart starts the window again at page 1 after Zoom refused its
// next_page_token, unless WithMaxRestarts passes in a row brought no new
// ID.
func (p *windowPager) restart(cause error) error {
	if len(p.sent) > p.sentAtPass {
		p.stalled = 0
	} else {
		p.stalled++
	}
	if p.stalled >= p.c.maxRestarts {
		return p.fail(fmt.Errorf("gave up after %d restarts in a row without progress: %w", p.stalled, cause))
	}
	p.c.stats.restarts.Add(1)
	p.restarts++
	p.sentAtPass = len(p.sent)
	p.token, p.number = "", 1
	p.tokens = map[uint64]struct{}{}
	p.empty = 0
	return nil
}

// fail ends the window with err, saying which window and page.
func (p *windowPager) fail(err error) error {
	p.done = true
	return fmt.Errorf("wrapper: window %s, page %d: %w", p.window, p.number, err)
}

package wrapper_test

import (
	"testing"
	"time"

	"github.com/zoomkit/chatsessions/wrapper"
	"github.com/zoomkit/chatsessions/zoomtest"
)

// pullAt runs PagesAt to the end.
func pullAt(t *testing.T, c *wrapper.Client, cursors ...wrapper.WindowCursor) ([]*wrapper.Page, error) {
	t.Helper()
	var out []*wrapper.Page
	for p, err := range c.PagesAt(t.Context(), cursors) {
		if err != nil {
			return out, err
		}
		out = append(out, p)
	}
	return out, nil
}

func sessionIDs(pages []*wrapper.Page) []string {
	var ids []string
	for _, p := range pages {
		for _, s := range p.Sessions {
			ids = append(ids, s.ID)
		}
	}
	return ids
}

// A pull stopped after page 2 resumes at page 3 from the saved token: the two
// pulls together yield every session once and send one request a page.
func TestPagesAtResumesFromSavedToken(t *testing.T) {
	clock := zoomtest.NewClock(zNow)
	srv := startZoom(t, zoomtest.WithSessionsPerDay(40), zoomtest.WithClock(clock.Now))
	c := zClient(t, srv, static(srv), wrapper.WithPageSize(100), wrapper.WithClock(clock.Now))
	w := wrapper.Window{From: zd(t, "2026-10-01"), To: zd(t, "2026-10-31")} // 1,240 sessions: 13 pages

	full, err := pullAt(t, c, wrapper.WindowCursor{Window: w})
	if err != nil || len(full) != 13 {
		t.Fatalf("clean pull: %d pages, err %v", len(full), err)
	}
	var first []*wrapper.Page
	for p, err := range c.PagesAt(t.Context(), []wrapper.WindowCursor{{Window: w}}) {
		if err != nil {
			t.Fatal(err)
		}
		first = append(first, p)
		if p.Number == 2 {
			break // the "crash"
		}
	}
	saved := first[len(first)-1]
	clock.Advance(10 * time.Minute)                                                             // within the token's 15 minutes
	c2 := zClient(t, srv, static(srv), wrapper.WithPageSize(100), wrapper.WithClock(clock.Now)) // as after a crash
	rest, err := pullAt(t, c2, wrapper.WindowCursor{Window: w, Token: saved.NextPageToken, Page: saved.Number + 1, IssuedAt: saved.Received})
	if err != nil {
		t.Fatal(err)
	}
	if rest[0].Number != 3 || rest[0].Token != saved.NextPageToken {
		t.Fatalf("resumed at page %d with token %q, want page 3 with the saved token", rest[0].Number, rest[0].Token)
	}
	got := sessionIDs(append(first, rest...))
	want := sessionIDs(full)
	if len(got) != len(want) {
		t.Fatalf("resumed pull: %d sessions, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("session %d: %s, want %s", i, got[i], want[i])
		}
	}
	if n := c2.Stats().Requests; n != 11 {
		t.Errorf("resumed pull sent %d requests, want 11 (pages 3 to 13)", n)
	}
}

// A saved token older than PageTokenTTL is not sent: the window starts over.
func TestPagesAtRestartsWithExpiredToken(t *testing.T) {
	clock := zoomtest.NewClock(zNow)
	srv := startZoom(t, zoomtest.WithSessionsPerDay(40), zoomtest.WithClock(clock.Now))
	c := zClient(t, srv, static(srv), wrapper.WithPageSize(100), wrapper.WithClock(clock.Now))
	w := wrapper.Window{From: zd(t, "2026-10-01"), To: zd(t, "2026-10-31")}
	var saved *wrapper.Page
	for p, err := range c.PagesAt(t.Context(), []wrapper.WindowCursor{{Window: w}}) {
		if err != nil {
			t.Fatal(err)
		}
		saved = p
		break
	}
	clock.Advance(wrapper.PageTokenTTL)
	c2 := zClient(t, srv, static(srv), wrapper.WithPageSize(100), wrapper.WithClock(clock.Now))
	pages, err := pullAt(t, c2, wrapper.WindowCursor{Window: w, Token: saved.NextPageToken, Page: 2, IssuedAt: saved.Received})
	if err != nil {
		t.Fatal(err)
	}
	if pages[0].Number != 1 || pages[0].Token != "" {
		t.Errorf("first page %d with token %q, want page 1 without a token", pages[0].Number, pages[0].Token)
	}
	if n, ids := c2.Stats().Requests, len(sessionIDs(pages)); n != 13 || ids != 1240 {
		t.Errorf("%d requests, %d sessions; want 13 and 1240", n, ids)
	}
}

// Windows that span two months or reach past six months are refused before
// any request.
func TestPagesAtChecksWindows(t *testing.T) {
	srv := startZoom(t)
	c := zClient(t, srv, static(srv))
	for _, w := range []wrapper.Window{
		{From: zd(t, "2026-09-15"), To: zd(t, "2026-10-14")},
		{From: zd(t, "2026-04-01"), To: zd(t, "2026-04-30")},
		{From: zd(t, "2026-10-10"), To: zd(t, "2026-10-01")},
	} {
		if _, err := pullAt(t, c, wrapper.WindowCursor{Window: w}); err == nil {
			t.Errorf("window %s: no error", w)
		}
	}
	if n := srv.Stats().Requests; n != 0 {
		t.Errorf("%d requests, want 0", n)
	}
}

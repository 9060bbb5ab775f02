package wrapper_test

// Against zoomtest: next_page_token expiry and window restarts.

import (
	"fmt"
	"math"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/zoomkit/chatsessions/wrapper"
	"github.com/zoomkit/chatsessions/zoomtest"
)

// stallCase is a page-token expiry test: a consumer of one long window that
// stops for 16 minutes (the fake's token TTL is 15) after the pages it has
// received numbers stalls, or after every page.
type stallCase struct {
	pageSize    int
	stalls      []int
	everyPage   bool
	maxRestarts int
}

// runStalls pulls October 2026 (620 sessions) on a settable clock, stalling
// as tc says, and returns what came out.
func runStalls(t *testing.T, tc stallCase) (srv *zoomtest.Server, c *wrapper.Client, pages []*wrapper.Page, err error) {
	clk := zoomtest.NewClock(zNow)
	srv = startZoom(t, zoomtest.WithClock(clk.Now))
	// A budget of one byte: one page ahead of the caller, so that waitIdle
	// sees the wrapper wait for its caller.
	c = zClient(t, srv, static(srv), wrapper.WithClock(clk.Now), wrapper.WithPageSize(tc.pageSize), wrapper.WithMaxRestarts(tc.maxRestarts),
		wrapper.WithMemoryBudget(1))
	for p, e := range c.Pages(t.Context(), zd(t, "2026-10-01"), zd(t, "2026-10-31")) {
		if e != nil {
			return srv, c, pages, e
		}
		pages = append(pages, p)
		if tc.everyPage {
			waitIdle(srv) // 16 minutes are long enough to read ahead as far as the budget allows
			clk.Advance(16 * time.Minute)
		} else if slices.Contains(tc.stalls, len(pages)) {
			clk.Advance(16 * time.Minute)
		}
	}
	return srv, c, pages, nil
}

// waitIdle returns once srv has seen no new request for a while: the
// wrapper has read ahead as far as it can and waits for its caller.
func waitIdle(srv *zoomtest.Server) {
	last := -1
	for n := srv.Stats().Requests; n != last; n = srv.Stats().Requests {
		last = n
		time.Sleep(100 * time.Millisecond) // long enough for a loaded machine
	}
}

// 4. Page-token TTL: each expiry costs one restart of the window and
// nothing is lost or repeated.
func TestZoomtestPageTokenTTL(t *testing.T) {
	t.Parallel()
	srv0 := startZoom(t)
	clean, err := pullSessions(t, zClient(t, srv0, static(srv0)), "2026-10-01", "2026-10-31")
	if err != nil || len(clean) != 620 {
		t.Fatalf("clean run: %d sessions, %v", len(clean), err)
	}
	for _, stalls := range [][]int{{2}, {2, 12, 22}} {
		t.Run(fmt.Sprint(stalls), func(t *testing.T) {
			t.Parallel()
			// 62 pages of 10: the window is far from done at every stall.
			srv, c, pages, err := runStalls(t, stallCase{pageSize: 10, stalls: stalls, maxRestarts: wrapper.DefaultMaxRestarts})
			if err != nil {
				t.Fatal(err)
			}
			if got := pageSessions(pages); !reflect.DeepEqual(got, clean) {
				t.Fatalf("%d sessions, differing from the clean run's %d", len(got), len(clean))
			}
			// Each stall expires exactly one token: the next request after
			// it. That request is answered 400 and followed by page 1; every
			// other answer is 200 and followed by the next page.
			pageOf := pageTokens(pages)
			reqs := srv.Requests()
			expired, restartPages, reached := 0, 0, 0
			next := 1
			for i, r := range reqs {
				l := requestLine(r, pageOf)
				// A page fetched again after a restart has nothing new and
				// is not yielded, so the token it returned is unknown.
				again := next-1 <= reached && strings.HasPrefix(l, "2026-10-01..2026-10-31 p? ")
				if want := fmt.Sprintf("2026-10-01..2026-10-31 p%d ", next); !strings.HasPrefix(l, want) && !again {
					t.Fatalf("request %d: %s, want page %d", i+1, l, next)
				}
				switch r.Status {
				case http.StatusOK:
					if !again {
						reached = max(reached, next)
					}
					next++
				case http.StatusBadRequest:
					if next == 1 {
						t.Fatalf("request %d: first page refused", i+1)
					}
					expired++
					restartPages += next - 1
					next = 1
				default:
					t.Fatalf("request %d: %s", i+1, l)
				}
			}
			if next != 63 {
				t.Errorf("the log ends before page 62: next %d", next)
			}
			if expired != len(stalls) || len(reqs) != 62+expired+restartPages {
				t.Errorf("%d requests, %d expired tokens, %d pages fetched again; want %d expired", len(reqs), expired, restartPages, len(stalls))
			}
			want := wrapper.Stats{Windows: 1, Pages: 62, Sessions: 620, Requests: int64(len(reqs)), Restarts: int64(len(stalls)),
				Duplicates: int64(10 * restartPages), Rate: math.Inf(1), Covered: 31 * 24 * time.Hour}
			if got := c.Stats(); got != want {
				t.Errorf("client stats %+v, want %+v", got, want)
			}
			checkNoViolations(t, srv)
		})
	}
}

// A consumer slower than the token TTL, even after every page, still gets
// every session exactly once: each restart fetches the pages already seen
// without waiting for the consumer, then yields at least one new page.
func TestZoomtestPageTokenTTLSlowConsumer(t *testing.T) {
	t.Parallel()
	srv0 := startZoom(t)
	clean, err := pullSessions(t, zClient(t, srv0, static(srv0)), "2026-10-01", "2026-10-31")
	if err != nil || len(clean) != 620 {
		t.Fatalf("clean run: %d sessions, %v", len(clean), err)
	}
	for _, tc := range []stallCase{
		// More stalls than WithMaxRestarts, each after progress.
		{pageSize: 10, stalls: []int{2, 12, 22, 32}, maxRestarts: wrapper.DefaultMaxRestarts},
		// A stall after every page: 31 pages, each token outlived.
		{pageSize: 20, everyPage: true, maxRestarts: wrapper.DefaultMaxRestarts},
	} {
		srv, c, pages, err := runStalls(t, tc)
		if err != nil {
			t.Fatalf("%+v: %v after %d sessions; stats %+v", tc, err, len(pageSessions(pages)), c.Stats())
		}
		if got := pageSessions(pages); !reflect.DeepEqual(got, clean) {
			t.Errorf("%+v: %d sessions, differing from the clean run's %d", tc, len(got), len(clean))
		}
		st := c.Stats()
		if tc.stalls != nil && st.Restarts != int64(len(tc.stalls)) {
			t.Errorf("%+v: %d restarts, want one a stall", tc, st.Restarts)
		}
		if tc.everyPage && st.Pages != 31 {
			t.Errorf("%+v: %d pages yielded, want 31 (pages fetched again are not yielded)", tc, st.Pages)
		}
		t.Logf("%+v: %d requests, %d restarts", tc, st.Requests, st.Restarts)
		checkNoViolations(t, srv)
	}
}

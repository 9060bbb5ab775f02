package wrapper

// Broken or endless answers (issue 10, bounds): each case is a loopback server that
// answers as no real Zoom does, and the client must end with an error in
// bounded time and memory, or recover, never loop or lose data silently.

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// writePage answers r with a 200 page of the raw JSON session objects,
// echoing the request's from, to and page_size.
func writePage(w http.ResponseWriter, r *http.Request, next string, sessions ...string) {
	q := r.URL.Query()
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"from":%q,"to":%q,"page_size":%s,"next_page_token":%q,"sessions":[%s]}`,
		q.Get("from"), q.Get("to"), q.Get("page_size"), next, strings.Join(sessions, ","))
}

// sess is a session object with this ID.
func sess(id string) string {
	return `{"id":"` + id + `","type":"Group","name":"n","last_message_sent_time":"2026-04-02T10:00:00Z"}`
}

const aprilRange = "2026-04-01..2026-04-30"

func pullIDs(t *testing.T, c *Client) ([]string, error) {
	t.Helper()
	return collect(t, c, "2026-04-01", "2026-04-30")
}

func TestBodyOverCapNotRetried(t *testing.T) {
	huge := `{"next_page_token":"","sessions":[` + strings.Repeat(" ", MaxBodyBytes) + `]}`
	var bomb bytes.Buffer // twice the cap in spaces, a few KiB gzipped
	zw, _ := gzip.NewWriterLevel(&bomb, gzip.BestSpeed)
	_, _ = zw.Write([]byte(`{"sessions":[`))
	_, _ = zw.Write(bytes.Repeat([]byte(" "), 2*MaxBodyBytes))
	_ = zw.Close()
	for name, answer := range map[string]func(w http.ResponseWriter){
		"plain": func(w http.ResponseWriter) { _, _ = w.Write([]byte(huge)) },
		"gzip bomb": func(w http.ResponseWriter) {
			w.Header().Set("Content-Encoding", "gzip")
			_, _ = w.Write(bomb.Bytes())
		},
	} {
		t.Run(name, func(t *testing.T) {
			f := newFake(t)
			f.setFault(func(w http.ResponseWriter, r *http.Request, n int) bool {
				w.Header().Set("Content-Type", "application/json")
				answer(w)
				return true
			})
			c, ws := f.client(t)
			_, err := pullIDs(t, c)
			if !errors.Is(err, errBodyTooLarge) {
				t.Fatalf("err = %v, want the body cap", err)
			}
			if len(f.requests()) != 1 || len(ws.get()) != 0 {
				t.Fatalf("%d requests, waits %v: a body over the cap is not retried", len(f.requests()), ws.get())
			}
		})
	}
}

// A server that hands out a fresh next_page_token forever.
func TestEndlessPagesEndTheWindow(t *testing.T) {
	for _, tc := range []struct {
		name     string
		sessions func(n int) []string
		opts     []Option
		wantErr  error
		wantIDs  []string
		wantReqs int
		wantDups int64
	}{
		{"empty pages", func(int) []string { return nil }, nil, ErrNoProgress, nil, maxPagesWithoutNew, 0},
		{"the same session on every page", func(int) []string { return []string{sess("same")} }, nil,
			ErrNoProgress, []string{"same"}, 1 + maxPagesWithoutNew, maxPagesWithoutNew},
		{"new sessions past WithMaxPages", func(n int) []string { return []string{sess(fmt.Sprint("s", n))} }, []Option{WithMaxPages(3)},
			ErrTooManyPages, []string{"s0", "s1", "s2"}, 3, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			f.setFault(func(w http.ResponseWriter, r *http.Request, n int) bool {
				next := fmt.Sprint("token-", n+1)
				if n >= 100 { // the old client would go on forever
					next = ""
				}
				writePage(w, r, next, tc.sessions(n)...)
				return true
			})
			c, _ := f.client(t, tc.opts...)
			got, err := pullIDs(t, c)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if diff := cmp.Diff(tc.wantIDs, got); diff != "" {
				t.Errorf("sessions (-want +got):\n%s", diff)
			}
			if n := len(f.requests()); n != tc.wantReqs {
				t.Errorf("%d requests, want %d", n, tc.wantReqs)
			}
			if d := c.Stats().Duplicates; d != tc.wantDups {
				t.Errorf("Duplicates = %d, want %d", d, tc.wantDups)
			}
		})
	}
}

// Exactly once within a window: an ID already yielded is skipped and
// counted; sessions without an ID are yielded, never dropped, even after a
// restart, where they come again (they cannot be told apart).
func TestExactlyOnceWithinWindow(t *testing.T) {
	noID := `{"type":"Group","name":"no id","last_message_sent_time":"2026-04-02T10:00:00Z"}`
	f := newFake(t)
	expired := false
	f.setFault(func(w http.ResponseWriter, r *http.Request, n int) bool {
		switch r.URL.Query().Get("next_page_token") {
		case "":
			writePage(w, r, "p2", sess("a"), noID, sess("b"))
		case "p2":
			if !expired {
				expired = true
				zoomErr(w, 400, 300, "The next page token is either invalid or has expired.")
				return true
			}
			writePage(w, r, "p3", sess("b"), sess("c"))
		case "p3":
			writePage(w, r, "", sess("c"), sess("d"), noID)
		}
		return true
	})
	c, _ := f.client(t)
	got, err := pullIDs(t, c)
	if err != nil {
		t.Fatal(err)
	}
	// Page 1, then page 1 again after the restart (a and b skipped, the
	// session without ID yielded again), page 2 (b skipped), page 3 (c
	// skipped).
	want := []string{"a", "", "b", "", "c", "d", ""}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sessions (-want +got):\n%s", diff)
	}
	if st := c.Stats(); st.Duplicates != 4 || st.Restarts != 1 || st.Sessions != int64(len(want)) {
		t.Errorf("stats %+v, want 4 duplicates, 1 restart, %d sessions", st, len(want))
	}
}

func TestOptionsRangeChecked(t *testing.T) {
	for name, o := range map[string]Option{
		"concurrency MaxInt":     WithConcurrency(math.MaxInt),
		"concurrency 0":          WithConcurrency(0),
		"concurrency over max":   WithConcurrency(MaxConcurrency + 1),
		"rate 0":                 WithRateLimit(0),
		"rate NaN":               WithRateLimit(math.NaN()),
		"rate -Inf":              WithRateLimit(math.Inf(-1)),
		"rate under minimum":     WithRateLimit(MinRateLimit / 2),
		"max pages 0":            WithMaxPages(0),
		"memory budget 0":        WithMemoryBudget(0),
		"attempt timeout 0":      WithAttemptTimeout(0),
		"attempt timeout 15 min": WithAttemptTimeout(PageTokenTTL),
		"negative MaxStall":      WithRetryPolicy(RetryPolicy{MaxAttempts: 1, MaxStall: -1}),
		"page size 301":          WithPageSize(301),
	} {
		c, err := New(WithToken("t0ken"), o)
		if err == nil || c != nil || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: New = %v, %v; want one-line error", name, c, err)
		}
	}
	c, err := New(WithToken("t0ken"), WithConcurrency(MaxConcurrency), WithRateLimit(MinRateLimit), WithMaxPages(1),
		WithMemoryBudget(1), WithAttemptTimeout(time.Millisecond))
	if err != nil || c == nil {
		t.Fatalf("limits themselves refused: %v", err)
	}
}

// A request that hangs, before its headers or in the middle of its body, is
// abandoned after the per-attempt timeout and retried.
func TestHungAttemptRetried(t *testing.T) {
	for name, hang := range map[string]func(w http.ResponseWriter, r *http.Request){
		"no headers": func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() },
		"body stops": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", "1000")
			_, _ = w.Write([]byte(`{"next_page_token":"","sessions":[`))
			w.(http.Flusher).Flush()
			<-r.Context().Done()
		},
	} {
		t.Run(name, func(t *testing.T) {
			f := newFake(t).set(aprilRange, 2)
			f.setFault(func(w http.ResponseWriter, r *http.Request, n int) bool {
				if n == 0 {
					hang(w, r)
					return true
				}
				return false
			})
			c, ws := f.client(t, WithAttemptTimeout(500*time.Millisecond))
			got, err := pullIDs(t, c)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(ids(aprilRange, 2), got); diff != "" {
				t.Errorf("sessions (-want +got):\n%s", diff)
			}
			if st := c.Stats(); st.Requests != 2 || st.Retries != 1 || len(ws.get()) != 1 {
				t.Errorf("stats %+v, waits %v; want 2 requests, 1 retry after 1 wait", st, ws.get())
			}
		})
	}
	// Every attempt hangs: the error says so, after MaxAttempts.
	f := newFake(t)
	f.setFault(func(w http.ResponseWriter, r *http.Request, n int) bool { <-r.Context().Done(); return true })
	c, _ := f.client(t, WithAttemptTimeout(200*time.Millisecond), WithRetryPolicy(RetryPolicy{MaxAttempts: 3}))
	_, err := pullIDs(t, c)
	if !errors.Is(err, errAttemptTimeout) || !strings.Contains(err.Error(), "no complete answer within 200ms (per-attempt timeout)") {
		t.Fatalf("err = %v", err)
	}
	if n := len(f.requests()); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
	noLeak(t)
}

// Memory: with a budget of one byte, a caller that does not read holds the
// pull at one page queued for the window it reads, plus one page in hand
// per window: the other windows wait, whatever their size.
func TestBudgetBoundsReadAhead(t *testing.T) {
	f := newFake(t).set("2026-01-01..2026-01-31", 3000).set("2026-02-01..2026-02-28", 3000).set("2026-03-01..2026-03-31", 3000)
	c, _ := f.client(t, WithConcurrency(3), WithMemoryBudget(1))
	for p, err := range c.Pages(t.Context(), d("2026-01-01"), d("2026-03-31")) {
		if err != nil || p.Number != 1 {
			t.Fatalf("page %v, err %v", p, err)
		}
		waitRequests(f, 5)
		break
	}
	// January: page 1 taken, page 2 queued, page 3 in hand; February and
	// March: page 1 in hand each.
	if n := len(f.requests()); n != 5 {
		t.Errorf("%d requests while the caller holds page 1, want 5:\n%s", n, strings.Join(f.requests(), "\n"))
	}
	noLeak(t)
}

// waitRequests returns once f has seen at least want requests (or 5 s
// passed) and then no new one for 200 ms.
func waitRequests(f *fakeZoom, want int) {
	for deadline := time.Now().Add(5 * time.Second); len(f.requests()) < want && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	last := -1
	for n := len(f.requests()); n != last; n = len(f.requests()) {
		last = n
		time.Sleep(200 * time.Millisecond)
	}
}

// The budget lets the window nearest the caller go first.
func TestBudgetNearestWindowFirst(t *testing.T) {
	b := newBudget(100, 4)
	b.setHead(0)
	if err := b.acquire(t.Context(), 0, 90); err != nil { // the head queues 90
		t.Fatal(err)
	}
	got := make(chan int, 2)
	for _, i := range []int{2, 1} { // window 2 asks first, then window 1
		go func() {
			if b.acquire(t.Context(), i, 60) == nil {
				got <- i
			}
		}()
		for { // wait until window i waits
			b.mu.Lock()
			w := b.waiting[i]
			b.mu.Unlock()
			if w {
				break
			}
			time.Sleep(time.Millisecond)
		}
	}
	b.release(0, 90) // room for one of them: the nearer
	if first := <-got; first != 1 {
		t.Fatalf("window %d got the room first, want 1", first)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if err := b.acquire(ctx, 3, 30); err == nil { // 60 used: 30 fit, but window 2 waits and is nearer
		t.Fatal("window 3 went before window 2")
	}
	b.release(1, 60)
	if second := <-got; second != 2 {
		t.Fatalf("window %d, want 2", second)
	}
}

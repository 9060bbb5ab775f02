package wrapper

// Windows at once: order, early break and cancellation, checkpoint fields.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestConcurrencyKeepsWindowOrder(t *testing.T) {
	counts := map[string]int{"2026-01-10..2026-01-31": 650, "2026-02-01..2026-02-28": 0, "2026-03-01..2026-03-31": 301, "2026-04-01..2026-04-30": 900, "2026-05-01..2026-05-20": 2}
	var want []string
	for _, w := range []string{"2026-01-10..2026-01-31", "2026-02-01..2026-02-28", "2026-03-01..2026-03-31", "2026-04-01..2026-04-30", "2026-05-01..2026-05-20"} {
		want = append(want, ids(w, counts[w])...)
	}
	for _, conc := range []int{1, 2, 3, 8} {
		f := newFake(t)
		for w, n := range counts {
			f.set(w, n)
		}
		f.setFault(func(w http.ResponseWriter, r *http.Request, n int) bool {
			if strings.HasPrefix(r.URL.RawQuery, "from=2026-01") {
				time.Sleep(20 * time.Millisecond) // first window slowest
			}
			return false
		})
		c, _ := f.client(t, WithConcurrency(conc))
		got, err := collect(t, c, "2026-01-10", "2026-05-20")
		if err != nil || !slices.Equal(got, want) {
			t.Fatalf("concurrency %d: %d sessions, err %v", conc, len(got), err)
		}
		if n := len(f.requests()); n != 3+1+2+3+1 {
			t.Fatalf("concurrency %d: %d requests", conc, n)
		}
	}
	noLeak(t)
}

func TestEarlyBreakAndCancel(t *testing.T) {
	f := newFake(t)
	for _, w := range []string{"2026-01-01..2026-01-31", "2026-02-01..2026-02-28", "2026-03-01..2026-03-31", "2026-04-01..2026-04-30"} {
		f.set(w, 3000)
	}
	c, _ := f.client(t, WithConcurrency(3), WithMemoryBudget(1))
	n := 0
	for _, err := range c.Sessions(t.Context(), d("2026-01-01"), d("2026-04-30")) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 301 {
			break
		}
	}
	noLeak(t)
	// A budget of one byte: window 1 has one page queued and one in hand
	// beyond the two read, windows 2 and 3 one in hand, window 4 none.
	if r := len(f.requests()); r > 2+2+1+1 {
		t.Errorf("%d requests after early break", r)
	}

	// Cancel while a request hangs.
	block := make(chan struct{})
	defer close(block)
	f.setFault(func(w http.ResponseWriter, r *http.Request, _ int) bool {
		select {
		case <-block:
		case <-r.Context().Done():
		}
		return true
	})
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	var err error
	for _, e := range c.Sessions(ctx, d("2026-01-01"), d("2026-04-30")) {
		err = e
	}
	if !errors.Is(err, context.Canceled) || time.Since(start) > 2*time.Second {
		t.Fatalf("err %v after %v", err, time.Since(start))
	}
	noLeak(t)

	// Cancel during a retry wait: no further request.
	f.setFault(func(w http.ResponseWriter, r *http.Request, _ int) bool {
		zoomErr(w, 500, 500, "boom")
		return true
	})
	before := len(f.requests())
	c2, _ := New(WithBaseURL(f.baseURL()), WithToken("t0ken"), WithClock(func() time.Time { return fixedNow }), WithRateLimit(inf),
		WithRetryPolicy(RetryPolicy{MaxAttempts: 5, BaseDelay: time.Hour, MaxDelay: time.Hour}))
	ctx, cancel = context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	err = nil
	for _, e := range c2.Sessions(ctx, d("2026-04-01"), d("2026-04-30")) {
		err = e
	}
	if !errors.Is(err, context.DeadlineExceeded) || len(f.requests())-before != 1 {
		t.Fatalf("err %v, %d requests", err, len(f.requests())-before)
	}
	noLeak(t)
}

func TestPagesCheckpointFields(t *testing.T) {
	f := newFake(t).set("2026-03-20..2026-03-31", 4).set("2026-04-01..2026-04-02", 0)
	c, _ := f.client(t, WithPageSize(3))
	var got []string
	for p, err := range c.Pages(t.Context(), d("2026-03-20"), d("2026-04-02")) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s #%d %q->%q n=%d last=%v", p.Window, p.Number, p.Token, p.NextPageToken, len(p.Sessions), p.Last()))
	}
	t3 := tok("2026-03-20..2026-03-31", 3)
	want := []string{
		`2026-03-20..2026-03-31 #1 ""->"` + t3 + `" n=3 last=false`,
		`2026-03-20..2026-03-31 #2 "` + t3 + `"->"" n=1 last=true`,
		`2026-04-01..2026-04-02 #1 ""->"" n=0 last=true`,
	}
	if !slices.Equal(got, want) {
		t.Fatalf("got %q\nwant %q", got, want)
	}
}

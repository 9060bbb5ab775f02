package wrapper

import (
	"context"
	"errors"
	"slices"
	"sync/atomic"
	"testing"
	"time"
)

// A per-second 429 cuts the rate once per round trip, towards what Zoom
// accepted in the last second; each second without one raises it by 5%.
func TestPacerCutsAndProbes(t *testing.T) {
	p := newPacer(20)
	sent, _, err := p.wait(t.Context(), time.Time{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		p.ok() // five answers accepted in the last second
	}
	p.limited(sent, 0)
	if r := p.currentRate(); r != 4.5 { // 90% of 5/s, within [2, 18]
		t.Fatalf("rate after a 429 = %v, want 4.5", r)
	}
	p.limited(sent, 0) // the same round trip: no second cut
	if r := p.currentRate(); r != 4.5 {
		t.Fatalf("rate after a second 429 of an earlier request = %v, want 4.5", r)
	}
	p.limited(time.Now(), 0) // sent after the cut: 5 accepted → 4.5 · 0.9 at most
	if r := p.currentRate(); r != 4.05 {
		t.Fatalf("rate after a later 429 = %v, want 4.05", r)
	}
	p.mu.Lock()
	p.lastUp = p.lastUp.Add(-probeEvery)
	p.mu.Unlock()
	if _, _, err := p.wait(t.Context(), time.Time{}, nil); err != nil {
		t.Fatal(err)
	}
	if r, want := p.currentRate(), 4.05*probeStep; r != want {
		t.Fatalf("rate after a second without 429 = %v, want %v", r, want)
	}
	// Unlimited: never cut.
	u := newPacer(inf)
	u.limited(time.Now(), 0)
	if r := u.currentRate(); r != inf {
		t.Fatalf("unlimited rate cut to %v", r)
	}
}

// A Retry-After holds back every request of the client, except one that
// already waited through it.
func TestPacerRetryAfterHoldsEveryone(t *testing.T) {
	p := newPacer(inf)
	const hold = 150 * time.Millisecond
	earliest := time.Now().Add(hold) // the hold ends no sooner
	p.limited(time.Now(), hold)
	if sent, _, err := p.wait(t.Context(), time.Time{}, nil); err != nil || sent.Before(earliest) {
		t.Fatalf("another request went %v before the hold ended (err %v)", earliest.Sub(sent), err)
	}
	p.limited(time.Now(), hold)
	if _, slept, err := p.wait(t.Context(), time.Now().Add(time.Hour), nil); err != nil || slept != 0 {
		t.Fatalf("the request that waited slept %v more (err %v)", slept, err)
	}
}

// Requests that wait for the same slots go in the order they came, except
// that those of the window the caller is at go first, asked when each slot
// is given out: a window that becomes the caller's goes first from then
// on. A request whose caller gives up leaves the queue.
func TestPacerServesTheCallersWindowFirst(t *testing.T) {
	p := newPacer(20) // a slot every 50 ms
	if _, _, err := p.wait(t.Context(), time.Time{}, nil); err != nil {
		t.Fatal(err)
	}
	// The next slot is 50 ms away: everything below queues for it.
	var head atomic.Int64 // the window the caller is at
	head.Store(1)
	at := func(w int64) func() bool { return func() bool { return head.Load() == w } }
	queued := func(n int) {
		for {
			p.mu.Lock()
			l := len(p.queue)
			p.mu.Unlock()
			if l == n {
				return
			}
			time.Sleep(time.Millisecond)
		}
	}
	gone, cancel := context.WithCancel(t.Context())
	goneErr := make(chan error, 1)
	go func() { _, _, err := p.wait(gone, time.Time{}, at(1)); goneErr <- err }()
	queued(1)
	results := make(chan string, 4)
	for i, w := range []struct {
		name   string
		window int64
	}{{"window 3", 3}, {"window 2", 2}, {"window 1", 1}, {"window 3 again", 3}} {
		go func() {
			if _, _, err := p.wait(t.Context(), time.Time{}, at(w.window)); err != nil {
				t.Error(err)
			}
			if w.window == 1 {
				head.Store(2) // the caller is done with window 1
			}
			results <- w.name
		}()
		queued(i + 2)
	}
	cancel()
	if err := <-goneErr; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled wait: %v", err)
	}
	queued(4) // it left the queue
	var got []string
	for range 4 {
		got = append(got, <-results)
	}
	if want := []string{"window 1", "window 2", "window 3", "window 3 again"}; !slices.Equal(got, want) {
		t.Fatalf("order %q, want %q", got, want)
	}
}

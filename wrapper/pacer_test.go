package wrapper

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"
)

// A per-second 429 cuts the rate once per round trip, towards what Zoom
// accepted in the last second; each second without one raises it by 5%.
func TestPacerCutsAndProbes(t *testing.T) {
	p := newPacer(20)
	sent, _, err := p.wait(t.Context(), time.Time{}, 0)
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
	if _, _, err := p.wait(t.Context(), time.Time{}, 0); err != nil {
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
	if sent, _, err := p.wait(t.Context(), time.Time{}, 0); err != nil || sent.Before(earliest) {
		t.Fatalf("another request went %v before the hold ended (err %v)", earliest.Sub(sent), err)
	}
	p.limited(time.Now(), hold)
	if _, slept, err := p.wait(t.Context(), time.Now().Add(time.Hour), 0); err != nil || slept != 0 {
		t.Fatalf("the request that waited slept %v more (err %v)", slept, err)
	}
}

// Requests that wait for the same slots go in order of what their window
// has left to fetch, the most first; equal ones in the order they came. A
// request whose caller gives up leaves the queue without taking a slot.
func TestPacerServesTheLongestWindowFirst(t *testing.T) {
	p := newPacer(20) // a slot every 50 ms
	if _, _, err := p.wait(t.Context(), time.Time{}, 0); err != nil {
		t.Fatal(err)
	}
	// The next slot is 50 ms away: everything below queues for it.
	type result struct {
		name string
		sent time.Time
	}
	results := make(chan result, 4)
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
	go func() { _, _, err := p.wait(gone, time.Time{}, 100*time.Hour); goneErr <- err }()
	queued(1)
	for i, w := range []struct {
		name string
		left time.Duration
	}{{"4 days", 96 * time.Hour}, {"31 days", 744 * time.Hour}, {"30 days", 720 * time.Hour}, {"31 days, later", 744 * time.Hour}} {
		go func() {
			sent, _, err := p.wait(t.Context(), time.Time{}, w.left)
			if err != nil {
				t.Error(err)
			}
			results <- result{w.name, sent}
		}()
		queued(i + 2)
	}
	cancel()
	if err := <-goneErr; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled wait: %v", err)
	}
	queued(4) // it left the queue
	var got []string
	var last time.Time
	for range 4 {
		r := <-results
		if r.sent.Before(last) {
			t.Errorf("%s sent at %v, before the previous one", r.name, r.sent)
		}
		last = r.sent
		got = append(got, r.name)
	}
	if want := []string{"31 days", "31 days, later", "30 days", "4 days"}; !slices.Equal(got, want) {
		t.Fatalf("order %q, want %q", got, want)
	}
}

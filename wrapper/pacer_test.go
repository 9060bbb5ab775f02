package wrapper

import (
	"testing"
	"time"
)

// A per-second 429 cuts the rate once per round trip, towards what Zoom
// accepted in the last second; each second without one raises it by 5%.
func TestPacerCutsAndProbes(t *testing.T) {
	p := newPacer(20)
	sent, _, err := p.wait(t.Context(), time.Time{})
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
	if _, _, err := p.wait(t.Context(), time.Time{}); err != nil {
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
	if sent, _, err := p.wait(t.Context(), time.Time{}); err != nil || sent.Before(earliest) {
		t.Fatalf("another request went %v before the hold ended (err %v)", earliest.Sub(sent), err)
	}
	p.limited(time.Now(), hold)
	if _, slept, err := p.wait(t.Context(), time.Now().Add(time.Hour)); err != nil || slept != 0 {
		t.Fatalf("the request that waited slept %v more (err %v)", slept, err)
	}
}

package wrapper

import (
	"context"
	"math"
	"slices"
	"sync"
	"time"
)

// Adaptive pacing. Zoom's per-second limits are per account and shared by
// every app of the account, so the rate this client may use is what the
// plan allows minus what other apps spend. The pacer starts at the
// configured rate; a per-second 429 lowers it towards what Zoom accepted
// over the last second (Zoom counts per second), and each second without
// one raises it by probeStep until it is back at the configured rate.
const (
	// acceptedSpan is how far back the accepted throughput is measured.
	acceptedSpan = time.Second
	// cutMin and cutMax bound one decrease: the new rate is 90% of the
	// accepted throughput, but at least a tenth and at most 90% of the old
	// one.
	cutMin, cutMax = 0.1, 0.9
	// probeEvery and probeStep: +5% per second without a 429.
	probeEvery = time.Second
	probeStep  = 1.05
	// minRate is the floor of the adaptive rate, in requests per second.
	minRate = 0.2
	// acceptedRing is how many accepted answers are remembered.
	acceptedRing = 256
)

// pacer spaces the requests of a Client: at most rate per second with
// bursts of one, and none before a hold that a Retry-After puts on the
// whole client. It is shared by every window.
//
// Requests wait in a queue, and each slot goes to a waiting request of a
// window its caller is waiting on (the window being yielded), if any, else
// to the request that came first. When the rate limit binds, serving every
// window in turn would let later windows fill the memory budget while the
// caller waits on the window it is at: a caller that spends time on each
// page (an archive writing it to disk) would then do its work after the
// pull instead of during it. Serving the caller's window first keeps its
// pages coming at the rate limit's speed; the other windows take the slots
// it leaves. When requests come slower than the rate, nobody waits and the
// order does not matter.
type pacer struct {
	mu       sync.Mutex
	max      float64   // configured rate; +Inf: unlimited, no adaptation
	rate     float64   // current rate
	next     time.Time // earliest time of the next request
	hold     time.Time // no request before this (a Retry-After)
	queue    []*ticket // requests waiting for a slot, in the order they came
	timer    *time.Timer
	lastCut  time.Time // when the rate was last lowered
	lastUp   time.Time // when the rate was last raised (or lowered)
	accepted [acceptedRing]time.Time
	nAcc     int // answers accepted so far
}

// ticket is one request waiting for the pacer.
type ticket struct {
	first  func() bool    // whether the caller waits on its window now; nil: no
	waited time.Time      // the end of its own retry wait (see wait)
	grant  chan time.Time // receives the time it may go; buffered
}

func newPacer(perSecond float64) *pacer {
	return &pacer{max: perSecond, rate: perSecond}
}

func (p *pacer) unlimited() bool { return math.IsInf(p.max, 1) }

// currentRate is the pacing rate now, in requests per second.
func (p *pacer) currentRate() float64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.rate
}

// wait blocks until a request may go and returns when that is and how
// long it waited. first, if not nil, reports whether the caller is waiting
// on the request's window: asked each time a slot is given out, so a window
// that becomes the caller's goes first from then on. A hold that ends no
// later than waited (the caller already slept through it) is not waited
// again. A 429 that cuts the rate or sets a hold while requests wait slows
// them too: slots are given out when they come, at the rate of that moment.
func (p *pacer) wait(ctx context.Context, waited time.Time, first func() bool) (sent time.Time, slept time.Duration, err error) {
	start := time.Now()
	t := &ticket{first: first, waited: waited, grant: make(chan time.Time, 1)}
	p.mu.Lock()
	p.queue = append(p.queue, t)
	p.dispatch(start)
	p.mu.Unlock()
	select {
	case sent := <-t.grant:
		return sent, sent.Sub(start), nil
	case <-ctx.Done():
		p.mu.Lock()
		if i := slices.Index(p.queue, t); i >= 0 {
			p.queue = slices.Delete(p.queue, i, i+1)
		}
		// Granted meanwhile or not, the caller is gone; a granted slot is spent.
		p.mu.Unlock()
		return time.Time{}, time.Since(start), context.Cause(ctx)
	}
}

// dispatch gives out the slots due by now, best ticket first, and sets the
// timer for the next one. Called with p.mu held.
func (p *pacer) dispatch(now time.Time) {
	p.probe(now)
	for len(p.queue) > 0 {
		i := p.best(now)
		if i < 0 {
			p.wakeAt(p.hold) // every waiter is held back
			return
		}
		if !p.unlimited() && now.Before(p.next) {
			p.wakeAt(p.next)
			return
		}
		t := p.queue[i]
		p.queue = slices.Delete(p.queue, i, i+1)
		t.grant <- now
		if !p.unlimited() {
			interval := time.Duration(float64(time.Second) / p.rate)
			slot := p.next // a timer that fired late does not cost a slot
			if now.Sub(slot) >= interval {
				slot = now // idle: unused time is not saved up
			}
			p.next = slot.Add(interval)
		}
	}
}

// best returns the index of the ticket to serve now: the first one whose
// window the caller waits on, else the first one; -1 if every one is held
// back by a Retry-After. Called with p.mu held.
func (p *pacer) best(now time.Time) int {
	held := now.Before(p.hold)
	b := -1
	for i, t := range p.queue {
		if held && p.hold.After(t.waited) {
			continue
		}
		if t.first != nil && t.first() {
			return i
		}
		if b < 0 {
			b = i
		}
	}
	return b
}

// wakeAt makes the timer run dispatch at t. Called with p.mu held.
func (p *pacer) wakeAt(t time.Time) {
	d := max(time.Until(t), 0)
	if p.timer == nil {
		p.timer = time.AfterFunc(d, p.tick)
		return
	}
	p.timer.Reset(d)
}

func (p *pacer) tick() {
	p.mu.Lock()
	p.dispatch(time.Now())
	p.mu.Unlock()
}

// probe raises the rate by probeStep when the last change is probeEvery
// old. Called with p.mu held.
func (p *pacer) probe(now time.Time) {
	if p.unlimited() || p.rate >= p.max || now.Sub(p.lastUp) < probeEvery {
		return
	}
	p.rate = min(p.max, p.rate*probeStep)
	p.lastUp = now
}

// ok records an accepted answer.
func (p *pacer) ok() {
	p.mu.Lock()
	p.accepted[p.nAcc%acceptedRing] = time.Now()
	p.nAcc++
	p.mu.Unlock()
}

// limited records a per-second 429 for a request sent at sent. A
// Retry-After holds back every request of the client; the rate is cut at
// most once per round trip: a 429 for a request sent before the last cut
// was already answered by it. Requests already waiting need no wake-up: a
// hold or a cut only delays slots, and dispatch applies both each time the
// timer runs.
func (p *pacer) limited(sent time.Time, retryAfter time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if retryAfter > 0 && now.Add(retryAfter).After(p.hold) {
		p.hold = now.Add(retryAfter)
	}
	if p.unlimited() || !sent.After(p.lastCut) {
		return
	}
	r := min(p.rate*cutMax, max(p.rate*cutMin, 0.9*p.acceptedRate(now)))
	p.rate = max(r, min(minRate, p.max))
	p.lastCut, p.lastUp = now, now
	p.next = now.Add(time.Duration(float64(time.Second) / p.rate))
}

// acceptedRate is the answers accepted per second over the last
// acceptedSpan. Called with p.mu held.
func (p *pacer) acceptedRate(now time.Time) float64 {
	span := acceptedSpan
	n := 0
	for i := 1; i <= min(p.nAcc, acceptedRing); i++ {
		if now.Sub(p.accepted[(p.nAcc-i)%acceptedRing]) > span {
			break
		}
		n++
	}
	return float64(n) / span.Seconds()
}

package wrapper

import (
	"context"
	"math"
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
type pacer struct {
	mu       sync.Mutex
	max      float64   // configured rate; +Inf: unlimited, no adaptation
	rate     float64   // current rate
	next     time.Time // earliest time of the next request
	hold     time.Time // no request before this (a Retry-After)
	gen      int       // bumped on each cut or hold: waiters re-queue
	lastCut  time.Time // when the rate was last lowered
	lastUp   time.Time // when the rate was last raised (or lowered)
	accepted [acceptedRing]time.Time
	nAcc     int // answers accepted so far
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
// long it slept. A hold that
// ends no later than waited (the caller already slept through it) is not
// waited again. If the rate is cut or a hold set while waiting, the slot is
// given up and a new one taken, so a 429 slows requests already queued.
func (p *pacer) wait(ctx context.Context, waited time.Time) (sent time.Time, slept time.Duration, err error) {
	for {
		p.mu.Lock()
		now := time.Now()
		p.probe(now)
		at := now
		if p.hold.After(waited) {
			at = maxTime(at, p.hold)
		}
		if !p.unlimited() {
			at = maxTime(at, p.next)
			p.next = at.Add(time.Duration(float64(time.Second) / p.rate))
		}
		gen := p.gen
		p.mu.Unlock()
		if d := at.Sub(now); d > 0 {
			err := sleepCtx(ctx, d)
			slept += time.Since(now)
			if err != nil {
				return time.Time{}, slept, err
			}
		}
		p.mu.Lock()
		changed := p.gen != gen
		p.mu.Unlock()
		if !changed {
			return time.Now(), slept, nil
		}
	}
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
// was already answered by it.
func (p *pacer) limited(sent time.Time, retryAfter time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if retryAfter > 0 && now.Add(retryAfter).After(p.hold) {
		p.hold = now.Add(retryAfter)
		p.gen++
	}
	if p.unlimited() || !sent.After(p.lastCut) {
		return
	}
	r := min(p.rate*cutMax, max(p.rate*cutMin, 0.9*p.acceptedRate(now)))
	p.rate = max(r, min(minRate, p.max))
	p.lastCut, p.lastUp = now, now
	p.next = now.Add(time.Duration(float64(time.Second) / p.rate))
	p.gen++
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

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

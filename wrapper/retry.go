package wrapper

import (
	"context"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RetryPolicy is the one place retries are decided. Retried: 429 per-second
// limits, 5xx (HTML bodies too), dropped connections and cut-off or invalid
// bodies. Never retried: a daily limit, other 4xx, anything after ctx is done.
type RetryPolicy struct {
	MaxAttempts   int           // tries per request, the first included
	BaseDelay     time.Duration // backoff before the 2nd try; doubles each time
	MaxDelay      time.Duration // cap of the exponential backoff
	MaxRetryAfter time.Duration // cap of a server's Retry-After
}

// DefaultRetryPolicy: 6 tries, 0.5 s doubling to at most 20 s with jitter,
// Retry-After honoured up to one minute.
var DefaultRetryPolicy = RetryPolicy{
	MaxAttempts:   6,
	BaseDelay:     500 * time.Millisecond,
	MaxDelay:      20 * time.Second,
	MaxRetryAfter: time.Minute,
}

// backoff returns the wait before try attempt+2: "equal jitter" in
// [d/2, d] where d = min(MaxDelay, BaseDelay·2^attempt).
func (p RetryPolicy) backoff(attempt int) time.Duration {
	d := p.MaxDelay
	if attempt < 32 {
		if e := p.BaseDelay << attempt; e > 0 && e < d {
			d = e
		}
	}
	if d <= 0 {
		return 0
	}
	half := d / 2
	return half + rand.N(d-half+1)
}

// wait is the delay before the next try: the server's Retry-After when it
// gave one (clamped to MaxRetryAfter), else the backoff.
func (p RetryPolicy) wait(attempt int, retryAfter time.Duration) time.Duration {
	if retryAfter > 0 {
		return min(retryAfter, p.MaxRetryAfter)
	}
	return p.backoff(attempt)
}

// parseRetryAfter reads Retry-After as delay seconds, an HTTP-date, or the
// ISO 8601 instant Zoom sends ("2026-05-31T00:00:00Z"). It returns the wait
// from now (never negative) and the instant.
func parseRetryAfter(v string, now time.Time) (time.Duration, time.Time, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, time.Time{}, false
	}
	var at time.Time
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, time.Time{}, false
		}
		secs = min(secs, 1<<31)
		d := time.Duration(secs) * time.Second
		return d, now.Add(d), true
	} else if t, err := http.ParseTime(v); err == nil {
		at = t
	} else if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		at = t
	} else if t, err := time.Parse("2006-01-02T15:04:05", v); err == nil {
		at = t // no zone: UTC
	} else {
		return 0, time.Time{}, false
	}
	return max(at.Sub(now), 0), at, true
}

// sleepCtx waits d, or returns ctx's cause as soon as ctx is done.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return context.Cause(ctx)
	}
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

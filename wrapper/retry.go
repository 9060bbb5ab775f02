package wrapper

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RetryPolicy bounds retries; shouldRetry, below, is the one place they
// are decided. Retried: per-second 429s, 5xx (HTML bodies too), dropped
// connections, attempts over the per-attempt timeout, cut-off or invalid
// bodies, an unreachable token endpoint. Never retried: a daily limit, a
// Retry-After beyond MaxRetryAfter, other 4xx, a body over the size cap,
// anything after ctx is done.
type RetryPolicy struct {
	MaxAttempts   int           // tries per request, the first included (per-second 429s aside, see MaxStall)
	BaseDelay     time.Duration // backoff before the 2nd try; doubles each time
	MaxDelay      time.Duration // cap of the exponential backoff
	MaxRetryAfter time.Duration // the longest Retry-After waited for; a longer one ends the pull with its error
	// MaxStall bounds per-second 429s by time instead of attempts: a
	// request refused with a per-second 429 is retried as long as it has
	// waited less than MaxStall since any request of the client last got a
	// page, so a pull that keeps getting pages keeps going. Zero counts
	// per-second 429s against MaxAttempts like other failures.
	MaxStall time.Duration
}

// DefaultRetryPolicy: 6 tries, 0.5 s doubling to at most 20 s with jitter,
// Retry-After honoured up to one minute, per-second 429s retried until two
// minutes pass without a page.
var DefaultRetryPolicy = RetryPolicy{
	MaxAttempts:   6,
	BaseDelay:     500 * time.Millisecond,
	MaxDelay:      20 * time.Second,
	MaxRetryAfter: time.Minute,
	MaxStall:      2 * time.Minute,
}

// retryState is what shouldRetry remembers across the attempts of one
// request.
type retryState struct {
	attempts int           // failed attempts counted against MaxAttempts
	limited  int           // per-second 429s retried under MaxStall: their backoff's exponent
	renewed  bool          // the access token was renewed once already
	stalled  time.Duration // waited on 429s since the client last got a page
	progress int64         // the client's page count when stalled was reset
}

// verdict is shouldRetry's answer: retry after wait, or stop; reason says
// which rule decided (for readers and tests).
type verdict struct {
	retry  bool
	wait   time.Duration
	reason string
	err    error // when set, returned instead of the request's error
}

// shouldRetry decides whether the request that failed with err is tried
// again, and after how long. It renews the access token itself for a 401
// with code 124 (tok is the token that was sent).
func (c *Client) shouldRetry(ctx context.Context, err error, tok string, st *retryState) verdict {
	var ae *APIError
	var tk *TokenError
	var te *transportError
	var re *redactedError
	isAPI := errors.As(err, &ae)
	counted := func(reason string, retryAfter time.Duration) verdict {
		st.attempts++
		if st.attempts >= c.retry.MaxAttempts {
			return verdict{reason: reason + "; gave up after " + strconv.Itoa(st.attempts) + " tries"}
		}
		return verdict{retry: true, wait: c.retry.wait(st.attempts-1, retryAfter), reason: reason}
	}
	switch {
	case ctx.Err() != nil:
		return verdict{reason: "the caller stopped"}
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return verdict{reason: "the caller's deadline"}
	case isAPI && ae.StatusCode == http.StatusUnauthorized && ae.Code == 124:
		if st.renewed || !c.auth.invalidate(tok) {
			return verdict{reason: "access token refused after renewal (or not renewable)"}
		}
		st.renewed = true // one fresh token, one more try, not counted
		return verdict{retry: true, reason: "access token expired or revoked: renewed"}
	case isAPI && ae.daily():
		return verdict{reason: "daily limit: resets at " + ae.ResetAt.UTC().Format(time.RFC3339)}
	case isAPI && ae.StatusCode == http.StatusTooManyRequests:
		if ae.RetryAfter > c.retry.MaxRetryAfter {
			return verdict{reason: "Zoom asks to wait longer than MaxRetryAfter",
				err: fmt.Errorf("wrapper: Zoom asks to wait %s, until %s, longer than MaxRetryAfter (%s): %w",
					ae.RetryAfter, c.now().Add(ae.RetryAfter).UTC().Format(time.RFC3339), c.retry.MaxRetryAfter, err)}
		}
		if c.retry.MaxStall <= 0 {
			return counted("per-second limit", ae.RetryAfter)
		}
		if p := c.stats.received.Load(); p != st.progress {
			st.progress, st.stalled = p, 0 // the pull moved on since: start over
		}
		w := c.retry.wait(min(st.limited, 5), ae.RetryAfter)
		if st.stalled+w > c.retry.MaxStall {
			return verdict{reason: "per-second limit for " + c.retry.MaxStall.String() + " without a page"}
		}
		st.limited++
		st.stalled += w
		return verdict{retry: true, wait: w, reason: "per-second limit: retried while the pull makes progress"}
	case isAPI && ae.StatusCode >= 500:
		return counted("server error", ae.RetryAfter)
	case isAPI:
		return verdict{reason: "the request itself was refused"}
	case errors.Is(err, errBodyTooLarge):
		return verdict{reason: "a body over the cap would be as large again"}
	case errors.As(err, &te):
		return counted("connection dropped, cut off or timed out", 0)
	case errors.Is(err, errBadBody):
		return counted("answer outside the contract (garbled or cut off)", 0)
	case errors.As(err, &tk):
		if tk.retryable() {
			return counted("token endpoint busy or failing", 0)
		}
		return verdict{reason: "token endpoint refused the credentials"}
	case errors.As(err, &re):
		return counted("token endpoint unreachable", 0)
	}
	return verdict{reason: "not a transient failure"}
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

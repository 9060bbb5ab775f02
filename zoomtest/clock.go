package zoomtest

import (
	"sync"
	"time"
)

// Clock is a settable clock to share between a fake (WithClock(c.Now)) and
// the client under test (for package wrapper, wrapper.WithClock(c.Now)), so
// that page-token and access-token expiry, the six-month rule and
// Retry-After instants are tested without waiting. It is safe for
// concurrent use; the zero Clock reads the zero time.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a Clock that reads t until it is moved.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward by d (back, if d is negative).
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

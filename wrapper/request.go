package wrapper

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/zoomkit/chatsessions/api"
)

// MaxBodyBytes caps a 200 answer, counted after decompression. The
// contract's largest page is 300 sessions; even with long names and many
// member e-mails that is well under 1 MiB, so 4 MiB leaves room for Zoom
// adding fields. A larger body is an error, never silently truncated.
const MaxBodyBytes = 4 << 20

// maxErrorBody is how much of a non-2xx body is read (for its message).
const maxErrorBody = 64 << 10

// errBodyTooLarge: a 200 body over MaxBodyBytes.
var errBodyTooLarge = errors.New("response body over the size cap")

// errAttemptTimeout is the cause of an attempt cut off by the per-attempt
// timeout.
var errAttemptTimeout = errors.New("per-attempt timeout")

// answer is what one attempt brought back.
type answer struct {
	page  pageBody  // the decoded 200 body
	token string    // the access token sent, to renew it after a 401
	sent  time.Time // when the pacer let the request go
}

// fetchPage gets one page of w (token "" for the first), retrying as
// shouldRetry decides. first tells the pacer whether the caller waits on
// w (see pacer.wait).
func (c *Client) fetchPage(ctx context.Context, w Window, token string, first func() bool) (pageBody, error) {
	var st retryState
	var waited time.Time // the end of the last retry wait, for the pacer's hold
	start := time.Now()
	for tries := 1; ; tries++ {
		a, err := c.request(ctx, w, token, first, waited)
		if err == nil {
			c.stats.received.Add(1)
			c.pacer.ok()
			return a.page, nil
		}
		var ae *APIError
		if errors.As(err, &ae) && ae.StatusCode == http.StatusTooManyRequests {
			c.stats.rateLimited.Add(1)
			if !ae.daily() {
				c.pacer.limited(a.sent, ae.RetryAfter)
			}
		}
		v := c.shouldRetry(ctx, err, a.token, &st)
		if !v.retry {
			if ctx.Err() != nil {
				return pageBody{}, context.Cause(ctx)
			}
			if v.err != nil {
				err = v.err
			}
			if tries > 1 {
				err = &RetryError{Tries: tries, Over: time.Since(start), Err: err}
			}
			return pageBody{}, err
		}
		c.stats.retries.Add(1)
		if v.wait > 0 {
			waited = time.Now().Add(v.wait)
			if serr := c.waitFor(ctx, v.wait); serr != nil {
				return pageBody{}, fmt.Errorf("%w (while waiting to retry after: %v)", serr, err)
			}
		}
	}
}

// waitFor sleeps d (through the test hook c.sleep) and counts it in
// Stats.Waiting.
func (c *Client) waitFor(ctx context.Context, d time.Duration) error {
	start := time.Now()
	err := c.sleep(ctx, d)
	c.stats.waitingNanos.Add(int64(time.Since(start)))
	return err
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// request sends one attempt of the page of w at token and decodes the
// answer. The attempt (token fetch, headers and body) is cut off after the
// per-attempt timeout; first and waited are passed to the pacer (see
// pacer.wait).
func (c *Client) request(ctx context.Context, w Window, token string, first func() bool, waited time.Time) (answer, error) {
	var a answer
	sent, slept, err := c.pacer.wait(ctx, waited, first)
	c.stats.waitingNanos.Add(int64(slept))
	if err != nil {
		return a, err
	}
	a.sent = sent
	actx, cancel := context.WithTimeoutCause(ctx, c.attemptTimeout, errAttemptTimeout)
	defer cancel()
	// timedOut turns an error caused by the attempt's own timeout into a
	// retryable one; the caller's cancellation stays as it is.
	timedOut := func(err error) error {
		if ctx.Err() != nil {
			return context.Cause(ctx)
		}
		if actx.Err() != nil {
			return &transportError{fmt.Sprintf("wrapper: no complete answer within %s (per-attempt timeout)", c.attemptTimeout), errAttemptTimeout}
		}
		return err
	}
	if a.token, err = c.auth.token(actx); err != nil {
		return a, timedOut(err)
	}
	params := &api.ReportChatSessionsParams{
		From:     openapi_types.Date{Time: w.From.Time(time.UTC)},
		To:       openapi_types.Date{Time: w.To.Time(time.UTC)},
		PageSize: &c.pageSize,
	}
	if token != "" {
		params.NextPageToken = &token
	}
	c.stats.requests.Add(1)
	resp, err := c.api.ReportChatSessions(actx, params, func(_ context.Context, req *http.Request) error {
		req.Header.Set("Authorization", "Bearer "+a.token)
		req.Header.Set("Accept", "application/json")
		return nil
	})
	if err != nil {
		if terr := timedOut(nil); terr != nil {
			return a, terr
		}
		return a, &transportError{c.redact.apply(err.Error()), err}
	}
	// The body buffer is reused for the next page: decodePage must copy
	// what it keeps (Session.Raw included).
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf) // at most MaxBodyBytes+1: worth keeping
	limit := int64(MaxBodyBytes)
	if resp.StatusCode/100 != 2 {
		limit = maxErrorBody
	}
	if resp.ContentLength > 0 && resp.ContentLength <= limit {
		buf.Grow(int(resp.ContentLength) + bytes.MinRead) // ReadFrom wants MinRead free to see EOF
	}
	_, rerr := buf.ReadFrom(io.LimitReader(resp.Body, limit+1))
	_ = resp.Body.Close()
	body := buf.Bytes()
	if resp.StatusCode/100 != 2 {
		return a, c.apiError(resp, body[:min(len(body), maxErrorBody)])
	}
	if rerr != nil {
		if terr := timedOut(nil); terr != nil {
			return a, terr
		}
		return a, &transportError{"wrapper: reading response body: " + c.redact.apply(rerr.Error()), rerr}
	}
	if int64(len(body)) > limit {
		return a, fmt.Errorf("wrapper: %w: more than %d bytes", errBodyTooLarge, MaxBodyBytes)
	}
	a.page, err = decodePage(body, pageQuery{window: w, pageSize: c.pageSize, raw: c.raw})
	return a, err // a *bodyError: retried like a dropped connection
}

package wrapper

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Sentinel errors, matched with errors.Is against the errors this package
// returns (an *APIError matches the ones that describe it).
var (
	// ErrPageToken: Zoom refused a next_page_token as invalid or expired
	// (HTTP 400, code 300). Pages and Sessions recover from it by restarting
	// the window; they return it only after too many restarts.
	ErrPageToken = errors.New("next_page_token invalid or expired")
	// ErrRateLimited: a per-second rate limit (HTTP 429 with
	// X-RateLimit-Type QPS or no type) that lasted through every retry.
	ErrRateLimited = errors.New("rate limited (per second)")
	// ErrDailyLimit: the account's daily request cap (HTTP 429 with
	// X-RateLimit-Type Daily-limit). Never retried; see APIError.ResetAt.
	ErrDailyLimit = errors.New("daily rate limit reached")
	// ErrUnauthorized: HTTP 401 from the API, or the token endpoint
	// refusing the credentials.
	ErrUnauthorized = errors.New("unauthorized")
	// ErrRepeatedToken: Zoom sent a next_page_token already seen in the
	// same window; following it would loop.
	ErrRepeatedToken = errors.New("next_page_token repeated")
	// ErrRedirect: the API or the token endpoint answered with a redirect
	// (3xx). Zoom does not redirect these calls, so the client never
	// follows one: credentials go only to the configured origin. Never
	// retried.
	ErrRedirect = errors.New("redirect refused")
)

// APIError is any non-2xx answer from Zoom, JSON or not (an HTML 5xx page
// from a load balancer too), or a redirect (3xx, see ErrRedirect). Every
// field that holds server text has any secret of the Client replaced with
// REDACTED, control characters escaped and a bounded length.
type APIError struct {
	StatusCode int           // HTTP status
	Code       int           // Zoom's code, e.g. 124, 300, 429; 0 when the body had none
	Message    string        // Zoom's message, or the HTTP status text for a non-JSON body
	TrackingID string        // x-zm-trackingid: what Zoom support asks for
	RetryAfter time.Duration // when Zoom said to try again (Retry-After), 0 if it did not

	// RateLimitType is X-RateLimit-Type on a 429: "QPS", "Daily-limit" or "".
	RateLimitType string
	// ResetAt is when a daily limit resets: Retry-After's instant when Zoom
	// sent one, else the next 00:00 UTC. Zero for other errors.
	ResetAt time.Time
	// Body is the start of a non-JSON body (at most 256 bytes), for logs.
	Body string
}

// Error returns status, code, message and tracking ID, and for a daily
// limit when it resets.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("zoom: HTTP ")
	b.WriteString(strconv.Itoa(e.StatusCode))
	if e.Code != 0 {
		b.WriteString(", code ")
		b.WriteString(strconv.Itoa(e.Code))
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.daily() {
		fmt.Fprintf(&b, " (daily limit; resets at %s)", e.ResetAt.UTC().Format(time.RFC3339))
	} else if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", e.RetryAfter)
	}
	if e.TrackingID != "" {
		b.WriteString(" [x-zm-trackingid ")
		b.WriteString(e.TrackingID)
		b.WriteString("]")
	}
	return b.String()
}

func (e *APIError) daily() bool {
	return e.StatusCode == http.StatusTooManyRequests &&
		(strings.EqualFold(e.RateLimitType, "Daily-limit") ||
			(e.RateLimitType == "" && strings.Contains(strings.ToLower(e.Message), "daily")))
}

func (e *APIError) pageToken() bool {
	if e.StatusCode != http.StatusBadRequest || e.Code != 300 {
		return false
	}
	m := strings.ToLower(e.Message)
	return strings.Contains(m, "page token") || strings.Contains(m, "next_page_token")
}

// Is makes errors.Is(err, ErrPageToken / ErrRateLimited / ErrDailyLimit /
// ErrUnauthorized / ErrRange / ErrRedirect) work on an *APIError.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrRedirect:
		return isRedirect(e.StatusCode)
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrDailyLimit:
		return e.daily()
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests && !e.daily()
	case ErrPageToken:
		return e.pageToken()
	case ErrRange:
		return e.StatusCode == http.StatusBadRequest && e.Code == 300 && !e.pageToken()
	}
	return false
}

// nextUTCMidnight is when Zoom's daily counters reset if it does not say.
func nextUTCMidnight(now time.Time) time.Time {
	y, m, d := now.UTC().Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, time.UTC)
}

// RetryError is the error of a request that was tried more than once
// before the client gave up: how many tries, over how long, and the last
// one's error (Err, which errors.Is and errors.As see through). Its text
// is Err's.
type RetryError struct {
	Tries int           // tries sent, the first included
	Over  time.Duration // from the first try to giving up
	Err   error
}

// Error returns the last try's error text.
func (e *RetryError) Error() string { return e.Err.Error() }

// Unwrap returns the last try's error.
func (e *RetryError) Unwrap() error { return e.Err }

// transportError is a dropped connection or cut-off body: retried. msg
// must have passed the redactor (c.redact.apply); Unwrap reaches only a
// cause that quotes no server text (see safeCause).
type transportError struct {
	msg string
	err error
}

func (e *transportError) Error() string { return e.msg }
func (e *transportError) Unwrap() error { return safeCause(e.err) }

// apiError builds the error for a non-2xx answer, JSON or not. Every
// piece of server text in it passes the Client's redactor.
func (c *Client) apiError(resp *http.Response, body []byte) *APIError {
	now := c.now()
	e := &APIError{
		StatusCode:    resp.StatusCode,
		TrackingID:    c.redact.text(resp.Header.Get("x-zm-trackingid"), maxHeaderText),
		RateLimitType: c.redact.text(resp.Header.Get("X-RateLimit-Type"), maxHeaderText),
	}
	var zb struct {
		Code    json.RawMessage `json:"code"`
		Message string          `json:"message"`
	}
	switch {
	case isRedirect(resp.StatusCode):
		e.Message = c.redirectMessage(resp)
	case json.Unmarshal(body, &zb) == nil && (len(zb.Code) > 0 || zb.Message != ""):
		e.Code, _ = strconv.Atoi(strings.Trim(string(zb.Code), `"`))
		e.Message = c.redact.text(zb.Message, maxMessageText)
	default:
		e.Message = http.StatusText(resp.StatusCode)
		if e.Message == "" {
			e.Message = c.redact.text(resp.Status, maxMessageText)
		}
		e.Body = c.redact.text(string(body[:min(len(body), maxScanText)]), maxBodyText)
		if len(body) > 0 {
			e.Message += " (non-JSON body)"
		}
	}
	var at time.Time
	if d, t, ok := parseRetryAfter(resp.Header.Get("Retry-After"), now); ok {
		e.RetryAfter, at = d, t
	}
	if e.daily() {
		e.ResetAt = at
		if at.IsZero() {
			e.ResetAt = nextUTCMidnight(now)
			e.RetryAfter = e.ResetAt.Sub(now)
		}
	}
	return e
}

// isRedirect reports whether status is a 3xx.
func isRedirect(status int) bool { return status/100 == 3 }

// refuseRedirect is the CheckRedirect of the http.Client New uses: the 3xx
// itself is returned, nothing is sent to its Location, and the answer
// becomes an APIError or TokenError matching ErrRedirect.
func refuseRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// redirectMessage says a redirect was refused and names only the origin
// (scheme, host, port) of its Location: a path or query may carry anything.
func (c *Client) redirectMessage(resp *http.Response) string {
	loc, err := resp.Location()
	if err != nil || loc.Host == "" {
		return "redirect refused (no usable Location): Zoom does not redirect this call"
	}
	origin := c.redact.text(loc.Scheme+"://"+loc.Host, maxHeaderText)
	return "redirect to " + origin + " refused: Zoom does not redirect this call"
}

package wrapper

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/time/rate"

	"github.com/zoomkit/chatsessions/api"
)

// Defaults.
const (
	DefaultBaseURL   = "https://api.zoom.us/v2"
	DefaultTokenURL  = "https://zoom.us/oauth/token"
	DefaultRateLimit = 20 // requests per second: Zoom Pro, MEDIUM label
	DefaultPageSize  = 300
	MaxPageSize      = 300
	// DefaultConcurrency is how many month windows a pull fetches at once:
	// the most a six-month range can touch (six months that start mid-month
	// touch seven calendar months), so a six-month pull fetches every window
	// at once and the rate limit, not latency, bounds it.
	DefaultConcurrency = 7
	// PageTokenTTL is how long Zoom accepts a next_page_token after issuing it.
	PageTokenTTL = 15 * time.Minute
	// DefaultMaxRestarts is how many restarts in a row without progress a
	// window may make, after Zoom refuses its next_page_token, before Pages
	// gives up.
	DefaultMaxRestarts = 3
)

// Client calls GET /report/chat/sessions. It is safe for concurrent use;
// its rate limiter and token cache are shared by every call.
type Client struct {
	api         *api.Client
	httpClient  *http.Client
	auth        tokenProvider
	limiter     *rate.Limiter
	pageSize    int
	concurrency int
	retry       RetryPolicy
	maxRestarts int
	now         func() time.Time
	raw         bool
	baseURL     string
	redact      *redactor

	// sleep waits d or until ctx is done; a test hook.
	sleep func(ctx context.Context, d time.Duration) error

	stats struct {
		windows, pages, requests, sessions, retries, restarts, tokens atomic.Int64
		rateLimited, duplicates, waitingNanos                         atomic.Int64
	}
}

// Option configures New.
type Option func(*config) error

type config struct {
	baseURL, tokenURL string
	httpClient        *http.Client
	s2s               *s2sCreds
	static            secretText
	ts                oauth2.TokenSource
	authCount         int
	perSecond         float64
	pageSize          int
	concurrency       int
	retry             RetryPolicy
	maxRestarts       int
	now               func() time.Time
	raw               bool
	insecureHTTP      bool
}

// WithServerToServer authenticates with Zoom Server-to-Server OAuth
// (grant_type=account_credentials). One token is fetched, cached and reused
// until shortly before it expires.
func WithServerToServer(accountID, clientID, clientSecret string) Option {
	return func(c *config) error {
		if accountID == "" || clientID == "" || clientSecret == "" {
			return errors.New("wrapper: WithServerToServer needs account ID, client ID and client secret")
		}
		c.authCount++
		c.s2s = &s2sCreds{accountID: accountID, clientID: clientID, clientSecret: seal(clientSecret)}
		return nil
	}
}

// WithToken sends accessToken as is. A 401 is returned at once.
func WithToken(accessToken string) Option {
	return func(c *config) error {
		if accessToken == "" {
			return errors.New("wrapper: WithToken needs a token")
		}
		c.authCount++
		c.static = seal(accessToken)
		return nil
	}
}

// WithTokenSource takes tokens from ts (for example a user-OAuth
// oauth2.Config's source). On a 401 with code 124 ts is asked once more.
func WithTokenSource(ts oauth2.TokenSource) Option {
	return func(c *config) error {
		if ts == nil {
			return errors.New("wrapper: WithTokenSource needs a token source")
		}
		c.authCount++
		c.ts = ts
		return nil
	}
}

// WithBaseURL sets the API root (default https://api.zoom.us/v2).
func WithBaseURL(u string) Option {
	return func(c *config) error { c.baseURL = u; return nil }
}

// WithTokenURL sets the Server-to-Server token endpoint (default
// https://zoom.us/oauth/token).
func WithTokenURL(u string) Option {
	return func(c *config) error { c.tokenURL = u; return nil }
}

// WithHTTPClient sets the HTTP client used for API and token requests.
//
// Redirects: Zoom does not redirect these calls, and a redirect followed
// would carry the credentials elsewhere (Go's default policy keeps the
// Authorization header when only the port or the scheme changes), so the
// client New builds refuses every 3xx (ErrRedirect). A client given here
// whose CheckRedirect is nil (Go's default policy) is copied and gets the
// same refusal; hc itself is not modified. A client with its own
// CheckRedirect keeps it: redirects are then the caller's decision.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return errors.New("wrapper: WithHTTPClient(nil)")
		}
		c.httpClient = hc
		return nil
	}
}

// WithRateLimit sets the client-side limit in requests per second (default
// 20, Zoom Pro's limit for this MEDIUM-label endpoint). Requests are spaced
// evenly with a burst of one, so a client set to the account's limit draws no
// 429 from a server counting per 1-second window, not even at the start.
// math.Inf(1) disables limiting.
func WithRateLimit(perSecond float64) Option {
	return func(c *config) error {
		if !(perSecond > 0) {
			return fmt.Errorf("wrapper: rate limit must be > 0, got %v", perSecond)
		}
		c.perSecond = perSecond
		return nil
	}
}

// WithPageSize sets page_size, 1..300 (default 300: the fewest requests).
func WithPageSize(n int) Option {
	return func(c *config) error {
		if n < 1 || n > MaxPageSize {
			return fmt.Errorf("wrapper: page size %d outside 1..%d", n, MaxPageSize)
		}
		c.pageSize = n
		return nil
	}
}

// WithConcurrency sets how many month windows are fetched at once (default
// DefaultConcurrency). Results still come out in window order.
func WithConcurrency(n int) Option {
	return func(c *config) error {
		if n < 1 {
			return fmt.Errorf("wrapper: concurrency %d < 1", n)
		}
		c.concurrency = n
		return nil
	}
}

// WithClock sets the clock used for the six-month rule, Retry-After dates and
// daily-limit resets (default time.Now).
func WithClock(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return errors.New("wrapper: WithClock(nil)")
		}
		c.now = now
		return nil
	}
}

// WithRetryPolicy replaces DefaultRetryPolicy.
func WithRetryPolicy(p RetryPolicy) Option {
	return func(c *config) error {
		if p.MaxAttempts < 1 || p.BaseDelay < 0 || p.MaxDelay < p.BaseDelay || p.MaxRetryAfter < 0 {
			return fmt.Errorf("wrapper: invalid retry policy %+v", p)
		}
		c.retry = p
		return nil
	}
}

// WithMaxRestarts sets how many restarts in a row, each after an expired
// next_page_token and none yielding a new session, a window may make
// before Pages gives up (default 3). Restarts that make progress, as with
// a caller slower than the token's 15 minutes, do not count against it.
func WithMaxRestarts(n int) Option {
	return func(c *config) error {
		if n < 0 {
			return fmt.Errorf("wrapper: max restarts %d < 0", n)
		}
		c.maxRestarts = n
		return nil
	}
}

// WithInsecureHTTP allows a plain-http base or token URL whose host is not
// loopback. Without it New refuses one: the client secret and every access
// token would cross the network in clear text. Loopback hosts (localhost,
// 127.0.0.0/8, ::1), as used by tests and zoomtest, need no opt-in.
func WithInsecureHTTP() Option {
	return func(c *config) error { c.insecureHTTP = true; return nil }
}

// WithRawJSON keeps, in Session.Raw, the exact JSON object Zoom sent for each
// session, so fields Zoom adds later are not lost (for example for ndjson
// output). Off by default: it costs an extra copy per session.
func WithRawJSON(keep bool) Option {
	return func(c *config) error { c.raw = keep; return nil }
}

// New returns a Client. Exactly one of WithServerToServer, WithToken or
// WithTokenSource is required.
func New(opts ...Option) (*Client, error) {
	cfg := config{
		baseURL:     DefaultBaseURL,
		tokenURL:    DefaultTokenURL,
		perSecond:   DefaultRateLimit,
		pageSize:    DefaultPageSize,
		concurrency: DefaultConcurrency,
		retry:       DefaultRetryPolicy,
		maxRestarts: DefaultMaxRestarts,
		now:         time.Now,
	}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	switch cfg.authCount {
	case 0:
		return nil, errors.New("wrapper: no credentials: use WithServerToServer, WithToken or WithTokenSource")
	case 1:
	default:
		return nil, errors.New("wrapper: more than one credential option")
	}
	for _, u := range []struct{ name, url string }{{"base URL", cfg.baseURL}, {"token URL", cfg.tokenURL}} {
		if err := checkURL(u.name, u.url, cfg.insecureHTTP); err != nil {
			return nil, err
		}
	}
	hc := httpClient(cfg.httpClient)
	ac, err := api.NewClient(strings.TrimSuffix(cfg.baseURL, "/")+"/", api.WithHTTPClient(hc))
	if err != nil {
		return nil, fmt.Errorf("wrapper: %w", err)
	}
	lim := rate.Limit(cfg.perSecond)
	if math.IsInf(cfg.perSecond, 1) {
		lim = rate.Inf
	}
	c := &Client{
		api:         ac,
		httpClient:  hc,
		limiter:     rate.NewLimiter(lim, 1),
		pageSize:    cfg.pageSize,
		concurrency: cfg.concurrency,
		retry:       cfg.retry,
		maxRestarts: cfg.maxRestarts,
		now:         cfg.now,
		raw:         cfg.raw,
		baseURL:     cfg.baseURL,
		redact:      &redactor{},
		sleep:       sleepCtx,
	}
	c.auth = newTokenProvider(&cfg, c)
	return c, nil
}

// String describes the client without any secret.
func (c *Client) String() string {
	if c == nil {
		return "wrapper.Client(nil)"
	}
	return fmt.Sprintf("wrapper.Client{baseURL: %q, auth: %s, pageSize: %d, concurrency: %d, rate: %v/s}",
		c.baseURL, c.auth.kind(), c.pageSize, c.concurrency, float64(c.limiter.Limit()))
}

// GoString is String, so %#v shows no secret either.
func (c *Client) GoString() string { return c.String() }

// Format prints String for every verb (%v, %+v, %#v, %s, %q...), so no
// formatting directive can reach a secret.
func (c *Client) Format(f fmt.State, verb rune) {
	if verb == 'q' {
		fmt.Fprintf(f, "%q", c.String())
		return
	}
	_, _ = f.Write([]byte(c.String()))
}

// Stats are running totals for a Client since New.
type Stats struct {
	Windows       int64 // windows fully yielded
	Pages         int64 // pages yielded
	Sessions      int64 // sessions yielded
	Requests      int64 // API requests sent, retries included
	Retries       int64 // API requests that were retries
	Restarts      int64 // window restarts after an expired next_page_token
	TokenRequests int64 // access-token requests
	RateLimited   int64 // 429 answers met (per-second and daily)
	Duplicates    int64 // sessions skipped because their ID was already yielded in the window
	// Waiting is the time requests spent waiting for the rate limiter,
	// Retry-After and backoff, summed over every window fetched at once (so
	// it can exceed the wall time).
	Waiting time.Duration
	// Rate is the current pacing in requests per second: the configured
	// rate, lowered while Zoom answers 429 and probed back up after; +Inf
	// when unlimited.
	Rate float64
}

// Stats returns a snapshot of the running totals, for progress and summary
// lines. Safe to call from any goroutine, during a pull too.
func (c *Client) Stats() Stats {
	return Stats{
		Windows:       c.stats.windows.Load(),
		Pages:         c.stats.pages.Load(),
		Sessions:      c.stats.sessions.Load(),
		Requests:      c.stats.requests.Load(),
		Retries:       c.stats.retries.Load(),
		Restarts:      c.stats.restarts.Load(),
		TokenRequests: c.stats.tokens.Load(),
		RateLimited:   c.stats.rateLimited.Load(),
		Duplicates:    c.stats.duplicates.Load(),
		Waiting:       time.Duration(c.stats.waitingNanos.Load()),
		Rate:          c.rate(),
	}
}

// rate is the limiter's current rate; +Inf when unlimited.
func (c *Client) rate() float64 {
	if l := c.limiter.Limit(); l != rate.Inf {
		return float64(l)
	}
	return math.Inf(1)
}

// checkURL refuses a URL that is not absolute http(s), one with user info
// (a password there would be printed and sent), and a plain-http one whose
// host is not loopback unless insecure: the client secret and every access
// token would cross the network in clear text. Messages never show a
// password the URL may hold.
func checkURL(name, u string, insecure bool) error {
	pu, err := url.Parse(u)
	if err != nil {
		return fmt.Errorf("wrapper: invalid %s: not a URL", name)
	}
	if (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" {
		return fmt.Errorf("wrapper: invalid %s %q: want an absolute http or https URL", name, pu.Redacted())
	}
	if pu.User != nil {
		return fmt.Errorf("wrapper: %s %s holds user info: pass credentials with WithServerToServer, WithToken or WithTokenSource", name, pu.Redacted())
	}
	if pu.Scheme == "http" && !insecure && !isLoopback(pu.Hostname()) {
		return fmt.Errorf("wrapper: %s %s is plain http and not loopback: credentials would cross the network in clear text (use https, or WithInsecureHTTP to allow it)", name, pu.Redacted())
	}
	return nil
}

// httpClient returns the client for API and token requests: a new one with
// a timeout that refuses redirects, or the caller's. The caller's is copied
// with that refusal when its CheckRedirect is nil (Go's default policy
// would follow a redirect with the credentials), else used as is.
func httpClient(hc *http.Client) *http.Client {
	if hc == nil {
		return &http.Client{Timeout: 2 * time.Minute, CheckRedirect: refuseRedirect}
	}
	if hc.CheckRedirect == nil {
		own := *hc
		own.CheckRedirect = refuseRedirect
		return &own
	}
	return hc
}

// isLoopback reports whether host is localhost or a loopback IP address.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

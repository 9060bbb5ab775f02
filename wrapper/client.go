package wrapper

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"

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
	// MaxConcurrency is the most windows WithConcurrency allows at once.
	MaxConcurrency = 64
	// DefaultMemoryBudget is how many bytes of fetched pages may wait for
	// the caller, over all windows (WithMemoryBudget). A six-month pull of
	// an account with 1,000 sessions a day queues up to about 400 pages
	// while the caller reads the first windows: some 45 MiB of typed
	// sessions, 80 MiB with WithRawJSON (about 290 and 510 bytes a session
	// as zoomtest generates them), so every window fetches at full speed;
	// a larger pull waits for the caller once this is full. (Measured: the
	// CLI's peak RSS on such a pull was 86 MiB with csv, 129 MiB with
	// ndjson.)
	DefaultMemoryBudget = 96 << 20
	// DefaultMaxPages is how many pages one window may have before Pages
	// ends it with ErrTooManyPages (WithMaxPages): 30 million sessions a
	// month at page_size 300, far above any real account.
	DefaultMaxPages = 100_000
	// DefaultAttemptTimeout is how long one attempt (token, headers and
	// whole body) may take before it is abandoned and retried
	// (WithAttemptTimeout); well under PageTokenTTL.
	DefaultAttemptTimeout = 30 * time.Second
	// MinRateLimit is the lowest rate WithRateLimit accepts.
	MinRateLimit = 0.1
)

// Client calls GET /report/chat/sessions. It is safe for concurrent use;
// its rate limiter and token cache are shared by every call.
type Client struct {
	api         *api.Client
	httpClient  *http.Client
	auth        tokenProvider
	pacer       *pacer
	pageSize    int
	concurrency int
	retry       RetryPolicy
	maxRestarts int
	maxPages    int
	// memoryBudget is the shared budget of a pull's queued pages, bytes.
	memoryBudget   int64
	attemptTimeout time.Duration
	now            func() time.Time
	raw            bool
	baseURL        string
	redact         *redactor

	// sleep waits d or until ctx is done; a test hook.
	sleep func(ctx context.Context, d time.Duration) error

	stats struct {
		windows, pages, requests, sessions, retries, restarts, tokens atomic.Int64
		rateLimited, duplicates, waitingNanos                         atomic.Int64
		received                                                      atomic.Int64 // pages received from Zoom
		coveredNanos                                                  atomic.Int64 // Stats.Covered
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
	maxPages          int
	memoryBudget      int64
	attemptTimeout    time.Duration
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
// The rate adapts: a per-second 429 (the account's limit is shared by every
// app of the account) lowers it towards what Zoom accepts, and it climbs back
// by 5% a second up to perSecond; Stats.Rate reports it. Values from
// MinRateLimit; math.Inf(1) disables limiting and adaptation.
func WithRateLimit(perSecond float64) Option {
	return func(c *config) error {
		if !(perSecond >= MinRateLimit) {
			return fmt.Errorf("wrapper: rate limit %v requests per second: want at least %v", perSecond, MinRateLimit)
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

// WithConcurrency sets how many month windows are fetched at once, 1 to
// MaxConcurrency (default DefaultConcurrency). Results still come out in
// window order.
func WithConcurrency(n int) Option {
	return func(c *config) error {
		if n < 1 || n > MaxConcurrency {
			return fmt.Errorf("wrapper: concurrency %d outside 1..%d", n, MaxConcurrency)
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
		if p.MaxAttempts < 1 || p.BaseDelay < 0 || p.MaxDelay < p.BaseDelay || p.MaxRetryAfter < 0 || p.MaxStall < 0 {
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

// WithMemoryBudget sets how many bytes of fetched pages may wait for the
// caller over all windows of a pull (default DefaultMemoryBudget, at least
// 1). Windows keep fetching while the caller drains an earlier one; when the
// budget is full, the windows furthest from the caller wait first. A pull
// holds at most this, plus one page per window; the window the caller is
// reading always has its next page fetched ahead, so a budget smaller than
// a page means one page ahead and no more.
func WithMemoryBudget(bytes int64) Option {
	return func(c *config) error {
		if bytes < 1 {
			return fmt.Errorf("wrapper: memory budget %d bytes: want at least 1", bytes)
		}
		c.memoryBudget = bytes
		return nil
	}
}

// WithMaxPages sets how many pages one window may have (default
// DefaultMaxPages, at least 1): a window that goes on longer, as when a
// server hands out next_page_tokens forever, ends with ErrTooManyPages.
func WithMaxPages(n int) Option {
	return func(c *config) error {
		if n < 1 {
			return fmt.Errorf("wrapper: max pages %d < 1", n)
		}
		c.maxPages = n
		return nil
	}
}

// WithAttemptTimeout sets how long one attempt may take, from asking for
// the access token to the last byte of the body (default
// DefaultAttemptTimeout); a hung attempt is abandoned and retried. Between
// 1 ms and PageTokenTTL.
func WithAttemptTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d < time.Millisecond || d >= PageTokenTTL {
			return fmt.Errorf("wrapper: attempt timeout %s outside 1ms..%s", d, PageTokenTTL)
		}
		c.attemptTimeout = d
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

		maxPages:       DefaultMaxPages,
		memoryBudget:   DefaultMemoryBudget,
		attemptTimeout: DefaultAttemptTimeout,
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
	c := &Client{
		api:         ac,
		httpClient:  hc,
		pacer:       newPacer(cfg.perSecond),
		pageSize:    cfg.pageSize,
		concurrency: cfg.concurrency,
		retry:       cfg.retry,
		maxRestarts: cfg.maxRestarts,

		maxPages:       cfg.maxPages,
		memoryBudget:   cfg.memoryBudget,
		attemptTimeout: cfg.attemptTimeout,
		now:            cfg.now,
		raw:            cfg.raw,
		baseURL:        cfg.baseURL,
		redact:         &redactor{},
		sleep:          sleepCtx,
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
		c.baseURL, c.auth.kind(), c.pageSize, c.concurrency, c.pacer.currentRate())
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
	// Covered is how much of the windows' time the pages fetched so far
	// reach, summed over windows: a window counts up to its newest session
	// fetched (Zoom lists a window's sessions oldest first), and whole once
	// its last page is in. Pages fetched ahead of the caller count, so
	// Covered over the range's length is the share of the pull done, for an
	// estimate of the time left.
	Covered time.Duration
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
		Rate:          c.pacer.currentRate(),
		Covered:       time.Duration(c.stats.coveredNanos.Load()),
	}
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
		// Go's default transport keeps 2 idle connections a host: with
		// more windows fetched at once, every other request to Zoom would
		// pay a new TLS handshake.
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = MaxConcurrency
		return &http.Client{Transport: tr, Timeout: 2 * time.Minute, CheckRedirect: refuseRedirect}
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

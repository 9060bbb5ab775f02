package main

import (
	"flag"
	"fmt"
	"math"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/zoomkit/chatsessions/wrapper"
	"github.com/zoomkit/chatsessions/zoomtest"
)

// Every subcommand that talks to Zoom (the listing, sync) takes the same
// connection flags and credentials and builds its client the same way:
// connFlags.register, connFlags.check, connection.dial.

// Limits of the connection flags: beyond them a value is a typo, and
// refused before any request.
const (
	maxConcurrency = wrapper.MaxConcurrency // windows at once; a six-month range has at most 7
	minRate        = wrapper.MinRateLimit   // requests per second
	maxRate        = 1000                   // far above any Zoom plan's limit for this endpoint
)

// connFlags are the connection flags as given on the command line.
type connFlags struct {
	pageSize     int
	rate         float64
	concurrency  int
	baseURL      string
	tokenURL     string
	insecureHTTP bool
	demo         bool
	progress     bool
	noProgress   bool
}

// connFlagNames lists the connection flags in the order help shows them.
var connFlagNames = []string{"page-size", "rate", "concurrency", "base-url", "token-url", "insecure-http", "demo", "progress", "no-progress"}

// register declares the connection flags in fs.
func (c *connFlags) register(fs *flag.FlagSet) {
	fs.IntVar(&c.pageSize, "page-size", wrapper.DefaultPageSize, fmt.Sprintf("sessions per request, 1..%d", wrapper.MaxPageSize))
	fs.Float64Var(&c.rate, "rate", wrapper.DefaultRateLimit, fmt.Sprintf("requests per second, %g..%d (20: Zoom Pro; Business+ is 60)", minRate, maxRate))
	fs.IntVar(&c.concurrency, "concurrency", wrapper.DefaultConcurrency, fmt.Sprintf("month windows fetched at once, 1..%d (7: all of six months)", maxConcurrency))
	fs.StringVar(&c.baseURL, "base-url", wrapper.DefaultBaseURL, "API base URL, ending in /v2 (env ZOOM_BASE_URL)")
	fs.StringVar(&c.tokenURL, "token-url", wrapper.DefaultTokenURL, "OAuth token URL (env ZOOM_TOKEN_URL)")
	fs.BoolVar(&c.insecureHTTP, "insecure-http", false, "allow plain-http URLs that are not loopback (secrets in clear text)")
	fs.BoolVar(&c.demo, "demo", false, "use the built-in fake Zoom and its sample data; no credentials")
	fs.BoolVar(&c.progress, "progress", false, "show progress on stderr (default: when it is a terminal)")
	fs.BoolVar(&c.noProgress, "no-progress", false, "never show progress")
}

// connection is a checked set of connection flags with the credentials:
// what dial needs.
type connection struct {
	connFlags
	// showProgress is nil when neither --progress nor --no-progress was
	// given: progress then shows only on a terminal.
	showProgress *bool
	creds        credentials
}

// credentials come from the environment only. An empty variable counts as
// unset. They never appear in any message.
type credentials struct {
	accountID, clientID, clientSecret string
	accessToken                       string
}

// String keeps credentials out of any %v.
func (credentials) String() string { return "credentials{REDACTED}" }

// GoString keeps credentials out of %#v.
func (c credentials) GoString() string { return c.String() }

// check range-checks the connection flags, reads the environment (through
// getenv) for what set, the flags given, leaves open, and loads the
// credentials. Every error is bad usage, found before any request.
func (c *connFlags) check(set map[string]bool, getenv func(string) string) (*connection, error) {
	conn := &connection{connFlags: *c}
	switch {
	case c.progress && c.noProgress:
		return nil, usagef("--progress and --no-progress contradict each other; give one")
	case c.progress || c.noProgress:
		show := c.progress
		conn.showProgress = &show
	}
	if c.pageSize < 1 || c.pageSize > wrapper.MaxPageSize {
		return nil, usagef("--page-size %d is out of range; Zoom allows 1 to %d", c.pageSize, wrapper.MaxPageSize)
	}
	if math.IsNaN(c.rate) || c.rate < minRate || c.rate > maxRate {
		return nil, usagef("--rate %g is out of range; give %g to %d requests per second", c.rate, minRate, maxRate)
	}
	if c.concurrency < 1 || c.concurrency > maxConcurrency {
		return nil, usagef("--concurrency %d is out of range; give 1 to %d month windows at once", c.concurrency, maxConcurrency)
	}
	if !set["base-url"] {
		if v := getenv("ZOOM_BASE_URL"); v != "" {
			conn.baseURL = v
		}
	}
	if !set["token-url"] {
		if v := getenv("ZOOM_TOKEN_URL"); v != "" {
			conn.tokenURL = v
		}
	}
	if c.demo {
		if set["base-url"] || set["token-url"] {
			return nil, usagef("--demo runs its own fake Zoom; drop --base-url and --token-url")
		}
		return conn, nil
	}
	for _, u := range []struct{ flag, url string }{{"--base-url", conn.baseURL}, {"--token-url", conn.tokenURL}} {
		if err := checkURL(u.flag, u.url, c.insecureHTTP); err != nil {
			return nil, err
		}
	}
	creds, err := loadCredentials(getenv)
	if err != nil {
		return nil, err
	}
	conn.creds = creds
	return conn, nil
}

// checkURL refuses what is not an http(s) URL, and a plain-http URL whose
// host is not loopback unless insecure: the client secret and every access
// token would cross the network in clear text.
func checkURL(flag, raw string, insecure bool) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usagef("%s %q is not an http(s) URL", flag, raw)
	}
	if u.Scheme == "http" && !insecure && !isLoopback(u.Hostname()) {
		return usagef("%s %s is plain http: credentials would cross the network in clear text; use https, or --insecure-http to allow it", flag, u.Redacted())
	}
	return nil
}

// isLoopback reports whether host is localhost or a loopback IP address,
// the hosts wrapper.New accepts over plain http.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

// loadCredentials reads Server-to-Server OAuth credentials or an access
// token from the environment.
func loadCredentials(getenv func(string) string) (credentials, error) {
	c := credentials{
		accountID:    getenv("ZOOM_ACCOUNT_ID"),
		clientID:     getenv("ZOOM_CLIENT_ID"),
		clientSecret: getenv("ZOOM_CLIENT_SECRET"),
		accessToken:  getenv("ZOOM_ACCESS_TOKEN"),
	}
	var missing []string
	for _, v := range []struct{ name, value string }{
		{"ZOOM_ACCOUNT_ID", c.accountID}, {"ZOOM_CLIENT_ID", c.clientID}, {"ZOOM_CLIENT_SECRET", c.clientSecret},
	} {
		if v.value == "" {
			missing = append(missing, v.name)
		}
	}
	switch {
	case len(missing) == 0:
		// Server-to-Server OAuth; it wins over ZOOM_ACCESS_TOKEN, since it
		// renews its own token.
	case len(missing) < 3:
		return c, usagef("Server-to-Server OAuth needs ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET; %s not set", strings.Join(missing, ", "))
	case c.accessToken == "":
		return c, usagef("no credentials: set ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET (Server-to-Server OAuth) or ZOOM_ACCESS_TOKEN, or try --demo")
	}
	return c, nil
}

// retryPolicy, when set, replaces the wrapper's default retry policy. Tests
// set it so that giving up after retries takes milliseconds, not seconds.
var retryPolicy *wrapper.RetryPolicy

// zoom is one run's client with what its error messages need to know.
type zoom struct {
	*wrapper.Client
	baseURL  string
	tokenURL string
	close    func() // stops the demo's fake Zoom; a no-op otherwise
}

// dial builds the client. With --demo it first starts the in-process fake
// Zoom, on the clock now, which close stops. Errors are bad usage: New
// checks options only and sends nothing.
func (c *connection) dial(now func() time.Time, extra ...wrapper.Option) (*zoom, error) {
	z := &zoom{baseURL: c.baseURL, tokenURL: c.tokenURL, close: func() {}}
	creds := c.creds
	if c.demo {
		// The fake runs in-process; the wrapper talks to it over loopback
		// with Server-to-Server OAuth, the same code path as real use.
		fake := zoomtest.NewServer(zoomtest.WithClock(now))
		z.baseURL, z.tokenURL, z.close = fake.URL(), fake.TokenURL(), fake.Close
		creds = credentials{accountID: zoomtest.DefaultAccountID, clientID: zoomtest.DefaultClientID, clientSecret: zoomtest.DefaultClientSecret}
	}
	opts := []wrapper.Option{
		wrapper.WithBaseURL(z.baseURL),
		wrapper.WithTokenURL(z.tokenURL),
		wrapper.WithRateLimit(c.rate),
		wrapper.WithPageSize(c.pageSize),
		wrapper.WithConcurrency(c.concurrency),
		wrapper.WithClock(now),
	}
	if c.insecureHTTP {
		opts = append(opts, wrapper.WithInsecureHTTP())
	}
	if retryPolicy != nil {
		opts = append(opts, wrapper.WithRetryPolicy(*retryPolicy))
	}
	if creds.clientSecret != "" {
		opts = append(opts, wrapper.WithServerToServer(creds.accountID, creds.clientID, creds.clientSecret))
	} else {
		opts = append(opts, wrapper.WithToken(creds.accessToken))
	}
	client, err := wrapper.New(append(opts, extra...)...)
	if err != nil {
		z.close()
		return nil, &usageError{msg: cleanChain(err.Error())}
	}
	z.Client = client
	return z, nil
}

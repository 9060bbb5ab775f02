package main

import (
	"net/http"
	"net/url"
	"sync"
	"time"
)

// requestTimeout bounds one request, body included, as wrapper.New's own
// client does.
const requestTimeout = 2 * time.Minute

// requestLog remembers, for each month window and for the token endpoint,
// the tries of the request last sent: how many and over how long, so that
// a failure after retries can say so.
type requestLog struct {
	tokenURL *url.URL

	mu      sync.Mutex
	token   tries
	windows map[string]*tries // by "from..to", as wrapper.Window prints
}

// tries are the tries of one request: the same query sent again.
type tries struct {
	query       string
	n           int
	first, last time.Time
	ok          bool // the last try got a 2xx
}

func (t *tries) add(query string, start, end time.Time, ok bool) {
	if t.n == 0 || t.ok || t.query != query {
		*t = tries{query: query, first: start}
	}
	t.n++
	t.last, t.ok = end, ok
}

// newLoggingClient returns the HTTP client the wrapper sends with: Go's
// default transport keeping a connection for each of concurrency windows
// and the token request, a timeout per request, no redirect followed (Zoom
// does not redirect these calls, and a redirect would carry the credentials
// elsewhere: the 3xx itself is the answer), and every try logged.
func newLoggingClient(tokenURL string, concurrency int) (*http.Client, *requestLog) {
	log := &requestLog{windows: map[string]*tries{}}
	log.tokenURL, _ = url.Parse(tokenURL)
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = concurrency + 1
	hc := &http.Client{
		Transport: &loggingTransport{base: tr, log: log},
		Timeout:   requestTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
	return hc, log
}

// loggingTransport records every request in a requestLog.
type loggingTransport struct {
	base http.RoundTripper
	log  *requestLog
}

// RoundTrip sends req with the base transport and logs the try.
func (t *loggingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := t.base.RoundTrip(req)
	t.log.record(req.URL, resp, start, time.Now())
	return resp, err
}

func (l *requestLog) record(u *url.URL, resp *http.Response, start, end time.Time) {
	ok := resp != nil && resp.StatusCode/100 == 2
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.tokenURL != nil && u.Host == l.tokenURL.Host && u.Path == l.tokenURL.Path {
		l.token.add("", start, end, ok)
		return
	}
	q := u.Query()
	key := q.Get("from") + ".." + q.Get("to")
	t := l.windows[key]
	if t == nil {
		t = &tries{}
		l.windows[key] = t
	}
	// A page's query changes with its token, so tries of the same query are
	// retries even when they got a 2xx: the body can still be garbled or
	// outside the contract, and is then asked for again.
	t.add(q.Get("next_page_token"), start, end, false)
}

// windowTries returns the tries of the request last sent for window
// ("from..to"), or the token endpoint's for "".
func (l *requestLog) windowTries(window string) tries {
	l.mu.Lock()
	defer l.mu.Unlock()
	if window == "" {
		return l.token
	}
	if t := l.windows[window]; t != nil {
		return *t
	}
	return tries{}
}

package zoomtest

import (
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Request is one API request in the fake's log.
type Request struct {
	N        int        // number of the API request, from 1
	Time     time.Time  // arrival, on the fake's clock
	Method   string     // HTTP method
	Path     string     // URL path, e.g. /v2/report/chat/sessions
	Query    url.Values // the query as sent
	PageSize int        // effective page_size: 30 when absent, 0 when not an integer
	HasToken bool       // whether an Authorization: Bearer header was sent
	Account  string     // account of the access token, if it was known
	Status   int        // status sent; 0 when the connection was dropped or the client left
	Fault    FaultKind  // fault served, FaultNone for none
}

// Window is a query's date range as sent.
type Window struct{ From, To string }

// Stats are the fake's counters.
type Stats struct {
	Requests     int            // API requests received
	Windows      map[Window]int // API requests per from/to pair
	TokensIssued int            // access tokens issued by the token endpoint
	FaultsServed int            // scripted faults served
	RateLimited  int            // answers 429
}

func (f *Fake) begin(r *http.Request) Request {
	q := r.URL.Query()
	size := defaultPageSize
	if v := q.Get("page_size"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			n = 0
		}
		size = n
	}
	scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n++
	f.stats.Requests++
	f.stats.Windows[Window{q.Get("from"), q.Get("to")}]++
	return Request{
		N:        f.n,
		Time:     f.cfg.clock(),
		Method:   r.Method,
		Path:     r.URL.Path,
		Query:    q,
		PageSize: size,
		HasToken: strings.EqualFold(scheme, "Bearer") && token != "",
	}
}

func (f *Fake) finish(entry Request, status int) {
	entry.Status = status
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log = append(f.log, entry)
}

func (e Request) trackingID() string { return "zoomfake-" + strconv.Itoa(e.N) }

func (f *Fake) countFault()       { f.mu.Lock(); f.stats.FaultsServed++; f.mu.Unlock() }
func (f *Fake) countToken()       { f.mu.Lock(); f.stats.TokensIssued++; f.mu.Unlock() }
func (f *Fake) countRateLimited() { f.mu.Lock(); f.stats.RateLimited++; f.mu.Unlock() }

// Requests returns a copy of the request log, in the order answers finished.
func (f *Fake) Requests() []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := slices.Clone(f.log)
	for i := range out {
		out[i].Query = cloneValues(out[i].Query)
	}
	return out
}

// Stats returns a copy of the counters.
func (f *Fake) Stats() Stats {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.stats
	s.Windows = maps.Clone(f.stats.Windows)
	return s
}

// Violations returns a copy of the contract violations seen so far.
func (f *Fake) Violations() []Violation {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.violations)
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = slices.Clone(vs)
	}
	return out
}

package zoomtest

import (
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// FaultKind is a kind of scripted failure.
type FaultKind int

// The faults the fake can serve.
const (
	// FaultNone serves the request normally.
	FaultNone FaultKind = iota
	// FaultHTML5xx answers with an HTML page and Fault.Status (default 502),
	// as a load balancer in front of Zoom does. Not validated.
	FaultHTML5xx
	// FaultDropConnection closes the connection without an answer. Go's
	// http.Transport retries an idempotent request on a reused connection
	// once by itself, which counts as the next request; use a client without
	// keep-alives to see the error.
	FaultDropConnection
	// FaultTruncatedBody sends the real answer's status and headers with the
	// full Content-Length, then half of the body, then closes the connection.
	FaultTruncatedBody
	// FaultLatency delays the answer by Fault.Latency (real time), then serves normally.
	FaultLatency
	// FaultTokenExpired expires the request's access token for good and
	// answers 401 {"code":124,"message":"Access token is expired."}. A request
	// without a valid token gets the usual 401.
	FaultTokenExpired
	// FaultPageTokenExpired answers 400 {"code":300,"message":"The next page
	// token is either invalid or has expired."}, whatever the request carries.
	FaultPageTokenExpired
)

var faultNames = [...]string{"none", "html-5xx", "drop-connection", "truncated-body", "latency", "token-expired", "page-token-expired"}

// String names the fault kind.
func (k FaultKind) String() string {
	if k >= 0 && int(k) < len(faultNames) {
		return faultNames[k]
	}
	return "FaultKind(" + strconv.Itoa(int(k)) + ")"
}

// Fault is a scripted failure for one API request.
type Fault struct {
	// Request is the number of the API request to fail, counting from 1
	// (token requests are not counted). Used by [WithFaults] and [Fake.AddFaults].
	Request int
	// Kind is what happens.
	Kind FaultKind
	// Status is the status of a FaultHTML5xx (default 502).
	Status int
	// Latency is the delay of a FaultLatency.
	Latency time.Duration
}

func (ft Fault) status() int {
	if ft.Status >= 500 && ft.Status <= 599 {
		return ft.Status
	}
	return http.StatusBadGateway
}

func (ft Fault) latency() time.Duration {
	if ft.Kind == FaultLatency {
		return ft.Latency
	}
	return 0
}

// AddFaults scripts more faults by request number; a later fault for the
// same number replaces an earlier one.
func (f *Fake) AddFaults(faults ...Fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, ft := range faults {
		f.faults[ft.Request] = ft
	}
}

func (f *Fake) faultFor(n int, r *http.Request) Fault {
	f.mu.Lock()
	ft, ok := f.faults[n]
	f.mu.Unlock()
	if ok {
		return ft
	}
	if f.cfg.faultFunc != nil {
		return f.cfg.faultFunc(n, r)
	}
	return Fault{}
}

func serveHTML5xx(w http.ResponseWriter, status int) {
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(status)
	text := http.StatusText(status)
	fmt.Fprintf(w, "<html>\r\n<head><title>%d %s</title></head>\r\n<body>\r\n<center><h1>%d %s</h1></center>\r\n</body>\r\n</html>\r\n",
		status, text, status, text)
}

func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

// writeTruncated writes rec's head with its full Content-Length and half its body, then closes.
func writeTruncated(w http.ResponseWriter, rec *recorder) {
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	defer conn.Close()
	body := rec.body.Bytes()
	fmt.Fprintf(buf, "HTTP/1.1 %d %s\r\n", rec.status, http.StatusText(rec.status))
	h := rec.header.Clone()
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("Connection", "close")
	_ = h.Write(buf)
	buf.WriteString("\r\n")
	buf.Write(body[:len(body)/2])
	_ = buf.Flush()
}

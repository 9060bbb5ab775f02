package zoomtest_test

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/zoomkit/chatsessions/zoomtest"
)

// noKeepAlive shows a dropped connection as an error: on a reused
// connection, net/http would retry the GET by itself.
var noKeepAlive = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}

func TestFaults(t *testing.T) {
	s, _ := startServer(t, zoomtest.WithFaults(
		zoomtest.Fault{Request: 2, Kind: zoomtest.FaultHTML5xx},
		zoomtest.Fault{Request: 3, Kind: zoomtest.FaultHTML5xx, Status: 503},
		zoomtest.Fault{Request: 5, Kind: zoomtest.FaultPageTokenExpired},
		zoomtest.Fault{Request: 6, Kind: zoomtest.FaultLatency, Latency: 200 * time.Millisecond},
	))
	query := q("from", "2026-05-01", "to", "2026-05-01")
	if a := get(t, noKeepAlive, s.URL(), s.AccessToken(), query); a.Status != 200 {
		t.Errorf("request 1: %d", a.Status)
	}
	a := get(t, noKeepAlive, s.URL(), s.AccessToken(), query)
	if a.Status != 502 || a.Header.Get("Content-Type") != "text/html" || !strings.Contains(a.Body, "<h1>502 Bad Gateway</h1>") {
		t.Errorf("request 2: %d %q %s", a.Status, a.Header.Get("Content-Type"), a.Body)
	}
	if a := get(t, noKeepAlive, s.URL(), s.AccessToken(), query); a.Status != 503 || !strings.Contains(a.Body, "<html>") {
		t.Errorf("request 3: %d %s", a.Status, a.Body)
	}
	s.AddFaults(zoomtest.Fault{Request: 4, Kind: zoomtest.FaultDropConnection})
	req, _ := http.NewRequest(http.MethodGet, s.URL()+"/report/chat/sessions?"+query.Encode(), nil)
	req.Header.Set("Authorization", "Bearer "+s.AccessToken())
	if resp, err := noKeepAlive.Do(req); err == nil {
		resp.Body.Close()
		t.Errorf("request 4: got %d, want a dropped connection", resp.StatusCode)
	}
	a = get(t, noKeepAlive, s.URL(), s.AccessToken(), query)
	if a.Status != 400 || strings.TrimSpace(a.Body) != `{"code":300,"message":"The next page token is either invalid or has expired."}` {
		t.Errorf("request 5: %d %s", a.Status, a.Body)
	}
	start := time.Now()
	if a := get(t, noKeepAlive, s.URL(), s.AccessToken(), query); a.Status != 200 || time.Since(start) < 200*time.Millisecond {
		t.Errorf("request 6: %d after %v", a.Status, time.Since(start))
	}
	st := s.Stats()
	if st.FaultsServed != 5 || st.Requests != 6 {
		t.Errorf("stats %+v", st)
	}
	want := []zoomtest.FaultKind{zoomtest.FaultNone, zoomtest.FaultHTML5xx, zoomtest.FaultHTML5xx,
		zoomtest.FaultDropConnection, zoomtest.FaultPageTokenExpired, zoomtest.FaultLatency}
	wantStatus := []int{200, 502, 503, 0, 400, 200}
	for i, r := range s.Requests() {
		if r.N != i+1 || r.Fault != want[i] || r.Status != wantStatus[i] {
			t.Errorf("log %d: %+v", i, r)
		}
	}
}

func TestFaultTruncatedBody(t *testing.T) {
	s, _ := startServer(t, zoomtest.WithFaults(zoomtest.Fault{Request: 1, Kind: zoomtest.FaultTruncatedBody}))
	req, _ := http.NewRequest(http.MethodGet, s.URL()+"/report/chat/sessions?from=2026-05-01&to=2026-05-01", nil)
	req.Header.Set("Authorization", "Bearer "+s.AccessToken())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("status %d, read %d of %d bytes, err %v", resp.StatusCode, len(b), resp.ContentLength, err)
	}
	if int64(len(b)) != resp.ContentLength/2 {
		t.Errorf("read %d of %d bytes", len(b), resp.ContentLength)
	}
}

func TestFaultTokenExpired(t *testing.T) {
	s, _ := startServer(t, zoomtest.WithFaultFunc(func(n int, r *http.Request) zoomtest.Fault {
		if n == 2 {
			return zoomtest.Fault{Kind: zoomtest.FaultTokenExpired}
		}
		return zoomtest.Fault{}
	}))
	_, body := postToken(t, s.TokenURL(), zoomtest.DefaultClientID, zoomtest.DefaultClientSecret,
		q("grant_type", "account_credentials", "account_id", zoomtest.DefaultAccountID))
	token := strings.Split(strings.Split(body, `"access_token":"`)[1], `"`)[0]
	query := q("from", "2026-05-01", "to", "2026-05-01")
	expired := `{"code":124,"message":"Access token is expired."}`
	if a := get(t, nil, s.URL(), token, query); a.Status != 200 {
		t.Errorf("request 1: %d", a.Status)
	}
	for i := 2; i <= 3; i++ { // expired from now on
		if a := get(t, nil, s.URL(), token, query); a.Status != 401 || strings.TrimSpace(a.Body) != expired {
			t.Errorf("request %d: %d %s", i, a.Status, a.Body)
		}
	}
	if a := get(t, nil, s.URL(), s.AccessToken(), query); a.Status != 200 {
		t.Errorf("another token: %d", a.Status)
	}
}

func TestFaultKindString(t *testing.T) {
	if got := zoomtest.FaultTruncatedBody.String(); got != "truncated-body" {
		t.Error(got)
	}
	if got := zoomtest.FaultKind(99).String(); got != "FaultKind(99)" {
		t.Error(got)
	}
}

// WithLatency is how long an answer takes from the request's arrival,
// whatever it is (a page, a 429, an HTML 5xx); a FaultLatency hang comes
// on top of it. The fake's own work is inside the latency: that part is a
// performance property, measured by cmd/zoom-chat-sessions'
// BenchmarkEndToEnd, not asserted here.
func TestLatency(t *testing.T) {
	const latency = 80 * time.Millisecond
	s, _ := startServer(t, zoomtest.WithLatency(latency), zoomtest.WithSessionsPerDay(1000), zoomtest.WithRateLimit(1),
		zoomtest.WithFaults(
			zoomtest.Fault{Request: 3, Kind: zoomtest.FaultHTML5xx},
			zoomtest.Fault{Request: 4, Kind: zoomtest.FaultLatency, Latency: 100 * time.Millisecond},
		))
	query := q("from", "2026-05-01", "to", "2026-05-31", "page_size", "300")
	for i, want := range []struct {
		status int
		took   time.Duration
	}{{200, latency}, {429, latency}, {502, latency}, {429, latency + 100*time.Millisecond}} {
		start := time.Now()
		a := get(t, noKeepAlive, s.URL(), s.AccessToken(), query)
		if took := time.Since(start); a.Status != want.status || took < want.took {
			t.Errorf("request %d: %d after %v, want %d after at least %v", i+1, a.Status, took, want.status, want.took)
		}
	}
}

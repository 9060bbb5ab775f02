package zoomtest_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zoomkit/chatsessions/api"
	"github.com/zoomkit/chatsessions/zoomtest"
)

// recordingTB keeps Errorf messages instead of failing.
type recordingTB struct {
	testing.TB
	mu   sync.Mutex
	msgs []string
}

func (r *recordingTB) Helper() {}

func (r *recordingTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, fmt.Sprintf(format, args...))
}

func (r *recordingTB) messages() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.msgs...)
}

func TestValidatingTransportRequests(t *testing.T) {
	s := zoomtest.NewServer(zoomtest.WithClock(newClock().Now)) // without WithT: these requests are bad on purpose
	defer s.Close()
	rec := &recordingTB{TB: t}
	client := &http.Client{Transport: zoomtest.ValidatingTransport(nil, rec)}
	cases := []struct {
		query string
		want  string // in the message; "" for no violation
	}{
		{"from=2026-05-01&to=2026-05-02&page_size=300", ""},
		{"from=2026-05-01&to=2026-05-02&page_size=500", `parameter "page_size" in query has an error: number must be at most 300`},
		{"to=2026-05-02", `parameter "from" in query has an error: value is required but missing`},
		{"from=2026-5-1&to=2026-05-02", `parameter "from" in query has an error: string doesn't match the format "date"`},
	}
	for _, c := range cases {
		before := len(rec.messages())
		req, _ := http.NewRequest(http.MethodGet, s.URL()+"/report/chat/sessions?"+c.query, nil)
		req.Header.Set("Authorization", "Bearer "+s.AccessToken())
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		got := rec.messages()[before:]
		switch {
		case c.want == "" && len(got) != 0:
			t.Errorf("%s: unexpected %v", c.query, got)
		case c.want != "" && (len(got) != 1 || !strings.Contains(got[0], c.want) || !strings.Contains(got[0], "in request")):
			t.Errorf("%s: got %v, want one request violation with %q", c.query, got, c.want)
		}
	}
	if v := s.Violations(); len(v) != 3 {
		t.Errorf("the fake saw %d violations, want the same 3: %v", len(v), v)
	}
}

func TestValidatingTransportResponses(t *testing.T) {
	bodies := map[string]string{
		"/good":       `{"from":"2026-05-01","to":"2026-05-01","page_size":30,"next_page_token":"","sessions":[{"id":"x","type":"1:1","name":"","extra":"kept"}]}`,
		"/type":       `{"sessions":[{"id":"x","type":1}]}`,
		"/enum":       `{"sessions":[{"id":"x","type":"` + notASessionType(t) + `"}]}`,
		"/time":       `{"sessions":[{"id":"x","last_message_sent_time":"yesterday"}]}`,
		"/error-body": `{"code":"300","message":"bad"}`,
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		prefix, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		w.Header().Set("Content-Type", "application/json")
		if prefix == "error-body" {
			w.WriteHeader(400)
		}
		if prefix == "html" {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(502)
			io.WriteString(w, "<html>bad gateway</html>")
			return
		}
		io.WriteString(w, bodies["/"+prefix])
	}))
	defer srv.Close()

	var mu sync.Mutex
	var got []error
	client := &http.Client{Transport: zoomtest.ValidatingTransportFunc(nil, func(err error) {
		mu.Lock()
		got = append(got, err)
		mu.Unlock()
	})}
	for _, prefix := range []string{"good", "type", "enum", "time", "error-body", "html"} {
		mu.Lock()
		got = nil
		mu.Unlock()
		resp, err := client.Get(srv.URL + "/" + prefix + "/v2/report/chat/sessions?from=2026-05-01&to=2026-05-01")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if prefix != "html" && string(b) != bodies["/"+prefix] {
			t.Errorf("%s: the transport changed the body: %s", prefix, b)
		}
		mu.Lock()
		n := len(got)
		var v zoomtest.Violation
		isViolation := n == 1 && errors.As(got[0], &v) && v.Phase == "response"
		mu.Unlock()
		wantViolation := prefix != "good" && prefix != "html"
		if wantViolation != isViolation || (!wantViolation && n != 0) {
			t.Errorf("%s: violations %v", prefix, got)
		}
	}
}

// A response the fake would send outside the contract (here, from sessions
// the user supplied) is reported with the request that caused it.
func TestFakeReportsResponseViolations(t *testing.T) {
	rec := &recordingTB{TB: t}
	bad := api.ChatSessionType(notASessionType(t))
	ts := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	id := "x"
	var seen []zoomtest.Violation
	s := zoomtest.NewServer(
		zoomtest.WithT(rec),
		zoomtest.WithClock(newClock().Now),
		zoomtest.WithViolationFunc(func(v zoomtest.Violation) { seen = append(seen, v) }),
		zoomtest.WithSessions([]api.ChatSession{{ID: &id, Type: &bad, LastMessageSentTime: &ts}}),
	)
	defer s.Close()
	if a := get(t, nil, s.URL(), s.AccessToken(), q("from", "2026-05-01", "to", "2026-05-01")); a.Status != 200 {
		t.Fatalf("%d %s", a.Status, a.Body)
	}
	v := s.Violations()
	if len(v) != 1 || v[0].Phase != "response" || v[0].Request != 1 || !strings.Contains(v[0].Error(), `"`+string(bad)+`"`) {
		t.Errorf("violations %v", v)
	}
	if msgs := rec.messages(); len(msgs) != 1 || !strings.Contains(msgs[0], "contract violation in response #1") {
		t.Errorf("tb.Errorf calls %v", msgs)
	}
	if len(seen) != 1 {
		t.Errorf("violation func saw %v", seen)
	}
}

// Paths and methods outside the spec are violations too.
func TestFakeUnknownOperation(t *testing.T) {
	s := zoomtest.NewServer()
	defer s.Close()
	resp, err := http.Post(s.URL()+"/report/chat/sessions", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, err = http.Get(s.URL() + "/report/chat/session")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	v := s.Violations()
	if len(v) != 2 || !strings.Contains(v[0].Error(), "no operation in the spec for POST") || !strings.Contains(v[1].Error(), "no operation in the spec for GET /v2/report/chat/session") {
		t.Errorf("violations %v", v)
	}
}

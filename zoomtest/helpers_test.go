package zoomtest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/zoomkit/chatsessions/api"
	"github.com/zoomkit/chatsessions/api/apiserver"
	"github.com/zoomkit/chatsessions/zoomtest"
)

// now is the fake clock's start in every test: a Friday afternoon in May 2026.
var now = time.Date(2026, 5, 15, 14, 30, 0, 0, time.UTC)

func newClock() *zoomtest.Clock { return zoomtest.NewClock(now) }

type answer struct {
	Status int
	Header http.Header
	Body   string
}

// get sends GET <base>/report/chat/sessions?<query> with the bearer token (none if empty).
func get(t *testing.T, client *http.Client, base, token string, query url.Values) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+"/report/chat/sessions?"+query.Encode(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{resp.StatusCode, resp.Header, string(b)}
}

func page(t *testing.T, a answer) api.ChatSessionsReport {
	t.Helper()
	if a.Status != http.StatusOK {
		t.Fatalf("status %d, body %s", a.Status, a.Body)
	}
	var r api.ChatSessionsReport
	if err := json.Unmarshal([]byte(a.Body), &r); err != nil {
		t.Fatal(err)
	}
	return r
}

func q(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

// startServer starts a fake on the test clock with contract checks failing the test.
func startServer(t *testing.T, opts ...zoomtest.Option) (*zoomtest.Server, *zoomtest.Clock) {
	t.Helper()
	c := newClock()
	s := zoomtest.NewServer(append([]zoomtest.Option{zoomtest.WithClock(c.Now), zoomtest.WithT(t)}, opts...)...)
	return s, c
}

// notASessionType returns a session type outside the enum of the spec the
// fake enforces, whatever values Zoom adds later: validation tests that need
// an invalid type use it, so a new Zoom type never makes them pass by accident.
func notASessionType(t *testing.T) string {
	t.Helper()
	spec, err := apiserver.GetSpec()
	if err != nil {
		t.Fatal(err)
	}
	typ := spec.Components.Schemas["ChatSession"].Value.Properties["type"].Value
	v := "not-a-session-type"
	for slices.Contains(typ.Enum, any(v)) {
		v += "!"
	}
	return v
}

package zoomtest_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/zoomkit/chatsessions/zoomtest"
)

func TestRules(t *testing.T) {
	// Without WithT: some of these requests break the contract on purpose.
	c := newClock()
	s := zoomtest.NewServer(zoomtest.WithClock(c.Now))
	defer s.Close()
	tok := s.AccessToken()

	tests := []struct {
		name       string
		token      string
		query      url.Values
		status     int
		body       string
		violations int // request violations the contract check must find
	}{
		{"no token", "", q("from", "2026-05-01", "to", "2026-05-02"),
			401, `{"code":124,"message":"Invalid access token."}`, 0},
		{"unknown token", "nope", q("from", "2026-05-01", "to", "2026-05-02"),
			401, `{"code":124,"message":"Invalid access token."}`, 0},
		{"no token wins over bad parameters", "", q("page_size", "500"),
			401, `{"code":124,"message":"Invalid access token."}`, 1},
		{"missing from", tok, q("to", "2026-05-02"),
			400, `{"code":300,"errors":[{"field":"from","message":"must not be empty"}],"message":"Validation Failed."}`, 1},
		{"missing to", tok, q("from", "2026-05-01"),
			400, `{"code":300,"errors":[{"field":"to","message":"must not be empty"}],"message":"Validation Failed."}`, 1},
		{"empty from", tok, q("from", "", "to", "2026-05-02"),
			400, `{"code":300,"errors":[{"field":"from","message":"must not be empty"}],"message":"Validation Failed."}`, 1},
		{"bad date", tok, q("from", "05/01/2026", "to", "2026-05-02"),
			400, `{"code":300,"errors":[{"field":"from","message":"must be a date in yyyy-mm-dd format"}],"message":"Validation Failed."}`, 1},
		{"page_size not a number", tok, q("from", "2026-05-01", "to", "2026-05-02", "page_size", "ten"),
			400, `{"code":300,"errors":[{"field":"page_size","message":"must be an integer"}],"message":"Validation Failed."}`, 1},
		{"page_size over 300", tok, q("from", "2026-05-01", "to", "2026-05-02", "page_size", "301"),
			400, `{"code":300,"errors":[{"field":"page_size","message":"must be between 1 and 300"}],"message":"Validation Failed."}`, 1},
		{"page_size 0", tok, q("from", "2026-05-01", "to", "2026-05-02", "page_size", "0"),
			400, `{"code":300,"errors":[{"field":"page_size","message":"must be between 1 and 300"}],"message":"Validation Failed."}`, 0},
		{"to before from", tok, q("from", "2026-05-02", "to", "2026-05-01"),
			400, `{"code":300,"message":"The 'to' date must not be earlier than the 'from' date."}`, 0},
		{"over one month", tok, q("from", "2026-03-31", "to", "2026-05-01"),
			400, `{"code":300,"message":"The date range must not exceed one month."}`, 0},
		{"older than six months", tok, q("from", "2025-11-14", "to", "2025-11-30"),
			400, `{"code":300,"message":"Report requested exceeds 6 month limit."}`, 0},
		{"foreign page token", tok, q("from", "2026-05-01", "to", "2026-05-02", "next_page_token", "R4aF9Oj0fVM2hhezJTEmSKaBSkfesDwGy42"),
			400, `{"code":300,"message":"The next page token is either invalid or has expired."}`, 0},
	}
	want := 0
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := get(t, nil, s.URL(), tt.token, tt.query)
			if a.Status != tt.status || strings.TrimSpace(a.Body) != tt.body {
				t.Errorf("got %d %s\nwant %d %s", a.Status, a.Body, tt.status, tt.body)
			}
			if ct := a.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q", ct)
			}
			if a.Header.Get("x-zm-trackingid") == "" {
				t.Error("no x-zm-trackingid")
			}
			want += tt.violations
			if got := len(s.Violations()); got != want {
				t.Errorf("%d violations so far, want %d: %v", got, want, s.Violations())
			}
		})
	}
	for _, v := range s.Violations() {
		if v.Phase != "request" {
			t.Errorf("the fake's own answer broke the contract: %v", v)
		}
	}
}

// The boundaries themselves are allowed: one calendar month exactly, and
// from exactly six calendar months before today.
func TestRuleBoundaries(t *testing.T) {
	s, _ := startServer(t)
	for _, query := range []url.Values{
		q("from", "2026-03-31", "to", "2026-04-30"),
		q("from", "2026-02-28", "to", "2026-03-28"),
		q("from", "2025-11-15", "to", "2025-12-15"),
		q("from", "2026-05-15", "to", "2026-06-15"), // to in the future
	} {
		if a := get(t, nil, s.URL(), s.AccessToken(), query); a.Status != http.StatusOK {
			t.Errorf("%v: %d %s", query, a.Status, a.Body)
		}
	}
}

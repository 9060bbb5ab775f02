package zoomtest_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/zoomkit/chatsessions/api"
	"github.com/zoomkit/chatsessions/zoomtest"
)

// all walks every page of a query and returns the sessions.
func all(t *testing.T, s *zoomtest.Server, from, to, size string) []api.ChatSession {
	t.Helper()
	var out []api.ChatSession
	token := ""
	for range 1000 {
		query := q("from", from, "to", to, "page_size", size, "next_page_token", token)
		r := page(t, get(t, nil, s.URL(), s.AccessToken(), query))
		out = append(out, *r.Sessions...)
		if r.NextPageToken == nil {
			t.Fatal("next_page_token missing")
		}
		if token = *r.NextPageToken; token == "" {
			return out
		}
	}
	t.Fatal("no last page")
	return nil
}

func ids(sessions []api.ChatSession) []string {
	var out []string
	for _, s := range sessions {
		out = append(out, *s.ID)
	}
	return out
}

func TestDataDeterministic(t *testing.T) {
	a, _ := startServer(t, zoomtest.WithSeed(7))
	b, _ := startServer(t, zoomtest.WithSeed(7))
	c, _ := startServer(t, zoomtest.WithSeed(8))
	sa := all(t, a, "2026-04-01", "2026-04-30", "300")
	sb := all(t, b, "2026-04-01", "2026-04-30", "300")
	sc := all(t, c, "2026-04-01", "2026-04-30", "300")
	if !slices.Equal(ids(sa), ids(sb)) {
		t.Error("same seed, different sessions")
	}
	if slices.Equal(ids(sa), ids(sc)) {
		t.Error("different seeds, same sessions")
	}
	// A day's sessions do not depend on the clock (as long as the day is past).
	later, clk := startServer(t, zoomtest.WithSeed(7))
	clk.Advance(30 * 24 * time.Hour)
	if sl := all(t, later, "2026-04-01", "2026-04-30", "300"); !slices.Equal(ids(sa), ids(sl)) {
		t.Error("sessions of a past day changed with the clock")
	}
}

func TestDataShape(t *testing.T) {
	s, _ := startServer(t, zoomtest.WithSessionsPerDay(50))
	sessions := all(t, s, "2026-04-01", "2026-04-30", "300")
	if len(sessions) != 30*50 {
		t.Fatalf("%d sessions in April, want %d", len(sessions), 30*50)
	}
	perDay := map[string]int{}
	seen := map[string]bool{}
	types := map[api.ChatSessionType]int{}
	var deleted, external int
	var prev time.Time
	for _, x := range sessions {
		if seen[*x.ID] {
			t.Fatalf("duplicate id %s", *x.ID)
		}
		seen[*x.ID] = true
		if len(*x.ID) != 64 {
			t.Errorf("id %q", *x.ID)
		}
		ts := *x.LastMessageSentTime
		if ts.Before(prev) {
			t.Fatal("not oldest first")
		}
		prev = ts
		perDay[ts.Format(time.DateOnly)]++
		types[*x.Type]++
		if *x.HasExternalMember {
			external++
		}
		switch *x.Type {
		case api.ChatSessionTypeGroup:
			if *x.Name == "" || x.ChannelID == nil || x.Status == nil || x.MemberEmails != nil {
				t.Errorf("group session %+v", x)
			}
			if *x.Status == api.ChatSessionStatusDeleted {
				deleted++
			}
		case api.ChatSessionTypeOneToOne:
			if *x.Name != "" || x.ChannelID != nil || x.Status != nil || x.MemberEmails == nil || len(*x.MemberEmails) != 2 {
				t.Errorf("1:1 session %+v", x)
			}
			for _, e := range *x.MemberEmails {
				if !strings.Contains(e, "@") {
					t.Errorf("email %q", e)
				}
			}
		}
	}
	for day, n := range perDay {
		if n != 50 {
			t.Errorf("%s: %d sessions, want 50", day, n)
		}
	}
	if len(perDay) != 30 {
		t.Errorf("%d days", len(perDay))
	}
	if types[api.ChatSessionTypeGroup] == 0 || types[api.ChatSessionTypeOneToOne] == 0 || deleted == 0 || external == 0 {
		t.Errorf("not a realistic mix: %v, %d deleted, %d external", types, deleted, external)
	}
}

// Today's sessions appear as the clock passes them; future days have none.
func TestDataToday(t *testing.T) {
	s, clk := startServer(t, zoomtest.WithSessionsPerDay(24))
	count := func() int { return len(all(t, s, "2026-05-15", "2026-05-20", "300")) }
	// 14:30 on the 15th: the sessions of the first 14 hourly slots, and maybe the 15th.
	if n := count(); n < 14 || n > 15 {
		t.Errorf("%d sessions at 14:30, want 14 or 15", n)
	}
	clk.Advance(10 * time.Hour)
	if n := count(); n != 24 && n != 25 {
		t.Errorf("%d sessions the next day at 00:30, want 24 or 25", n)
	}
	clk.Advance(24 * time.Hour)
	if n := count(); n != 48 && n != 49 {
		t.Errorf("%d sessions two days later at 00:30, want 48 or 49", n)
	}
}

func TestWithSessions(t *testing.T) {
	at := func(s string) *time.Time { x, _ := time.Parse(time.RFC3339, s); return &x }
	str := func(s string) *string { return &s }
	group := api.ChatSessionTypeGroup
	own := []api.ChatSession{
		{ID: str("b"), Type: &group, LastMessageSentTime: at("2026-05-02T10:00:00Z")},
		{ID: str("a"), Type: &group, LastMessageSentTime: at("2026-05-01T00:00:00Z")},
		{ID: str("c"), Type: &group, LastMessageSentTime: at("2026-05-03T00:00:00Z")},
		{ID: str("no time"), Type: &group},
	}
	s, _ := startServer(t, zoomtest.WithSessions(own))
	if got := ids(all(t, s, "2026-05-01", "2026-05-02", "1")); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("got %v", got)
	}
}

func TestPagination(t *testing.T) {
	s, clk := startServer(t) // 20 a day
	first := page(t, get(t, nil, s.URL(), s.AccessToken(), q("from", "2026-05-01", "to", "2026-05-10")))
	if *first.PageSize != 30 || len(*first.Sessions) != 30 || first.From.String() != "2026-05-01" || first.To.String() != "2026-05-10" {
		t.Fatalf("first page: size %d, %d sessions, %s..%s", *first.PageSize, len(*first.Sessions), first.From, first.To)
	}
	token := *first.NextPageToken
	if token == "" {
		t.Fatal("no next_page_token")
	}
	if got := all(t, s, "2026-05-01", "2026-05-10", "30"); len(got) != 200 {
		t.Errorf("%d sessions over the pages, want 200", len(got))
	}
	last := page(t, get(t, nil, s.URL(), s.AccessToken(), q("from", "2026-05-01", "to", "2026-05-01", "page_size", "20")))
	if *last.NextPageToken != "" || len(*last.Sessions) != 20 {
		t.Errorf("exactly one full page: token %q, %d sessions", *last.NextPageToken, len(*last.Sessions))
	}
	empty := page(t, get(t, nil, s.URL(), s.AccessToken(), q("from", "2026-05-20", "to", "2026-05-21")))
	if *empty.NextPageToken != "" || empty.Sessions == nil || len(*empty.Sessions) != 0 {
		t.Errorf("future range: %+v", empty)
	}

	bad := `{"code":300,"message":"The next page token is either invalid or has expired."}`
	for name, query := range map[string][]string{
		"other from":      {"from", "2026-05-02", "to", "2026-05-10"},
		"other to":        {"from", "2026-05-01", "to", "2026-05-11"},
		"other page_size": {"from", "2026-05-01", "to", "2026-05-10", "page_size", "31"},
		"tampered":        {"from", "2026-05-01", "to", "2026-05-10", "tamper", "x"},
	} {
		v := q(append(query, "next_page_token", token)...)
		if v.Has("tamper") {
			v.Del("tamper")
			v.Set("next_page_token", token[:len(token)-2]+"AA")
		}
		a := get(t, nil, s.URL(), s.AccessToken(), v)
		if a.Status != http.StatusBadRequest || strings.TrimSpace(a.Body) != bad {
			t.Errorf("%s: %d %s", name, a.Status, a.Body)
		}
	}
	// The same query with page_size=30 spelled out is the same query.
	withSize := q("from", "2026-05-01", "to", "2026-05-10", "page_size", "30", "next_page_token", token)
	if a := get(t, nil, s.URL(), s.AccessToken(), withSize); a.Status != http.StatusOK {
		t.Errorf("explicit default page_size: %d %s", a.Status, a.Body)
	}

	// Expiry: valid at 15 minutes, expired after.
	again := q("from", "2026-05-01", "to", "2026-05-10", "next_page_token", token)
	clk.Advance(15 * time.Minute)
	if a := get(t, nil, s.URL(), s.AccessToken(), again); a.Status != http.StatusOK {
		t.Errorf("at the TTL: %d %s", a.Status, a.Body)
	}
	clk.Advance(time.Second)
	if a := get(t, nil, s.URL(), s.AccessToken(), again); a.Status != http.StatusBadRequest || strings.TrimSpace(a.Body) != bad {
		t.Errorf("after the TTL: %d %s", a.Status, a.Body)
	}
}

func TestPageTokenTTLOption(t *testing.T) {
	s, clk := startServer(t, zoomtest.WithPageTokenTTL(time.Minute))
	first := page(t, get(t, nil, s.URL(), s.AccessToken(), q("from", "2026-05-01", "to", "2026-05-10")))
	clk.Advance(61 * time.Second)
	a := get(t, nil, s.URL(), s.AccessToken(), q("from", "2026-05-01", "to", "2026-05-10", "next_page_token", *first.NextPageToken))
	if a.Status != http.StatusBadRequest {
		t.Errorf("%d %s", a.Status, a.Body)
	}
}

package archive_test

import (
	"database/sql"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/zoomkit/chatsessions/api"
	"github.com/zoomkit/chatsessions/archive"
	"github.com/zoomkit/chatsessions/zoomtest"
)

func group(id, name string, status api.ChatSessionStatus, ext bool, last time.Time) api.ChatSession {
	typ, ch := api.ChatSessionTypeGroup, "ch-"+id
	return api.ChatSession{ID: &id, Type: &typ, Name: &name, ChannelID: &ch, Status: &status, HasExternalMember: &ext, LastMessageSentTime: &last}
}

func oneToOne(id string, last time.Time, emails ...string) api.ChatSession {
	typ, ext := api.ChatSessionTypeOneToOne, false
	return api.ChatSession{ID: &id, Type: &typ, MemberEmails: &emails, HasExternalMember: &ext, LastMessageSentTime: &last}
}

// row is a sessions row as read back.
type row struct {
	ID, Type, Name, ChannelID, MemberEmails, Status sql.NullString
	External                                        bool
	LastMessage, Raw                                sql.NullString
	FirstSeenAt, FirstSeenWindow                    string
	LastSeenAt, LastSeenWindow                      string
}

func rows(t *testing.T, s *archive.Store) []row {
	t.Helper()
	q, err := s.DB().QueryContext(t.Context(), `SELECT id, type, name, channel_id, member_emails, status, has_external_member,
		last_message_sent_time, raw, first_seen_at, first_seen_window, last_seen_at, last_seen_window FROM sessions ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	var out []row
	for q.Next() {
		var r row
		if err := q.Scan(&r.ID, &r.Type, &r.Name, &r.ChannelID, &r.MemberEmails, &r.Status, &r.External,
			&r.LastMessage, &r.Raw, &r.FirstSeenAt, &r.FirstSeenWindow, &r.LastSeenAt, &r.LastSeenWindow); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	if err := q.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func str(s string) sql.NullString { return sql.NullString{String: s, Valid: true} }

// A session seen again with new values updates its one row: fields, raw and
// last seen; first seen stays. One seen again as it was counts unchanged.
func TestUpsert(t *testing.T) {
	clk := newClock()
	t1 := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	t2 := time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC)
	a := group("a", "Ops", api.ChatSessionStatusActive, false, t1)
	b := oneToOne("b", t2, "ada@example.com", "alan@example.com")
	s := open(t, clk)
	srv := fake(t, clk, zoomtest.WithSessions([]api.ChatSession{a, b}))
	_, sum := syncOnce(t, s, client(t, srv, clk), archive.Request{Overlap: 2})
	if diff := cmp.Diff(archive.Counts{Added: 2}, sum.Counts); diff != "" {
		t.Errorf("first sync (-want +got):\n%s", diff)
	}

	clk.Advance(24 * time.Hour)
	a2 := group("a", "Ops (archived)", api.ChatSessionStatusDeleted, true, t2)
	c := oneToOne("c", t2.Add(time.Hour), "grace@example.com", "ken@partner.example.org")
	srv2 := fake(t, clk, zoomtest.WithSessions([]api.ChatSession{a2, b, c}))
	_, sum = syncOnce(t, s, client(t, srv2, clk), archive.Request{Overlap: 2})
	if diff := cmp.Diff(archive.Counts{Added: 1, Updated: 1, Unchanged: 1}, sum.Counts); diff != "" {
		t.Errorf("second sync (-want +got):\n%s", diff)
	}
	want := []row{
		{ID: str("a"), Type: str("Group"), Name: str("Ops (archived)"), ChannelID: str("ch-a"), Status: str("deleted"), External: true,
			LastMessage: str("2026-11-25T09:30:00Z"),
			Raw:         str(`{"channel_id":"ch-a","has_external_member":true,"id":"a","last_message_sent_time":"2026-11-25T09:30:00Z","name":"Ops (archived)","status":"deleted","type":"Group"}`),
			FirstSeenAt: "2026-11-27T12:00:00Z", FirstSeenWindow: "2026-11-01..2026-11-27",
			LastSeenAt: "2026-11-28T12:00:00Z", LastSeenWindow: "2026-11-25..2026-11-28"},
		{ID: str("b"), Type: str("1:1"), MemberEmails: str(`["ada@example.com","alan@example.com"]`),
			LastMessage: str("2026-11-25T09:30:00Z"),
			Raw:         str(`{"has_external_member":false,"id":"b","last_message_sent_time":"2026-11-25T09:30:00Z","member_emails":["ada@example.com","alan@example.com"],"type":"1:1"}`),
			FirstSeenAt: "2026-11-27T12:00:00Z", FirstSeenWindow: "2026-11-01..2026-11-27",
			LastSeenAt: "2026-11-28T12:00:00Z", LastSeenWindow: "2026-11-25..2026-11-28"},
		{ID: str("c"), Type: str("1:1"), MemberEmails: str(`["grace@example.com","ken@partner.example.org"]`),
			LastMessage: str("2026-11-25T10:30:00Z"),
			Raw:         str(`{"has_external_member":false,"id":"c","last_message_sent_time":"2026-11-25T10:30:00Z","member_emails":["grace@example.com","ken@partner.example.org"],"type":"1:1"}`),
			FirstSeenAt: "2026-11-28T12:00:00Z", FirstSeenWindow: "2026-11-25..2026-11-28",
			LastSeenAt: "2026-11-28T12:00:00Z", LastSeenWindow: "2026-11-25..2026-11-28"},
	}
	if diff := cmp.Diff(want, rows(t, s)); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
}

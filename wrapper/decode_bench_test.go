package wrapper

import (
	"encoding/json"
	"testing"
	"time"
)

// refSession is a session as encoding/json decodes it into typed fields:
// the reference for decodePage.
type refSession struct {
	ID                  string    `json:"id"`
	Type                string    `json:"type"`
	Name                string    `json:"name"`
	ChannelID           string    `json:"channel_id"`
	MemberEmails        []string  `json:"member_emails"`
	Status              string    `json:"status"`
	HasExternalMember   bool      `json:"has_external_member"`
	LastMessageSentTime time.Time `json:"last_message_sent_time"`
}

// BenchmarkDecode compares decodePage with encoding/json on the same
// 300-session page, in one run, for the choice of JSON package:
//
//   - json-typed: encoding/json into typed structs, the yardstick a plain
//     net/http loop would use (no raw bytes kept);
//   - json-raw-2pass: what the pass-through path did before: the page into
//     []json.RawMessage, then each object again into typed fields;
//   - typed / raw: decodePage without and with WithRawJSON.
//
// Compare ns/session of typed and raw against json-typed.
func BenchmarkDecode(b *testing.B) {
	page := benchPages(1)[0]
	type session = refSession
	run := func(name string, decode func() int) {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(page)))
			for b.Loop() {
				if n := decode(); n != 300 {
					b.Fatal(n)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*300), "ns/session")
		})
	}
	run("json-typed", func() int {
		var p struct {
			NextPageToken string    `json:"next_page_token"`
			Sessions      []session `json:"sessions"`
		}
		if json.Unmarshal(page, &p) != nil {
			return -1
		}
		return len(p.Sessions)
	})
	run("json-raw-2pass", func() int {
		var p struct {
			NextPageToken string            `json:"next_page_token"`
			Sessions      []json.RawMessage `json:"sessions"`
		}
		if json.Unmarshal(page, &p) != nil {
			return -1
		}
		for _, r := range p.Sessions {
			var s session
			if json.Unmarshal(r, &s) != nil {
				return -1
			}
		}
		return len(p.Sessions)
	})
	for _, raw := range []bool{false, true} {
		name := "typed"
		if raw {
			name = "raw"
		}
		q := testQuery
		q.raw = raw
		run(name, func() int {
			pb, err := decodePage(page, q)
			if err != nil {
				return -1
			}
			return len(pb.sessions)
		})
	}
}

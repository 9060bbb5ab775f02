package wrapper

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/zoomkit/chatsessions/api/apiserver"
)

// sessionFields maps every property of the ChatSession schema in
// openapi.yaml (json name) to the Session field that carries it. Reviewed by
// hand: when Zoom adds a property and api/ is regenerated, TestSpecMapping
// fails until the property is mapped here and decoded into Session.
var sessionFields = map[string]string{
	"id":                     "ID",
	"name":                   "Name",
	"channel_id":             "ChannelID",
	"type":                   "Type",
	"status":                 "Status",
	"member_emails":          "MemberEmails",
	"has_external_member":    "HasExternalMember",
	"last_message_sent_time": "LastMessageSentTime",
}

func TestSpecMapping(t *testing.T) {
	spec, err := apiserver.GetSpec() // GetSwagger is its deprecated alias
	if err != nil {
		t.Fatal(err)
	}
	ref := spec.Components.Schemas["ChatSession"]
	if ref == nil || ref.Value == nil {
		t.Fatal("no ChatSession schema in the embedded spec")
	}
	var props []string
	for name := range ref.Value.Properties {
		props = append(props, name)
	}
	sort.Strings(props)
	st := reflect.TypeFor[Session]()
	for _, p := range props {
		field, ok := sessionFields[p]
		if !ok {
			t.Errorf("ChatSession property %q is not mapped to a Session field: add it to Session, wireSession and sessionFields", p)
			continue
		}
		if _, ok := st.FieldByName(field); !ok {
			t.Errorf("sessionFields[%q] = %q: Session has no such field", p, field)
		}
	}
	for p := range sessionFields {
		if !slices.Contains(props, p) {
			t.Errorf("sessionFields has %q, which the spec no longer has", p)
		}
	}
	// Each mapped property really lands in its field.
	example := map[string]any{}
	for _, p := range props {
		example[p] = ref.Value.Properties[p].Value.Example
	}
	body, _ := json.Marshal(map[string]any{"sessions": []any{example}})
	_, ss, err := decodeSessions(body, false)
	if err != nil || len(ss) != 1 {
		t.Fatalf("decode spec example: %v", err)
	}
	v := reflect.ValueOf(ss[0])
	for p, field := range sessionFields {
		if example[p] != nil && v.FieldByName(field).IsZero() {
			t.Errorf("property %q (example %v) did not reach Session.%s", p, example[p], field)
		}
	}
}

func TestDecodeLenient(t *testing.T) {
	body := `{"from":"2026-04-01","to":"2026-04-30","page_size":300,"next_page_token":"nxt","new_top":{"x":1},"sessions":[
	 {"id":"a","type":"Group","name":"Channel One","channel_id":"ch1","status":"active","has_external_member":true,"last_message_sent_time":"2022-03-18T10:16:13Z","future":"kept in Raw"},
	 {"id":"b","type":"1:1","member_emails":["john.doe+123@example.com","not an email"],"last_message_sent_time":"2022-03-18T10:16:13.123456Z"},
	 {"id":"c","type":"Huddle","status":"archived","last_message_sent_time":"2022-03-18 10:16:13"},
	 {"id":"d","last_message_sent_time":"yesterday","has_external_member":"yes"},
	 {"id":"e","last_message_sent_time":1647598573,"member_emails":null},
	 {"id":"f","last_message_sent_time":"2022-03-18T10:16:13"}
	]}`
	for _, raw := range []bool{false, true} {
		next, ss, err := decodeSessions([]byte(body), raw)
		if err != nil || next != "nxt" || len(ss) != 6 {
			t.Fatalf("raw=%v: %v %q %d", raw, err, next, len(ss))
		}
		ts := time.Date(2022, 3, 18, 10, 16, 13, 0, time.UTC)
		want := []Session{
			{ID: "a", Type: SessionTypeGroup, Name: "Channel One", ChannelID: "ch1", Status: SessionStatusActive, HasExternalMember: true, LastMessageSentTime: ts},
			{ID: "b", Type: SessionTypeOneToOne, MemberEmails: []string{"john.doe+123@example.com", "not an email"}, LastMessageSentTime: ts.Add(123456 * time.Microsecond)},
			{ID: "c", Type: "Huddle", Status: "archived", LastMessageSentTime: ts},
			{ID: "d"},
			{ID: "e", LastMessageSentTime: ts},
			{ID: "f", LastMessageSentTime: ts},
		}
		for i := range ss {
			if raw {
				var m map[string]any
				if json.Unmarshal(ss[i].Raw, &m) != nil || m["id"] != want[i].ID {
					t.Errorf("raw %d: %s", i, ss[i].Raw)
				}
				ss[i].Raw = nil
			}
			if !ss[i].LastMessageSentTime.Equal(want[i].LastMessageSentTime) {
				t.Errorf("raw=%v %d: time %v, want %v", raw, i, ss[i].LastMessageSentTime, want[i].LastMessageSentTime)
			}
			ss[i].LastMessageSentTime, want[i].LastMessageSentTime = time.Time{}, time.Time{}
			if !reflect.DeepEqual(ss[i], want[i]) {
				t.Errorf("raw=%v %d:\n got %+v\nwant %+v", raw, i, ss[i], want[i])
			}
		}
	}
	for _, bad := range []string{``, `{"sessions":[{"id":"x"`, `<html>`, `{"next_page_token":5,"sessions":[]}`, `[]`} {
		if _, _, err := decodeSessions([]byte(bad), false); !errors.Is(err, errBadBody) {
			t.Errorf("decodeSessions(%q) err = %v", bad, err)
		}
	}
}

func FuzzDecodePage(f *testing.F) {
	f.Add([]byte(`{"next_page_token":"x","sessions":[{"id":"a","type":"Group","last_message_sent_time":"2022-03-18T10:16:13Z"}]}`), false)
	f.Add([]byte(`{"sessions":[{"id":"b","member_emails":["x"],"has_external_member":1,"last_message_sent_time":12}]}`), true)
	f.Add([]byte(`{"sessions":null}`), false)
	f.Fuzz(func(t *testing.T, body []byte, raw bool) {
		next, ss, err := decodeSessions(body, raw)
		if err != nil {
			if !errors.Is(err, errBadBody) || next != "" || ss != nil {
				t.Fatalf("error %v with results", err)
			}
			return
		}
		if !json.Valid(body) {
			t.Fatalf("accepted invalid JSON %q", body)
		}
		for _, s := range ss {
			if raw && !json.Valid(s.Raw) {
				t.Fatalf("invalid Raw %q", s.Raw)
			}
		}
	})
}

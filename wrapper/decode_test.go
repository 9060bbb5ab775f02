package wrapper

import (
	"strings"

	"encoding/json"
	"errors"
	"github.com/google/go-cmp/cmp"
	"reflect"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/zoomkit/chatsessions/api/apiserver"
)

// testQuery is the request the decode tests' bodies answer.
var testQuery = pageQuery{window: Window{From: Date{2026, 4, 1}, To: Date{2026, 4, 30}}, pageSize: 300}

// decodeSessions decodes body as an answer to testQuery.
func decodeSessions(body []byte, raw bool) (next string, sessions []Session, err error) {
	q := testQuery
	q.raw = raw
	pb, err := decodePage(body, q)
	return pb.next, pb.sessions, err
}

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
			t.Errorf("ChatSession property %q is not mapped to a Session field: add it to Session, pageParser.session (decode.go) and sessionFields", p)
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

// Answers of the wrong shape are contract errors, never an empty page, and
// every problem is named: a wrong next_page_token is not hidden by another.
func TestDecodeStrictShape(t *testing.T) {
	session := `{"id":"a","type":"Group"}`
	page := func(n int) string {
		return `{"from":"2026-04-01","to":"2026-04-30","page_size":300,"next_page_token":"","sessions":[` +
			strings.TrimSuffix(strings.Repeat(session+",", n), ",") + `]}`
	}
	for _, tc := range []struct {
		body string
		want string // in the error
	}{
		{`{}`, "none of the report's fields"},
		{`{"unknown":1}`, "none of the report's fields"},
		{`null`, "the answer is null, want a JSON object"},
		{`"sessions"`, "the answer is a string, want a JSON object"},
		{`[]`, "the answer is an array, want a JSON object"},
		{`{"sessions":{}}`, "sessions is an object, want an array"},
		{`{"sessions":"x"}`, "sessions is a string, want an array"},
		{`{"sessions":null}`, "sessions is null, want an array"},
		{`{"sessions":[` + session + `,1,"x"]}`, "sessions[1] is a number, want an object; sessions[2] is a string, want an object"},
		{`{"next_page_token":5,"sessions":[]}`, "next_page_token is a number, want a string"},
		{`{"next_page_token":null,"sessions":[]}`, "next_page_token is null, want a string"},
		{`{"sessions":[{"id":"a","name":5}, 7],"next_page_token":9}`, "sessions[1] is a number, want an object; next_page_token is a number, want a string"},
		{`{"from":"2026-04-05","to":"2026-04-30","sessions":[]}`, `from is "2026-04-05", but the request asked for 2026-04-01`},
		{`{"from":"2026-04-01","to":"2026-04-20","sessions":[]}`, `to is "2026-04-20", but the request asked for 2026-04-30`},
		{`{"from":20260401,"sessions":[]}`, "from is a number, want a string"},
		{`{"from":"Bearer secret-token\u001b]0;x","sessions":[]}`, "from is not a day, but the request asked for 2026-04-01"},
		{page(301), "301 sessions on one page, more than the page_size 300 asked for"},
		{page(100000), "100000 sessions on one page"},
	} {
		for _, raw := range []bool{false, true} {
			next, ss, err := decodeSessions([]byte(tc.body), raw)
			if !errors.Is(err, ErrContract) || !errors.Is(err, errBadBody) || next != "" || ss != nil {
				t.Errorf("%.60s (raw=%v): %d sessions, next %q, err %v; want a contract error", tc.body, raw, len(ss), next, err)
				continue
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%.60s: error %q does not say %q", tc.body, err, tc.want)
			}
		}
	}
	// Accepted: the fields may be absent, the range may be a date-time, and
	// page_size sessions exactly fit.
	for _, body := range []string{
		`{"next_page_token":"","sessions":[]}`,
		`{"from":"2026-04-01","to":"2026-04-30"}`,
		`{"from":"2026-04-01T00:00:00Z","to":"2026-04-30T00:00:00Z","sessions":[]}`,
		`{"page_size":300}`,
		page(300),
	} {
		if _, _, err := decodeSessions([]byte(body), false); err != nil {
			t.Errorf("%.60s: %v", body, err)
		}
	}
	// Cut off or not JSON: a bad body, not a contract error, described by
	// position without repeating the body.
	for body, want := range map[string]string{
		``:                        "invalid response body: cut off: the JSON ends early (0 bytes)",
		`{"sessions":[{"id":"x"`:  "invalid response body: cut off: the JSON ends early (22 bytes)",
		`<html>secret-token`:      "invalid response body: not valid JSON at byte 0 of 18",
		`{"sessions":[]} {}`:      "invalid response body: data after the JSON object (18 bytes)",
		`{"sessions":[]`:          "invalid response body: cut off: the JSON ends early (14 bytes)",
		`{"sessions":[tokenXYZ]}`: "invalid response body: not valid JSON at byte 14 of 23",
	} {
		_, _, err := decodeSessions([]byte(body), false)
		if !errors.Is(err, errBadBody) || errors.Is(err, ErrContract) || err.Error() != want {
			t.Errorf("%q: err %v, want %q (a bad body that is not a contract error)", body, err, want)
		}
	}
}

// Raw is each object's exact bytes, unknown fields, spacing and escapes
// included; typed fields are unescaped, with invalid UTF-8 replaced.
func TestDecodeRawExact(t *testing.T) {
	objs := []string{
		`{ "id" : "a\u0062c", "x":{"nested":[1,2,{"y":null}]}, "name":"Caf\u00e9 \"q\"" }`,
		"{\"id\":\"d\",\"name\":\"bad \xff utf8\"}",
		`{"\u0069d":"escaped-key","last_message_sent_time":"2026-04-02T03:04:05Z"}`,
	}
	body := "{\"sessions\":[\n  " + strings.Join(objs, " ,\n\t") + "\n],\"next_page_token\":\"n\"}"
	next, ss, err := decodeSessions([]byte(body), true)
	if err != nil || next != "n" || len(ss) != 3 {
		t.Fatalf("next %q, %d sessions, err %v", next, len(ss), err)
	}
	for i := range objs {
		if string(ss[i].Raw) != objs[i] {
			t.Errorf("Raw %d = %q, want %q", i, ss[i].Raw, objs[i])
		}
	}
	if ss[0].ID != "abc" || ss[0].Name != `Café "q"` || ss[1].Name != "bad \uFFFD utf8" || ss[2].ID != "escaped-key" {
		t.Errorf("typed fields: %q %q %q %q", ss[0].ID, ss[0].Name, ss[1].Name, ss[2].ID)
	}
	if want := time.Date(2026, 4, 2, 3, 4, 5, 0, time.UTC); !ss[2].LastMessageSentTime.Equal(want) {
		t.Errorf("time %v, want %v", ss[2].LastMessageSentTime, want)
	}
}

// The single-pass decoder agrees with encoding/json on well-formed pages.
func TestDecodeAgreesWithEncodingJSON(t *testing.T) {
	page := benchPages(1)[0]
	_, ss, err := decodeSessions(page, true)
	if err != nil || len(ss) != 300 {
		t.Fatalf("%d sessions, err %v", len(ss), err)
	}
	var ref struct {
		Sessions []refSession `json:"sessions"`
	}
	var raws struct {
		Sessions []json.RawMessage `json:"sessions"`
	}
	if err := json.Unmarshal(page, &ref); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(page, &raws); err != nil {
		t.Fatal(err)
	}
	for i, r := range ref.Sessions {
		want := Session{ID: r.ID, Type: SessionType(r.Type), Name: r.Name, ChannelID: r.ChannelID, MemberEmails: r.MemberEmails,
			Status: SessionStatus(r.Status), HasExternalMember: r.HasExternalMember, LastMessageSentTime: r.LastMessageSentTime, Raw: raws.Sessions[i]}
		if diff := cmp.Diff(want, ss[i]); diff != "" {
			t.Fatalf("session %d (-encoding/json +decodePage):\n%s", i, diff)
		}
	}
}

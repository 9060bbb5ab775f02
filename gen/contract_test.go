package gen_test

import (
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/zoomkit/chatsessions/api"
	"github.com/zoomkit/chatsessions/api/apiserver"
)

// loadSpec loads and validates the committed openapi.yaml.
func loadSpec(t *testing.T) *openapi3.T {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile("../openapi.yaml")
	if err != nil {
		t.Fatalf("load openapi.yaml: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("openapi.yaml is not a valid OpenAPI document: %v", err)
	}
	return doc
}

func TestSpecLoadsAndValidates(t *testing.T) {
	doc := loadSpec(t)
	if doc.OpenAPI != "3.0.0" {
		t.Errorf("openapi = %q, want 3.0.0 as Zoom publishes", doc.OpenAPI)
	}
	if got := doc.Servers[0].URL; got != "https://api.zoom.us/v2" {
		t.Errorf("server = %q", got)
	}
	op := doc.Paths.Find("/report/chat/sessions").Get
	if op == nil || op.OperationID != "reportChatSessions" {
		t.Fatalf("GET /report/chat/sessions with operationId reportChatSessions is missing")
	}
	src, ok := doc.Info.Extensions["x-source"].(map[string]any)
	if !ok || src["document"] == nil || src["documentVersion"] == nil || src["published"] == nil {
		t.Errorf("info.x-source must record the document, version and date the contract came from; got %v", doc.Info.Extensions["x-source"])
	}
}

// TestEmbeddedSpecIsOpenAPIYAML proves api/apiserver was generated from the committed
// openapi.yaml: the spec embedded in the generated code equals the file.
func TestEmbeddedSpecIsOpenAPIYAML(t *testing.T) {
	file := loadSpec(t)
	embedded, err := apiserver.GetSpec()
	if err != nil {
		t.Fatalf("apiserver.GetSpec: %v", err)
	}
	a, _ := json.Marshal(file)
	b, _ := json.Marshal(embedded)
	if string(a) != string(b) {
		t.Fatalf("the spec embedded in api/apiserver differs from openapi.yaml: run go generate ./...")
	}
}

// pinnedItem is Zoom's published path item of the operation, as pinned by
// the last accepted update (info.x-source.pinnedItem, under gen/testdata).
func pinnedItem(t *testing.T, doc *openapi3.T) map[string]any {
	t.Helper()
	src, _ := doc.Info.Extensions["x-source"].(map[string]any)
	name, _ := src["pinnedItem"].(string)
	if name == "" {
		t.Fatalf("openapi.yaml's info.x-source names no pinnedItem: run make update-spec")
	}
	return zoomItem(t, "../"+name)
}

// zoomItem reads a path item Zoom published and returns its GET operation.
func zoomItem(t *testing.T, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var item map[string]any
	if err := json.Unmarshal(b, &item); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	op, ok := item["get"].(map[string]any)
	if !ok {
		t.Fatalf("%s has no get operation", path)
	}
	return op
}

// TestSpecMatchesZoom compares openapi.yaml with Zoom's item (the copy the
// last accepted update pinned) point by point: every parameter and every
// response field, with type, format, maximum, default, enum, example,
// required flag and description. A difference means openapi.yaml was edited
// by hand or gen/overlay.yaml overrides Zoom: each message names the place.
func TestSpecMatchesZoom(t *testing.T) {
	doc := loadSpec(t)
	ours := doc.Paths.Find("/report/chat/sessions").Get
	zoom := pinnedItem(t, doc)

	for key, got := range map[string]string{"summary": ours.Summary, "description": ours.Description, "operationId": ours.OperationID} {
		if got != zoom[key] {
			t.Errorf("operation %s differs:\n got %q\nwant %q", key, got, zoom[key])
		}
	}
	if !reflect.DeepEqual(ours.Tags, []string{"Reports"}) {
		t.Errorf("tags = %v", ours.Tags)
	}
	if !reflect.DeepEqual(ours.Extensions["x-extensions"], zoom["x-extensions"]) {
		t.Errorf("x-extensions differ: %v vs %v", ours.Extensions["x-extensions"], zoom["x-extensions"])
	}

	zparams := zoom["parameters"].([]any)
	if len(ours.Parameters) != len(zparams) {
		t.Fatalf("%d parameters, Zoom has %d", len(ours.Parameters), len(zparams))
	}
	for i, zp := range zparams {
		zp := zp.(map[string]any)
		p := ours.Parameters[i].Value
		name := zp["name"].(string)
		if p.Name != name || p.In != zp["in"] || p.Required != zp["required"] || p.Description != zp["description"] {
			t.Errorf("parameter %s: got name=%q in=%q required=%v description=%q", name, p.Name, p.In, p.Required, p.Description)
		}
		compareSchema(t, "parameter "+name, p.Schema.Value, zp["schema"].(map[string]any))
	}

	zbody := zoom["responses"].(map[string]any)["200"].(map[string]any)["content"].(map[string]any)["application/json"].(map[string]any)["schema"].(map[string]any)
	body := ours.Responses.Status(200).Value.Content.Get("application/json").Schema.Value
	compareSchema(t, "200 body", body, zbody)

	for _, code := range []string{"200", "400", "429"} {
		zr := zoom["responses"].(map[string]any)[code].(map[string]any)
		r := ours.Responses.Value(code)
		if r == nil || *r.Value.Description != zr["description"] {
			t.Errorf("response %s description differs from Zoom's", code)
		}
	}
}

// compareSchema checks that ours states exactly what Zoom's schema states,
// recursively through properties and items.
func compareSchema(t *testing.T, where string, ours *openapi3.Schema, zoom map[string]any) {
	t.Helper()
	for key, want := range zoom {
		var got any
		switch key {
		case "type":
			got = ours.Type.Slice()[0]
		case "format":
			got = ours.Format
		case "description":
			got = ours.Description
		case "example":
			got = ours.Example
		case "default":
			got = ours.Default
		case "maximum":
			got = *ours.Max
		case "maxItems":
			got = float64(*ours.MaxItems)
		case "enum":
			got = ours.Enum
		case "items":
			compareSchema(t, where+"[]", ours.Items.Value, want.(map[string]any))
			continue
		case "properties":
			zprops := want.(map[string]any)
			for _, name := range slices.Sorted(maps.Keys(ours.Properties)) {
				if _, ok := zprops[name]; !ok {
					t.Errorf("%s: property %s is in openapi.yaml but not in Zoom's item", where, name)
				}
			}
			for _, name := range slices.Sorted(maps.Keys(zprops)) {
				zs := zprops[name]
				p, ok := ours.Properties[name]
				if !ok {
					t.Errorf("%s: property %s is in Zoom's item but not in openapi.yaml", where, name)
					continue
				}
				compareSchema(t, where+"."+name, p.Value, zs.(map[string]any))
			}
			continue
		default:
			t.Errorf("%s: Zoom's schema has %q, which this test does not compare", where, key)
			continue
		}
		if !jsonEqual(got, want) {
			t.Errorf("%s: %s = %v, Zoom says %v", where, key, got, want)
		}
	}
	if len(ours.Required) != 0 {
		t.Errorf("%s: required %v, but Zoom marks no field required", where, ours.Required)
	}
}

// outsideEnum returns a value outside the enum of a ChatSession property in
// openapi.yaml, whatever values Zoom adds later: a test that needs an
// unknown value uses it, so a new Zoom value never changes its outcome.
func outsideEnum(t *testing.T, property string) string {
	t.Helper()
	p := loadSpec(t).Components.Schemas["ChatSession"].Value.Properties[property]
	if p == nil {
		t.Fatalf("ChatSession has no property %s", property)
	}
	v := "not-a-zoom-" + property
	for slices.Contains(p.Value.Enum, any(v)) {
		v += "!"
	}
	return v
}

// outsideProperties returns a property name ChatSession does not have in
// openapi.yaml, whatever fields Zoom adds later.
func outsideProperties(t *testing.T) string {
	t.Helper()
	props := loadSpec(t).Components.Schemas["ChatSession"].Value.Properties
	v := "not_a_zoom_field"
	for props[v] != nil {
		v += "_x"
	}
	return v
}

func jsonEqual(a, b any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

func TestSpecAdditions(t *testing.T) {
	doc := loadSpec(t)
	op := doc.Paths.Find("/report/chat/sessions").Get

	for _, code := range []string{"400", "401", "429", "default"} {
		r := op.Responses.Value(code)
		if r == nil {
			t.Errorf("response %s missing", code)
			continue
		}
		if ref := r.Value.Content.Get("application/json").Schema.Ref; ref != "#/components/schemas/ZoomError" {
			t.Errorf("response %s schema = %q, want the ZoomError schema", code, ref)
		}
	}
	zerr := doc.Components.Schemas["ZoomError"].Value
	for name, typ := range map[string]string{"code": "integer", "message": "string", "errors": "array"} {
		if p := zerr.Properties[name]; p == nil || !p.Value.Type.Is(typ) {
			t.Errorf("ZoomError.%s is not %s", name, typ)
		}
	}
	detail := zerr.Properties["errors"].Value.Items.Value
	if detail.Properties["field"] == nil || detail.Properties["message"] == nil {
		t.Errorf("ZoomError.errors items need field and message")
	}

	bearer := doc.Components.SecuritySchemes["openapi_authorization"].Value
	if bearer.Type != "http" || bearer.Scheme != "bearer" {
		t.Errorf("openapi_authorization = %s/%s, want http bearer", bearer.Type, bearer.Scheme)
	}
	oauth := doc.Components.SecuritySchemes["openapi_oauth"].Value
	scopes := []string{"report_chat:read:admin", "imchat:read:admin", "report:read:list_chat_sessions:admin"}
	for name, flow := range map[string]*openapi3.OAuthFlow{"clientCredentials": oauth.Flows.ClientCredentials, "authorizationCode": oauth.Flows.AuthorizationCode} {
		if flow == nil || flow.TokenURL != "https://zoom.us/oauth/token" {
			t.Errorf("oauth flow %s missing or with the wrong token URL", name)
			continue
		}
		for _, s := range scopes {
			if _, ok := flow.Scopes[s]; !ok {
				t.Errorf("oauth flow %s lacks scope %s", name, s)
			}
		}
	}
	if oauth.Flows.AuthorizationCode.AuthorizationURL != "https://zoom.us/oauth/authorize" {
		t.Errorf("authorization URL = %q", oauth.Flows.AuthorizationCode.AuthorizationURL)
	}

	// The operation's security is what Zoom's endpoints.json says: one
	// requirement naming the bearer scheme and OAuth with the three scopes
	// (an OAuth access token is the bearer token, so one header meets both).
	endpoints := zoomItem(t, "testdata/report-chat-sessions-2026-02-endpoints.json")
	if !jsonEqual(op.Security, endpoints["security"]) {
		t.Errorf("operation security = %v, Zoom's endpoints.json says %v: check the openapi_oauth scopes in gen/overlay.yaml", op.Security, endpoints["security"])
	}

	for _, name := range []string{"ChatSession", "ChatSessionsReport", "ZoomError"} {
		if doc.Components.Schemas[name] == nil {
			t.Errorf("component schema %s missing", name)
		}
	}
}

// TestClientQuery asserts the exact query the generated client sends.
func TestClientQuery(t *testing.T) {
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Method+" "+r.URL.Path+"?"+r.URL.RawQuery)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"sessions":[]}`))
	}))
	defer srv.Close()

	c, err := api.NewClientWithResponses(srv.URL + "/v2")
	if err != nil {
		t.Fatal(err)
	}
	date := func(s string) openapi_types.Date {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return openapi_types.Date{Time: d}
	}
	size, token := 300, "R4aF9Oj0fVM2+hhez/JTE=mSK&a"
	ctx := context.Background()
	if _, err := c.ReportChatSessionsWithResponse(ctx, &api.ReportChatSessionsParams{From: date("2026-10-01"), To: date("2026-10-31")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ReportChatSessionsWithResponse(ctx, &api.ReportChatSessionsParams{From: date("2026-02-01"), To: date("2026-02-28"), PageSize: &size, NextPageToken: &token}); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"GET /v2/report/chat/sessions?from=2026-10-01&to=2026-10-31",
		"GET /v2/report/chat/sessions?from=2026-02-01&to=2026-02-28&page_size=300&next_page_token=R4aF9Oj0fVM2%2Bhhez%2FJTE%3DmSK%26a",
	}
	if !slices.Equal(got, want) {
		t.Errorf("requests:\n got %q\nwant %q", got, want)
	}
}

// TestDecode checks that the generated types decode what Zoom sends, and
// what it may send: unknown fields and enum values, fractional seconds, a
// missing optional field and an unusual email address.
func TestDecode(t *testing.T) {
	notASessionType, unknownField := outsideEnum(t, "type"), outsideProperties(t)
	tests := []struct {
		name  string
		body  string
		check func(t *testing.T, r *api.ChatSessionsReport)
	}{{
		name: "Zoom's example",
		body: `{"from":"2022-03-01","to":"2022-03-25","page_size":30,"next_page_token":"peU2gkVkRebcqMTzOPnidf0OxlA3WD9Cunrp",
			"sessions":[{"id":"c38230acb7f009282c1b0d367a08102d65d12629bbcca58dfe2168bd335f5849","type":"1:1","name":"",
			"member_emails":["john.doe+123@example.com","john.doe+321@example.com"],"has_external_member":true,
			"last_message_sent_time":"2022-03-18T10:16:13Z"},
			{"id":"s2","type":"Group","name":"Channel One","channel_id":"7a08102d65d12629bbcca5","status":"active",
			"has_external_member":false,"last_message_sent_time":"2022-03-18T10:16:13Z"}]}`,
		check: func(t *testing.T, r *api.ChatSessionsReport) {
			if r.From.String() != "2022-03-01" || r.To.String() != "2022-03-25" || *r.PageSize != 30 || *r.NextPageToken != "peU2gkVkRebcqMTzOPnidf0OxlA3WD9Cunrp" {
				t.Errorf("report header = %v %v %v %v", r.From, r.To, *r.PageSize, *r.NextPageToken)
			}
			s := *r.Sessions
			if len(s) != 2 || *s[0].Type != api.ChatSessionTypeOneToOne || (*s[0].MemberEmails)[1] != "john.doe+321@example.com" || !*s[0].HasExternalMember {
				t.Errorf("1:1 session = %+v", s[0])
			}
			if *s[1].Type != api.ChatSessionTypeGroup || *s[1].Status != api.ChatSessionStatusActive || *s[1].ChannelID != "7a08102d65d12629bbcca5" || *s[1].Name != "Channel One" {
				t.Errorf("group session = %+v", s[1])
			}
			if want := time.Date(2022, 3, 18, 10, 16, 13, 0, time.UTC); !s[0].LastMessageSentTime.Equal(want) {
				t.Errorf("time = %v", s[0].LastMessageSentTime)
			}
		},
	}, {
		name: "unknown fields, unknown type, fractional seconds, odd email, missing fields",
		body: `{"sessions":[{"id":"x","type":"` + notASessionType + `","status":"archived","` + unknownField + `":{"a":[1,2]},"member_emails":["not an address","a@b"],
			"last_message_sent_time":"2026-10-05T08:09:10.123456+02:00"},{}],"total_records":2}`,
		check: func(t *testing.T, r *api.ChatSessionsReport) {
			s := *r.Sessions
			if len(s) != 2 || string(*s[0].Type) != notASessionType || s[0].Type.Valid() || *s[0].Status != "archived" {
				t.Errorf("session = %+v", s[0])
			}
			if (*s[0].MemberEmails)[0] != "not an address" {
				t.Errorf("member emails = %v", *s[0].MemberEmails)
			}
			if want := time.Date(2026, 10, 5, 6, 9, 10, 123456000, time.UTC); !s[0].LastMessageSentTime.Equal(want) {
				t.Errorf("time = %v, want %v", s[0].LastMessageSentTime, want)
			}
			if s[1].ID != nil || s[1].Type != nil || s[1].LastMessageSentTime != nil || r.From != nil || r.NextPageToken != nil {
				t.Errorf("missing fields decoded as set: %+v", s[1])
			}
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r api.ChatSessionsReport
			if err := json.Unmarshal([]byte(tt.body), &r); err != nil {
				t.Fatalf("decode: %v", err)
			}
			tt.check(t, &r)
		})
	}
}

// TestParseResponse goes through the generated ClientWithResponses over
// loopback, including the error body, so the JSON routing by status works.
func TestParseResponse(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		if strings.Contains(r.URL.RawQuery, "next_page_token=bad") {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"code":300,"message":"The next page token is either invalid or has expired."}`))
			return
		}
		_, _ = w.Write([]byte(`{"from":"2026-10-01","to":"2026-10-31","page_size":30,"next_page_token":"","sessions":[{"id":"a","type":"Group"}]}`))
	}))
	defer srv.Close()
	c, err := api.NewClientWithResponses(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	from := openapi_types.Date{Time: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)}
	to := openapi_types.Date{Time: time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC)}
	ok, err := c.ReportChatSessionsWithResponse(context.Background(), &api.ReportChatSessionsParams{From: from, To: to})
	if err != nil || ok.JSON200 == nil || len(*ok.JSON200.Sessions) != 1 || *(*ok.JSON200.Sessions)[0].ID != "a" {
		t.Fatalf("200: %v %+v", err, ok)
	}
	bad := "bad"
	res, err := c.ReportChatSessionsWithResponse(context.Background(), &api.ReportChatSessionsParams{From: from, To: to, NextPageToken: &bad})
	if err != nil || res.StatusCode() != 400 || res.JSON400 == nil || *res.JSON400.Code != 300 {
		t.Fatalf("400: %v %+v", err, res)
	}
}

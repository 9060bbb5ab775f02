package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"
	"go.yaml.in/yaml/v3"
)

const (
	doc2026 = "testdata/zoom-team-chat-openapi-2026-02.json"
	doc2022 = "testdata/zoom-meeting-api-openapi-2022-07.json"
)

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func overlayBytes(t *testing.T) []byte { return readFile(t, "../overlay.yaml") }

// build runs Build on a fixture, named as the file it came from.
func build(t *testing.T, doc []byte, name string) ([]byte, []string) {
	t.Helper()
	spec, warnings, err := Build(doc, overlayBytes(t), sourceFromPath(name))
	if err != nil {
		t.Fatalf("Build(%s): %v", name, err)
	}
	return spec, warnings
}

// TestReproducesCommittedSpec: updating from the document openapi.yaml came
// from changes nothing, and two builds give the same bytes.
func TestReproducesCommittedSpec(t *testing.T) {
	doc := readFile(t, doc2026)
	spec, warnings := build(t, doc, doc2026)
	if len(warnings) != 0 {
		t.Errorf("warnings for the document openapi.yaml came from: %q", warnings)
	}
	committed := readFile(t, "../../openapi.yaml")
	if !bytes.Equal(spec, committed) {
		t.Errorf("the update from %s differs from the committed openapi.yaml; run make update-spec SPEC=gen/updatespec/%s and review", doc2026, doc2026)
	}
	again, _ := build(t, doc, doc2026)
	if !bytes.Equal(spec, again) {
		t.Errorf("two builds from the same input differ")
	}
	rep, err := Compare(committed, spec)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Changes) != 0 {
		t.Errorf("changes reported between identical specs:\n%s", rep)
	}
}

// TestRunTwice runs the command on files: the second run writes nothing new.
func TestRunTwice(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "openapi.yaml")
	args := []string{"-spec", doc2026, "-out", out, "-overlay", "../overlay.yaml"}
	var stdout, stderr bytes.Buffer
	if code := run(args, &stdout, &stderr); code != 0 {
		t.Fatalf("first run: exit %d: %s", code, stderr.String())
	}
	first := readFile(t, out)
	stdout.Reset()
	if code := run(args, &stdout, &stderr); code != 0 {
		t.Fatalf("second run: exit %d: %s", code, stderr.String())
	}
	if !bytes.Equal(first, readFile(t, out)) {
		t.Errorf("the second run changed the file")
	}
	if !strings.Contains(stdout.String(), "No changes for clients") {
		t.Errorf("second run report:\n%s", stdout.String())
	}
}

// changeTexts lists a report's changes, one "level id: text" a line.
func changeTexts(rep *Report) string {
	var b strings.Builder
	for _, c := range rep.Changes {
		b.WriteString(c.Level + " " + c.ID + ": " + c.Text + "\n")
	}
	return b.String()
}

// wantChange fails unless some change has the rule id and every fragment.
func wantChange(t *testing.T, rep *Report, id string, fragments ...string) {
	t.Helper()
	for _, c := range rep.Changes {
		if c.ID != id {
			continue
		}
		ok := true
		for _, f := range fragments {
			ok = ok && strings.Contains(c.Text, f)
		}
		if ok {
			return
		}
	}
	t.Errorf("no %s change with %q; report:\n%s", id, fragments, changeTexts(rep))
}

func TestUpdate2022To2026(t *testing.T) {
	old, warnings := build(t, readFile(t, doc2022), doc2022)
	// The 2022 document has no 400, 429 or status field, and lists no scopes.
	for _, w := range []string{"responses/400; skipped", "responses/429; skipped", "properties/status; skipped", "lists no scopes"} {
		if !strings.Contains(strings.Join(warnings, "\n"), w) {
			t.Errorf("no warning with %q in %q", w, warnings)
		}
	}
	res, err := Update(readFile(t, doc2026), overlayBytes(t), old, sourceFromPath(doc2026))
	if err != nil {
		t.Fatal(err)
	}
	rep := res.Report
	for _, f := range []string{"channel_id", "member_emails", "status", "has_external_member"} {
		wantChange(t, rep, "response-optional-property-added", "sessions/items/"+f)
	}
	wantChange(t, rep, "response-non-success-status-added", "400")
	wantChange(t, rep, "response-non-success-status-removed", "300")
	for _, s := range []string{"report_chat:read:admin", "imchat:read:admin", "report:read:list_chat_sessions:admin"} {
		wantChange(t, rep, "api-security-component-oauth-scope-added", s)
		wantChange(t, rep, "api-security-added", s)
	}
	wantChange(t, rep, "response-property-max-items-set", "sessions", "300")
	wantChange(t, rep, ruleRateLimitLabel, "from `Heavy` to `MEDIUM`")
	wantChange(t, rep, ruleDescription, "description changed")

	// oapi-codegen takes the 2022 result too (pseudo-status "300" included).
	code := generate(t, old)
	if strings.Contains(code, "ChannelID") || !regexp.MustCompile(`ID +\*string`).MatchString(code) {
		t.Errorf("code generated from the 2022 document: ChannelID present or ID missing")
	}
	if !strings.Contains(rep.String(), "BREAKING") || !strings.Contains(rep.String(), "COMPATIBLE") {
		t.Errorf("report does not mark changes:\n%s", rep)
	}
}

// Going back from 2026 to 2022 breaks callers, and -fail-on-breaking says so
// with exit status 3 and leaves the file alone.
func TestUpdate2026To2022IsBreaking(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "openapi.yaml")
	if err := os.WriteFile(out, readFile(t, "../../openapi.yaml"), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := run([]string{"-spec", doc2022, "-out", out, "-overlay", "../overlay.yaml", "-fail-on-breaking"}, &stdout, &stderr)
	if code != exitBreaking {
		t.Fatalf("exit %d, want %d; stderr: %s\n%s", code, exitBreaking, stderr.String(), stdout.String())
	}
	if !bytes.Equal(readFile(t, out), readFile(t, "../../openapi.yaml")) {
		t.Errorf("-fail-on-breaking wrote the file")
	}
	for _, want := range []string{"BREAKING", "api-security-removed", "response-property-max-items-unset", "removed the optional property `sessions/items/channel_id`"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, stdout.String())
		}
	}

	// Without the flag the same update succeeds; -dry-run leaves the file alone.
	if err := os.WriteFile(out, readFile(t, "../../openapi.yaml"), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout.Reset()
	if code := run([]string{"-spec", doc2022, "-out", out, "-overlay", "../overlay.yaml", "-dry-run"}, &stdout, &stderr); code != 0 {
		t.Fatalf("dry run: exit %d: %s", code, stderr.String())
	}
	if !bytes.Equal(readFile(t, out), readFile(t, "../../openapi.yaml")) {
		t.Errorf("-dry-run wrote the file")
	}
	if !strings.Contains(stdout.String(), "BREAKING") {
		t.Errorf("dry run printed no report:\n%s", stdout.String())
	}
}

// decode2026 returns the 2026 document as plain values, to change in a test.
func decode2026(t *testing.T) map[string]any {
	t.Helper()
	doc, err := decodeDocument(readFile(t, doc2026))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func encodeJSON(t *testing.T, doc map[string]any) []byte {
	t.Helper()
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// at returns the object at a JSON pointer of doc.
func at(t *testing.T, doc map[string]any, pointer string) map[string]any {
	t.Helper()
	segs, err := splitPointer(pointer)
	if err != nil {
		t.Fatal(err)
	}
	v, ok := lookup(doc, segs)
	if !ok {
		t.Fatalf("%s missing", pointer)
	}
	return v.(map[string]any)
}

const (
	opPointer      = "/paths/~1report~1chat~1sessions/get"
	sessionPointer = opPointer + "/responses/200/content/application~1json/schema/properties/sessions/items"
)

// TestSyntheticChange changes Zoom's document in ways Zoom might (a new
// field, a new enum value, a tightened maximum): the report shows each, the
// overlay warns that its enum names are short, and oapi-codegen, run with
// gen/config.yaml on the result, generates the new field and value.
func TestSyntheticChange(t *testing.T) {
	committed := readFile(t, "../../openapi.yaml")
	doc := decode2026(t)
	props := at(t, doc, sessionPointer+"/properties")
	props["topic"] = map[string]any{"type": "string", "description": "The chat session's topic.", "example": "Planning"}
	status := props["status"].(map[string]any)
	status["enum"] = append(status["enum"].([]any), "archived")
	params := at(t, doc, opPointer)["parameters"].([]any)
	params[2].(map[string]any)["schema"].(map[string]any)["maximum"] = int64(100)

	res, err := Update(encodeJSON(t, doc), overlayBytes(t), committed, Source{File: "zoom-team-chat-openapi-2026-07.json", Published: "2026-07"})
	if err != nil {
		t.Fatal(err)
	}
	rep := res.Report
	wantChange(t, rep, "response-optional-property-added", "sessions/items/topic")
	wantChange(t, rep, "response-property-enum-value-added", "archived", "sessions/items/status")
	wantChange(t, rep, "request-parameter-max-decreased", "page_size", "300", "100")
	if !rep.Breaking() {
		t.Errorf("a lower maximum for page_size breaks callers that send 300:\n%s", rep)
	}
	if w := strings.Join(rep.Warnings, "\n"); !strings.Contains(w, "x-enum-varnames at /components/schemas/ChatSession/properties/status names 2 values but Zoom's enum has 3") {
		t.Errorf("no warning about x-enum-varnames: %q", rep.Warnings)
	}

	code := generate(t, res.Spec)
	for _, want := range []string{
		`Topic +\*string +` + "`json:\"topic,omitempty\"`",
		`ChatSessionStatusActive +ChatSessionStatus = "active"`,
		`ChatSessionStatus\w+ +ChatSessionStatus = "archived"`,
		`MemberEmails +\*\[\]string`,
		`PageSize +\*int +` + "`form:\"page_size,omitempty\" json:\"page_size,omitempty\"`",
	} {
		if !regexp.MustCompile(want).MatchString(code) {
			t.Errorf("generated code lacks %s", want)
		}
	}
	if t.Failed() {
		t.Logf("generated:\n%s", code)
	}
}

// generate runs oapi-codegen in-process with gen/config.yaml on spec.
func generate(t *testing.T, spec []byte) string {
	t.Helper()
	var cfg struct {
		codegen.Configuration `yaml:",inline"`
		Output                string `yaml:"output"`
	}
	if err := yaml.Unmarshal(readFile(t, "../config.yaml"), &cfg); err != nil {
		t.Fatalf("config.yaml: %v", err)
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(spec)
	if err != nil {
		t.Fatalf("load the new spec: %v", err)
	}
	code, err := codegen.Generate(doc, cfg.Configuration)
	if err != nil {
		t.Fatalf("oapi-codegen: %v", err)
	}
	return code
}

// TestWarnings: where Zoom starts publishing what the overlay adds, the
// update keeps Zoom's and says so.
func TestWarnings(t *testing.T) {
	doc := decode2026(t)
	responses := at(t, doc, opPointer+"/responses")
	// Zoom publishes its own error schema on 400, and a 401.
	responses["400"].(map[string]any)["content"] = map[string]any{"application/json": map[string]any{"schema": map[string]any{
		"type": "object", "properties": map[string]any{"code": map[string]any{"type": "integer"}}}}}
	responses["401"] = map[string]any{"description": "Unauthorized."}
	// Zoom publishes the OAuth scheme and names it in the requirement, as its endpoints.json does.
	at(t, doc, "/components/securitySchemes")["openapi_oauth"] = map[string]any{"type": "oauth2", "flows": map[string]any{
		"clientCredentials": map[string]any{"tokenUrl": "https://zoom.us/oauth/token", "scopes": map[string]any{}}}}
	op := at(t, doc, opPointer)
	op["security"].([]any)[0].(map[string]any)["openapi_oauth"] = []any{"report_chat:read:admin"}
	// Zoom names the session schema itself.
	sessions := at(t, doc, opPointer+"/responses/200/content/application~1json/schema/properties/sessions")
	at(t, doc, "/components")["schemas"] = map[string]any{"ChatSession": sessions["items"]}
	sessions["items"] = map[string]any{"$ref": "#/components/schemas/ChatSession"}

	spec, warnings := build(t, encodeJSON(t, doc), doc2026)
	all := strings.Join(warnings, "\n")
	for _, want := range []string{
		"ZoomError body on Zoom's 400: Zoom's document now has /paths/~1report~1chat~1sessions/get/responses/400/content/application~1json/schema; kept Zoom's value",
		"Zoom's document now has /paths/~1report~1chat~1sessions/get/responses/401/description; kept Zoom's value",
		"Zoom's document now has /components/securitySchemes/openapi_oauth/type, the same as the overlay",
		"Zoom's document now has openapi_oauth in security requirement 0",
		"security scheme openapi_oauth has no flows added by the overlay",
		"Zoom's document now names the schema at /components/schemas/ChatSessionsReport/properties/sessions/items",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("no warning %q in:\n%s", want, all)
		}
	}
	// Zoom's values are kept.
	out, err := decodeDocument(spec)
	if err != nil {
		t.Fatal(err)
	}
	if got := at(t, out, opPointer+"/responses/401")["description"]; got != "Unauthorized." {
		t.Errorf("401 description = %q, want Zoom's", got)
	}
	if got := at(t, out, opPointer+"/responses/400/content/application~1json/schema")["type"]; got != "object" {
		t.Errorf("400 schema is not Zoom's: %v", at(t, out, opPointer+"/responses/400/content/application~1json/schema"))
	}
	if got := at(t, out, opPointer)["security"]; !equal(got, []any{map[string]any{"openapi_authorization": []any{}, "openapi_oauth": []any{"report_chat:read:admin"}}}) {
		t.Errorf("security = %v, want Zoom's", got)
	}
}

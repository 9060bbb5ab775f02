package main

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/go-cmp/cmp"
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
	b, err := Build(doc, overlayBytes(t), sourceFromPath(name))
	if err != nil {
		t.Fatalf("Build(%s): %v", name, err)
	}
	return b.Spec, b.Warnings
}

// xSource returns info.x-source of a built or committed openapi.yaml.
func xSource(t *testing.T, spec []byte) map[string]any {
	t.Helper()
	doc, err := decodeDocument(spec)
	if err != nil {
		t.Fatal(err)
	}
	xs, ok := lookup(doc, []string{"info", "x-source"})
	if !ok {
		t.Fatalf("no info.x-source in:\n%s", spec)
	}
	return xs.(map[string]any)
}

// TestReproducesCommittedSpec: the update from the document openapi.yaml
// names as its pinned copy makes openapi.yaml and the pinned item byte for
// byte, with no warning, and two builds give the same bytes. After an
// accepted update the pinned copy is the new document, so this test follows
// it with no hand edits.
func TestReproducesCommittedSpec(t *testing.T) {
	committed := readFile(t, "../../openapi.yaml")
	xs := xSource(t, committed)
	docPath, _ := xs["pinnedDocument"].(string)
	itemPath, _ := xs["pinnedItem"].(string)
	when, _ := xs["published"].(string)
	if docPath == "" || itemPath == "" {
		t.Fatalf("openapi.yaml's info.x-source names no pinned copies (pinnedDocument, pinnedItem): %v", xs)
	}
	src := sourceFromPath(docPath)
	if when != unknownDate {
		src.Published = when
	}
	doc := readFile(t, "../../"+docPath)
	b, err := Build(doc, overlayBytes(t), src)
	if err != nil {
		t.Fatal(err)
	}
	// Warnings (printed by the update that made openapi.yaml) say where
	// gen/overlay.yaml no longer fits Zoom's document; they are not failures.
	for _, w := range b.Warnings {
		t.Logf("overlay warning: %s", w)
	}
	if b.Pinned.Document != docPath || b.Pinned.Item != itemPath {
		t.Errorf("pinned copies %+v, openapi.yaml names %s and %s", b.Pinned, docPath, itemPath)
	}
	how := "make update-spec SPEC=" + docPath
	if when != unknownDate {
		how += " PUBLISHED=" + when
	}
	if diff := cmp.Diff(strings.Split(string(committed), "\n"), strings.Split(string(b.Spec), "\n")); diff != "" {
		t.Errorf("openapi.yaml is not what the update from its pinned document %s makes (gen/overlay.yaml or the tool changed?): run %s and review the diff (-file +update):\n%s", docPath, how, diff)
	}
	if !bytes.Equal(b.Item, readFile(t, "../../"+itemPath)) {
		t.Errorf("%s is not the path item of %s: run %s", itemPath, docPath, how)
	}
	again, err := Build(doc, overlayBytes(t), src)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Spec, again.Spec) {
		t.Errorf("two builds from the same input differ")
	}
	rep, err := Compare(committed, b.Spec)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Changes) != 0 {
		t.Errorf("changes reported between identical specs:\n%s", rep)
	}
}

// A Zoom document in YAML gives the same openapi.yaml as in JSON, and its
// pinned item holds the same values.
func TestYAMLDocument(t *testing.T) {
	fromJSON, err := Build(readFile(t, doc2026), overlayBytes(t), Source{File: "zoom.json", Published: "2026-02"})
	if err != nil {
		t.Fatal(err)
	}
	asYAML, err := encodeYAML(decode2026(t))
	if err != nil {
		t.Fatal(err)
	}
	fromYAML, err := Build(asYAML, overlayBytes(t), Source{File: "zoom.json", Published: "2026-02"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(fromJSON.Spec), string(fromYAML.Spec)); diff != "" {
		t.Errorf("openapi.yaml from YAML differs (-JSON +YAML):\n%s", diff)
	}
	var a, b any
	if err := json.Unmarshal(fromJSON.Item, &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(fromYAML.Item, &b); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("pinned item from YAML differs (-JSON +YAML):\n%s", diff)
	}
	if bytes.Contains(fromYAML.Item, []byte(`\u003c`)) {
		t.Errorf("the pinned item escapes HTML: %.200s", fromYAML.Item)
	}
}

// moduleRoot makes a directory with what updatespec reads of a module: the
// overlay, and openapi.yaml when spec is not nil.
func moduleRoot(t *testing.T, spec []byte) string {
	t.Helper()
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "gen"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "gen", "overlay.yaml"), overlayBytes(t), 0o644); err != nil {
		t.Fatal(err)
	}
	if spec != nil {
		if err := os.WriteFile(filepath.Join(root, "openapi.yaml"), spec, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// listFiles returns the files under root, relative, in order.
func listFiles(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(root, p)
		out = append(out, filepath.ToSlash(rel))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestRunTwice runs the command on files: the first run writes openapi.yaml
// and the pinned copies, the second writes nothing new.
func TestRunTwice(t *testing.T) {
	root := moduleRoot(t, nil)
	args := []string{"-spec", doc2026, "-root", root}
	var stdout, stderr bytes.Buffer
	if code := run(args, &stdout, &stderr); code != 0 {
		t.Fatalf("first run: exit %d: %s", code, stderr.String())
	}
	want := []string{"gen/overlay.yaml", "gen/testdata/report-chat-sessions-2026-02.json", "gen/testdata/zoom-team-chat-openapi-2026-02.json", "openapi.yaml"}
	if diff := cmp.Diff(want, listFiles(t, root)); diff != "" {
		t.Errorf("files after the first run (-want +got):\n%s", diff)
	}
	if !bytes.Equal(readFile(t, filepath.Join(root, "gen/testdata/zoom-team-chat-openapi-2026-02.json")), readFile(t, doc2026)) {
		t.Errorf("the pinned document is not a copy of the one read")
	}
	first := readFile(t, filepath.Join(root, "openapi.yaml"))
	stdout.Reset()
	if code := run(args, &stdout, &stderr); code != 0 {
		t.Fatalf("second run: exit %d: %s", code, stderr.String())
	}
	if !bytes.Equal(first, readFile(t, filepath.Join(root, "openapi.yaml"))) {
		t.Errorf("the second run changed the file")
	}
	if !strings.Contains(stdout.String(), "No changes for clients") {
		t.Errorf("second run report:\n%s", stdout.String())
	}
}

// An update from a newer document replaces the pinned copies and records
// their names; published comes from -published, else the document's
// info.x-published, else the file name, else is "unknown".
func TestPinnedCopiesFollowTheUpdate(t *testing.T) {
	root := moduleRoot(t, nil)
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-spec", doc2026, "-root", root}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	doc := decode2026(t)
	newDoc := filepath.Join(t.TempDir(), "team-chat.json") // no date in the name
	if err := os.WriteFile(newDoc, encodeJSON(t, doc), 0o644); err != nil {
		t.Fatal(err)
	}
	if code := run([]string{"-spec", newDoc, "-root", root}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	want := []string{"gen/overlay.yaml", "gen/testdata/report-chat-sessions-unknown.json", "gen/testdata/team-chat.json", "openapi.yaml"}
	if diff := cmp.Diff(want, listFiles(t, root)); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
	xs := xSource(t, readFile(t, filepath.Join(root, "openapi.yaml")))
	got := map[string]any{"published": xs["published"], "pinnedDocument": xs["pinnedDocument"], "pinnedItem": xs["pinnedItem"], "document": xs["document"]}
	wantXS := map[string]any{"published": "unknown", "pinnedDocument": "gen/testdata/team-chat.json",
		"pinnedItem": "gen/testdata/report-chat-sessions-unknown.json", "document": "Zoom Team Chat API OpenAPI document (team-chat.json)"}
	if diff := cmp.Diff(wantXS, got); diff != "" {
		t.Errorf("x-source (-want +got):\n%s", diff)
	}

	for _, tc := range []struct {
		name, flag, xPublished, want string
	}{
		{"zoom-2026-07.json", "", "", "2026-07"},
		{"zoom-2026-07.json", "", "2026-08-03", "2026-08"},
		{"zoom-2026-07.json", "2026-09", "2026-08-03", "2026-09"},
		{"zoom.json", "", "", "unknown"},
		{"zoom.json", "", "last week", "unknown"},
	} {
		info := map[string]any{}
		if tc.xPublished != "" {
			info["x-published"] = tc.xPublished
		}
		if got := published(Source{File: tc.name, Published: tc.flag}, map[string]any{"info": info}); got != tc.want {
			t.Errorf("published(%s, -published %q, x-published %q) = %q, want %q", tc.name, tc.flag, tc.xPublished, got, tc.want)
		}
	}
	for _, bad := range []string{"2026-13", "2026-7", "July 2026", "2026-07-01"} {
		if code := run([]string{"-spec", doc2026, "-root", root, "-published", bad}, &stdout, &stderr); code != 2 {
			t.Errorf("-published %q: exit %d, want 2", bad, code)
		}
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
	for _, w := range []string{"responses['400']; skipped", "responses['429']; skipped", "properties.status; skipped", "lists no scopes"} {
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
// with exit status 3, writes nothing and says so.
func TestUpdate2026To2022IsBreaking(t *testing.T) {
	committed, _ := build(t, readFile(t, doc2026), doc2026) // the fixture, not openapi.yaml: it may be newer
	root := moduleRoot(t, committed)
	var stdout, stderr bytes.Buffer
	code := run([]string{"-spec", doc2022, "-root", root, "-fail-on-breaking"}, &stdout, &stderr)
	if code != exitBreaking {
		t.Fatalf("exit %d, want %d; stderr: %s\n%s", code, exitBreaking, stderr.String(), stdout.String())
	}
	if diff := cmp.Diff([]string{"gen/overlay.yaml", "openapi.yaml"}, listFiles(t, root)); diff != "" || !bytes.Equal(readFile(t, filepath.Join(root, "openapi.yaml")), committed) {
		t.Errorf("-fail-on-breaking wrote files (-want +got):\n%s", diff)
	}
	if want := "nothing was written; openapi.yaml, the generated code and gen/testdata are unchanged"; !strings.Contains(stderr.String(), want) {
		t.Errorf("stderr does not say %q:\n%s", want, stderr.String())
	}
	for _, want := range []string{"BREAKING", "api-security-removed", "response-property-max-items-unset", "removed the optional property `sessions/items/channel_id`"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, stdout.String())
		}
	}

	// -dry-run prints the same report and writes nothing either.
	stdout.Reset()
	stderr.Reset()
	if code := run([]string{"-spec", doc2022, "-root", root, "-dry-run"}, &stdout, &stderr); code != 0 {
		t.Fatalf("dry run: exit %d: %s", code, stderr.String())
	}
	if diff := cmp.Diff([]string{"gen/overlay.yaml", "openapi.yaml"}, listFiles(t, root)); diff != "" || !bytes.Equal(readFile(t, filepath.Join(root, "openapi.yaml")), committed) {
		t.Errorf("-dry-run wrote files (-want +got):\n%s", diff)
	}
	if !strings.Contains(stdout.String(), "BREAKING") || !strings.Contains(stderr.String(), "nothing was written") {
		t.Errorf("dry run: report:\n%s\nstderr: %s", stdout.String(), stderr.String())
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
	committed, _ := build(t, readFile(t, doc2026), doc2026) // the fixture, not openapi.yaml: it may be newer
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

// TestWarnings: where Zoom starts publishing what the overlay adds, or stops
// publishing what it decorates, the update says so, naming the place.
func TestWarnings(t *testing.T) {
	doc := decode2026(t)
	responses := at(t, doc, opPointer+"/responses")
	// Zoom publishes its own error schema on 400, and a 401.
	responses["400"].(map[string]any)["content"] = map[string]any{"application/json": map[string]any{"schema": map[string]any{
		"type": "object", "properties": map[string]any{"code": map[string]any{"type": "integer"}}}}}
	responses["401"] = map[string]any{"description": "Unauthorized."}
	// Zoom drops the 429.
	delete(responses, "429")
	// Zoom publishes the OAuth scheme and names it in the requirement, as its endpoints.json does.
	at(t, doc, "/components/securitySchemes")["openapi_oauth"] = map[string]any{"type": "oauth2", "flows": map[string]any{
		"clientCredentials": map[string]any{"tokenUrl": "https://zoom.us/oauth/token", "scopes": map[string]any{}}}}
	op := at(t, doc, opPointer)
	op["security"].([]any)[0].(map[string]any)["openapi_oauth"] = []any{"report_chat:read:admin"}
	// Zoom adds a scope.
	ext := op["x-extensions"].(map[string]any)
	ext["x-granular-scopes"] = append(ext["x-granular-scopes"].([]any), "report:read:chat_topics:admin")
	// Zoom names the session schema itself.
	sessions := at(t, doc, opPointer+"/responses/200/content/application~1json/schema/properties/sessions")
	at(t, doc, "/components")["schemas"] = map[string]any{"ChatSession": sessions["items"]}
	sessions["items"] = map[string]any{"$ref": "#/components/schemas/ChatSession"}

	spec, warnings := build(t, encodeJSON(t, doc), doc2026)
	op400 := "$.paths['/report/chat/sessions'].get.responses['400']"
	want := []string{
		"component schemas ChatSessionsReport and ChatSession: Zoom's document now has $.components.schemas.ChatSession",
		"name Zoom's session item ChatSession: Zoom's document now names the schema at $.components.schemas.ChatSessionsReport.properties.sessions.items (#/components/schemas/ChatSession); not copied",
		"ZoomError body on Zoom's 400: Zoom's document now has " + op400 + ".content['application/json'].schema; the overlay's value replaces Zoom's: check which is right",
		"ZoomError body and rate-limit headers on Zoom's 429: Zoom's document has no $.paths['/report/chat/sessions'].get.responses['429']; skipped (the addition no longer applies)",
		"the 401 and default responses (Zoom documents them API-wide, not per operation): Zoom's document now has $.paths['/report/chat/sessions'].get.responses['401'].description; the overlay's value replaces Zoom's: check which is right",
		"the openapi_oauth security scheme: Zoom's document now has $.components.securitySchemes.openapi_oauth.type, the same as the overlay; the addition there is no longer needed",
		"the openapi_oauth security scheme: Zoom's document now has $.components.securitySchemes.openapi_oauth.flows.clientCredentials.tokenUrl, the same as the overlay; the addition there is no longer needed",
		"the openapi_oauth security scheme: Zoom's document now has $.components.securitySchemes.openapi_oauth.flows.clientCredentials.scopes; the overlay's value replaces Zoom's: check which is right",
		"openapi_oauth joins Zoom's security requirement (as in Zoom's endpoints.json): Zoom's document now has $.paths['/report/chat/sessions'].get.security[*].openapi_oauth; the overlay's elements are appended to Zoom's: check which are right",
		`Zoom now lists scopes ["report:read:chat_topics:admin"] for GET /report/chat/sessions, which security requirement 0 of GET /report/chat/sessions, scheme openapi_oauth lacks: add them to gen/overlay.yaml (requirement and flows)`,
	}
	if diff := cmp.Diff(want, warnings); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	out, err := decodeDocument(spec)
	if err != nil {
		t.Fatal(err)
	}
	// Standard Overlay semantics: the overlay's scalar replaces Zoom's.
	if got := at(t, out, opPointer+"/responses/401")["description"]; !strings.Contains(got.(string), "Invalid access token") {
		t.Errorf("401 description = %q, want the overlay's", got)
	}
	// Zoom's own ChatSession is kept, and the report refers to it.
	if got := at(t, out, "/components/schemas/ChatSessionsReport/properties/sessions")["items"]; !equal(got, map[string]any{"$ref": "#/components/schemas/ChatSession"}) {
		t.Errorf("sessions items = %v", got)
	}
	if _, ok := at(t, out, "/components/schemas/ChatSession/properties")["channel_id"]; !ok {
		t.Errorf("Zoom's ChatSession schema lost: %v", at(t, out, "/components/schemas/ChatSession"))
	}
}

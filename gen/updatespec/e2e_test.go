package main

import (
	"bytes"
	"encoding/json"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The tests in this file run the whole update, as make update-spec does, on
// a copy of this module: the tool, go generate, go build, go vet and
// go test -short (so they do not run themselves again). They take a minute
// or two; -short skips them.

// copyModule copies the module this package belongs to into a temporary
// directory: every file but .git, build outputs and what .gitignore lists.
func copyModule(t *testing.T) string {
	t.Helper()
	src, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	dst := t.TempDir()
	err = filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == ".git" {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if ignored(rel) {
			return nil
		}
		return copyFile(p, filepath.Join(dst, rel))
	})
	if err != nil {
		t.Fatalf("copy the module: %v", err)
	}
	return dst
}

// ignored reports whether a module file is a build output (.gitignore).
func ignored(rel string) bool {
	rel = filepath.ToSlash(rel)
	return rel == "zoom-chat-sessions" || rel == "zoomfake" || rel == ".git" ||
		strings.HasSuffix(rel, ".test") || strings.HasSuffix(rel, ".out")
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// testResult is what "go test -json" said about one test.
type testResult struct {
	Name   string // package.Test
	Output string
}

// goTestShort runs go test -short on the module at root and returns the
// tests that failed with their output, and the packages that failed without
// a failing test (they did not build).
func goTestShort(t *testing.T, root string) (failed []testResult, broken []string) {
	t.Helper()
	out, _ := goCommand(root, "test", "-short", "-count=1", "-json", "./...")
	outputs := map[string]*strings.Builder{}
	failedTests := map[string]bool{}
	var failedPkgs []string
	dec := json.NewDecoder(strings.NewReader(out))
	for {
		var e struct{ Action, Package, Test, Output string }
		if err := dec.Decode(&e); err == io.EOF {
			break
		} else if err != nil {
			// Build errors are printed as text between the JSON events.
			broken = append(broken, "go test output: "+out)
			return failed, broken
		}
		short := strings.TrimPrefix(e.Package, "github.com/zoomkit/chatsessions/")
		top, _, _ := strings.Cut(e.Test, "/") // subtests' output goes with their test
		key := short + "." + top
		if outputs[key] == nil {
			outputs[key] = &strings.Builder{}
		}
		outputs[key].WriteString(e.Output)
		if e.Action != "fail" {
			continue
		}
		if e.Test == "" {
			failedPkgs = append(failedPkgs, short)
		} else if !strings.Contains(e.Test, "/") {
			failedTests[key] = true
		}
	}
	for _, name := range slices.Sorted(maps.Keys(failedTests)) {
		failed = append(failed, testResult{Name: name, Output: outputs[name].String()})
	}
	for _, p := range failedPkgs {
		if !slices.ContainsFunc(failed, func(r testResult) bool { return strings.HasPrefix(r.Name, p+".") }) {
			broken = append(broken, p+": "+outputs[p+"."].String())
		}
	}
	return failed, broken
}

// pinnedDocument returns the document the module at root was built from
// (info.x-source.pinnedDocument), decoded.
func pinnedDocument(t *testing.T, root string) map[string]any {
	t.Helper()
	xs := xSource(t, readFile(t, filepath.Join(root, "openapi.yaml")))
	doc, err := decodeDocument(readFile(t, filepath.Join(root, xs["pinnedDocument"].(string))))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// An update that adds a session field and a session type builds; the only
// tests that fail are the decisions left to a person, each naming the new
// field or value; once the field is mapped in wrapper, every test passes.
func TestAcceptFieldAndEnumValue(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole update on a copy of the module")
	}
	root := copyModule(t)
	doc := pinnedDocument(t, root)
	props := at(t, doc, sessionPointer+"/properties")
	field := "topic"
	for props[field] != nil {
		field += "_x"
	}
	props[field] = map[string]any{"type": "string", "description": "The chat session's topic.", "example": "Planning"}
	typ := props["type"].(map[string]any)
	value := "Channel"
	for slices.Contains(typ["enum"].([]any), any(value)) {
		value += "X"
	}
	typ["enum"] = append(typ["enum"].([]any), value)
	spec := filepath.Join(t.TempDir(), "zoom-team-chat-openapi-2026-12.json")
	if err := os.WriteFile(spec, encodeJSON(t, doc), 0o644); err != nil {
		t.Fatal(err)
	}

	var stdout, stderr bytes.Buffer
	if code := run([]string{"-spec", spec, "-root", root, "-regenerate"}, &stdout, &stderr); code != 0 {
		t.Fatalf("update: exit %d\n%s\n%s", code, stdout.String(), stderr.String())
	}
	for _, want := range []string{"sessions/items/" + field, "`" + value + "`", "x-enum-varnames at /components/schemas/ChatSession/properties/type"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("the report does not mention %s:\n%s", want, stdout.String())
		}
	}
	xs := xSource(t, readFile(t, filepath.Join(root, "openapi.yaml")))
	if xs["published"] != "2026-12" || xs["pinnedItem"] != "gen/testdata/report-chat-sessions-2026-12.json" {
		t.Errorf("x-source = %v", xs)
	}

	failed, broken := goTestShort(t, root)
	if len(broken) > 0 {
		t.Fatalf("packages that do not build after the update:\n%s", strings.Join(broken, "\n"))
	}
	var names []string
	for _, f := range failed {
		names = append(names, f.Name)
		if !strings.Contains(f.Output, field) && !strings.Contains(f.Output, value) {
			t.Errorf("%s fails without naming the new field %q or value %q:\n%s", f.Name, field, value, f.Output)
		}
	}
	t.Logf("failing after the update (the decisions): %q", names)
	if !slices.Contains(names, "wrapper.TestSpecMapping") {
		t.Errorf("failing tests %q: the new field's decision (wrapper.TestSpecMapping) is missing", names)
	}
	for _, f := range failed {
		if f.Name == "wrapper.TestSpecMapping" && !strings.Contains(f.Output, "add it to Session") {
			t.Errorf("wrapper.TestSpecMapping does not say where to map %q:\n%s", field, f.Output)
		}
	}

	mapField(t, root, field)
	failed, broken = goTestShort(t, root)
	if len(broken) > 0 || len(failed) > 0 {
		var b strings.Builder
		for _, f := range failed {
			b.WriteString(f.Output)
		}
		t.Errorf("after mapping %s: broken %q, failing tests:\n%s", field, broken, b.String())
	}
}

// mapField does what a person does for a new session field: a Session field,
// a case that decodes it in pageParser.session (decode.go), and the reviewed
// sessionFields entry.
func mapField(t *testing.T, root, field string) {
	t.Helper()
	goName := "Synthetic" + strings.ReplaceAll(strings.ToUpper(field[:1])+field[1:], "_", "")
	edits := []struct {
		file, anchor, insert string
		before               bool // insert before the anchor, not after
	}{
		{"wrapper/sessions.go", "type Session struct {\n", "\t" + goName + " string\n", false},
		{"wrapper/decode.go", "\t\tcase \"last_message_sent_time\":\n", "\t\tcase \"" + field + "\":\n\t\t\ts." + goName + ", _, err = p.stringValue()\n", true},
		{"wrapper/decode_test.go", "var sessionFields = map[string]string{\n", "\t\"" + field + "\": \"" + goName + "\",\n", false},
	}
	for _, e := range edits {
		p := filepath.Join(root, e.file)
		src := string(readFile(t, p))
		if strings.Count(src, e.anchor) != 1 {
			t.Fatalf("%s: no single %q to map the field after; adapt mapField to the wrapper", e.file, e.anchor)
		}
		with := e.anchor + e.insert
		if e.before {
			with = e.insert + e.anchor
		}
		src = strings.Replace(src, e.anchor, with, 1)
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// fileContents returns every file under root's update paths with its content.
func fileContents(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, p := range touchedPaths {
		err := filepath.WalkDir(filepath.Join(root, p), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(root, path)
			out[filepath.ToSlash(rel)] = string(readFile(t, path))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// A breaking update whose regenerated tree does not build (the 2022
// document) is rolled back: every file as it was, the module builds, and
// the message shows the report, the first compile errors and why.
func TestBreakingUpdateRollsBack(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole update on a copy of the module")
	}
	root := copyModule(t)
	before := fileContents(t, root)
	spec, err := filepath.Abs(doc2022)
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := run([]string{"-spec", spec, "-root", root, "-regenerate"}, &stdout, &stderr)
	if code != exitRolledBack {
		t.Fatalf("exit %d, want %d\n%s\n%s", code, exitRolledBack, stdout.String(), stderr.String())
	}
	if diff := cmp.Diff(before, fileContents(t, root)); diff != "" {
		t.Errorf("files after the rollback (-before +after):\n%s", diff)
	}
	if !strings.Contains(stdout.String(), "BREAKING") {
		t.Errorf("no report on stdout:\n%s", stdout.String())
	}
	for _, want := range []string{"ROLLED BACK", "openapi.yaml, api/ (the generated code) and gen/testdata are as they were", "First errors:", "undefined: ", "Why: the update has "} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
		}
	}
	if out, err := regenerate(root); err != nil {
		t.Errorf("the module does not build after the rollback: %v\n%s", err, out)
	}
	if diff := cmp.Diff(before, fileContents(t, root)); diff != "" {
		t.Errorf("go generate after the rollback changed files (-before +after):\n%s", diff)
	}
}

package main

import (
	"strings"
	"testing"
)

// Strings that look like other YAML types stay strings, and keys come out in
// the fixed order, whatever order they were set in.
func TestEncodeYAML(t *testing.T) {
	tricky := []any{"300", "2026-02", "2020-03-01", "1:1", "true", "no", "0.5", "", "a: b", "#x",
		"line one   \n line two", "~", "null", "2022-03-18T10:16:13Z", "- item"}
	doc := map[string]any{
		"paths":   map[string]any{"/b": map[string]any{}, "/a": map[string]any{}},
		"openapi": "3.0.0",
		"x":       tricky,
		"n":       int64(300),
		"f":       0.5,
		"b":       true,
		"properties": map[string]any{
			"type": map[string]any{"enum": []any{"Group"}, "type": "string", "description": "d"},
			"name": map[string]any{"type": "string"},
		},
	}
	out, err := encodeYAML(doc)
	if err != nil {
		t.Fatal(err)
	}
	back, err := decodeDocument(out)
	if err != nil {
		t.Fatal(err)
	}
	if !equal(back, doc) {
		t.Errorf("round trip changed values:\n%s", out)
	}
	s := string(out)
	if !(strings.Index(s, "openapi:") < strings.Index(s, "paths:") && strings.Index(s, "/a:") < strings.Index(s, "/b:")) {
		t.Errorf("top-level order:\n%s", s)
	}
	// In a collection (properties), names are in byte order, even ranked words.
	if !(strings.Index(s, "  name:") < strings.Index(s, "  type:\n")) {
		t.Errorf("property order:\n%s", s)
	}
	// In a schema: description, type, then enum.
	typ := s[strings.Index(s, "  type:\n"):]
	if !(strings.Index(typ, "description:") < strings.Index(typ, "type: string") && strings.Index(typ, "type: string") < strings.Index(typ, "enum:")) {
		t.Errorf("schema key order:\n%s", typ)
	}
}

func TestPointers(t *testing.T) {
	segs, err := splitPointer("/paths/~1report~1chat~1sessions/get/a~0b")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"paths", "/report/chat/sessions", "get", "a~b"}; !equal(segs, want) {
		t.Errorf("segments %q", segs)
	}
	if p := joinPointer(segs); p != "/paths/~1report~1chat~1sessions/get/a~0b" {
		t.Errorf("join %q", p)
	}
	doc := map[string]any{"r": map[string]any{"200": map[string]any{}, "400": map[string]any{}}, "l": []any{"x", "y"}}
	if got := expand(doc, []string{"r", "*"}); len(got) != 2 || got[0][1] != "200" || got[1][1] != "400" {
		t.Errorf("expand r/* = %q", got)
	}
	if got := expand(doc, []string{"l", "*"}); len(got) != 2 || got[1][1] != "1" {
		t.Errorf("expand l/* = %q", got)
	}
	if got := expand(doc, []string{"r", "500"}); len(got) != 0 {
		t.Errorf("expand of a missing member = %q", got)
	}
	if _, err := splitPointer("no-slash"); err == nil {
		t.Errorf("a pointer without / was accepted")
	}
}

func TestSourceFromPath(t *testing.T) {
	s := sourceFromPath("../shared/zoom/zoom-team-chat-openapi-2026-02.json")
	if s.File != "zoom-team-chat-openapi-2026-02.json" || s.Published != "2026-02" {
		t.Errorf("source = %+v", s)
	}
	if s := sourceFromPath("zoom.yaml"); s.Published != "" {
		t.Errorf("published from a name without a date: %q", s.Published)
	}
}

func TestLoadOverlayRejects(t *testing.T) {
	for name, text := range map[string]string{
		"no operation":  "actions: []\n",
		"two kinds":     "operation: {method: get, path: /x}\nactions:\n  - {target: /a, name: A, append: [1]}\n",
		"none":          "operation: {method: get, path: /x}\nactions:\n  - {target: /a}\n",
		"bad target":    "operation: {method: get, path: /x}\nactions:\n  - {target: a, name: A}\n",
		"unknown field": "operation: {method: get, path: /x}\nactoins: []\n",
	} {
		if _, err := loadOverlay([]byte(text)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

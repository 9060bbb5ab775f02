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
	if _, err := splitPointer("no-slash"); err == nil {
		t.Errorf("a pointer without / was accepted")
	}
}

func TestLoadOverlayRejects(t *testing.T) {
	const head = "overlay: 1.1.0\ninfo: {title: t, version: 1.0.0}\n"
	for name, text := range map[string]string{
		"no x-extract":   head + "actions:\n  - {target: $.info, update: {x: 1}}\n",
		"bad x-extract":  head + "x-extract: /report/chat/sessions\nactions:\n  - {target: $.info, update: {x: 1}}\n",
		"no actions":     head + "x-extract: GET /x\nactions: []\n",
		"no target":      head + "x-extract: GET /x\nactions:\n  - {update: {x: 1}}\n",
		"bad target":     head + "x-extract: GET /x\nactions:\n  - {target: \"$.paths[\", update: {x: 1}}\n",
		"remove+update":  head + "x-extract: GET /x\nactions:\n  - {target: $.info, remove: true, update: {x: 1}}\n",
		"no version":     "info: {title: t, version: 1.0.0}\nx-extract: GET /x\nactions:\n  - {target: $.info, update: {x: 1}}\n",
		"not an overlay": "openapi: 3.0.0\n",
	} {
		if _, err := loadOverlay([]byte(text)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	o, err := loadOverlay([]byte(head + "x-extract: GET /report/chat/sessions\nactions:\n  - {target: $.info, update: {x: 1}}\n"))
	if err != nil || o.Operation != (Operation{Method: "get", Path: "/report/chat/sessions"}) {
		t.Errorf("loadOverlay = %+v, %v", o, err)
	}
}

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path"
	"path/filepath"
	"regexp"
	"strings"
)

// pinnedDir is where, relative to the module root, an update pins the copies
// the contract tests read: Zoom's whole document and the operation's path
// item as Zoom published it. info.x-source names both.
const pinnedDir = "gen/testdata"

// unknownDate is recorded as info.x-source.published when nothing says when
// Zoom published the document.
const unknownDate = "unknown"

// Source describes the Zoom document an update reads, for info.x-source.
type Source struct {
	// File is the document's file name (no directory).
	File string
	// Published is when Zoom published it, yyyy-mm. Empty means: the
	// document's info.x-published, else the last yyyy-mm in File, else
	// "unknown".
	Published string
}

// sourceFromPath names a source by its file name.
func sourceFromPath(p string) Source { return Source{File: filepath.Base(p)} }

var (
	yearMonth       = regexp.MustCompile(`\d{4}-\d{2}`)
	yearMonthPrefix = regexp.MustCompile(`^\d{4}-(0[1-9]|1[0-2])(-\d{2})?$`)
)

// checkPublished validates a -published value: yyyy-mm.
func checkPublished(s string) error {
	if s != "" && (len(s) != len("2006-01") || !yearMonthPrefix.MatchString(s)) {
		return fmt.Errorf("-published %q: want the month Zoom published the document, yyyy-mm", s)
	}
	return nil
}

// published decides when Zoom published the document: src.Published, else
// the document's info.x-published (yyyy-mm or yyyy-mm-dd), else the last
// yyyy-mm in the file name, else unknownDate. It never fails.
func published(src Source, doc map[string]any) string {
	if src.Published != "" {
		return src.Published
	}
	if info, ok := doc["info"].(map[string]any); ok {
		if s, ok := info["x-published"].(string); ok && yearMonthPrefix.MatchString(s) {
			return s[:len("2006-01")]
		}
	}
	if m := yearMonth.FindAllString(src.File, -1); len(m) > 0 {
		return m[len(m)-1]
	}
	return unknownDate
}

// pinned is where an update pins its copies, relative to the module root.
type pinned struct {
	Document string // Zoom's whole document, as read
	Item     string // the operation's path item, as Zoom published it (JSON)
}

// pinnedPaths names the pinned copies for a source and operation, e.g.
// gen/testdata/zoom-team-chat-openapi-2026-02.json and
// gen/testdata/report-chat-sessions-2026-02.json.
func pinnedPaths(file, published string, op Operation) pinned {
	slug := strings.ReplaceAll(strings.Trim(op.Path, "/"), "/", "-")
	if op.Method != "get" {
		slug = op.Method + "-" + slug
	}
	return pinned{
		Document: path.Join(pinnedDir, file),
		Item:     path.Join(pinnedDir, slug+"-"+published+".json"),
	}
}

// setSource records in info.x-source where the document came from, next to
// what the overlay put there (url, additions), and says in info.description
// that the document holds one operation. (An Overlay can only replace a
// description, not append to it: that sentence is the one addition made
// here rather than in gen/overlay.yaml.)
func setSource(doc map[string]any, op Operation, src Source, when string, pin pinned) {
	info, ok := doc["info"].(map[string]any)
	if !ok {
		info = map[string]any{}
		doc["info"] = info
	}
	only := "This document holds only " + op.String() + "."
	if d, _ := info["description"].(string); d != "" {
		info["description"] = strings.TrimRight(d, " \n") + " " + only
	} else {
		info["description"] = only
	}
	title, _ := info["title"].(string)
	name := strings.TrimSuffix(strings.TrimPrefix(title, "Zoom "), " API")
	xs, ok := info["x-source"].(map[string]any)
	if !ok {
		xs = map[string]any{}
		info["x-source"] = xs
	}
	xs["document"] = fmt.Sprintf("Zoom %s API OpenAPI document (%s)", name, src.File)
	xs["operation"] = op.String()
	xs["published"] = when
	xs["pinnedDocument"] = pin.Document
	xs["pinnedItem"] = pin.Item
	if v, ok := info["version"]; ok {
		xs["documentVersion"] = fmt.Sprint(v)
	}
}

// pathItemJSON returns the operation's path item as Zoom published it: for
// a JSON document, its bytes re-indented (members in Zoom's order);
// otherwise the decoded item, indented.
func pathItemJSON(zoomDoc []byte, doc map[string]any, op Operation) ([]byte, error) {
	var top struct {
		Paths map[string]json.RawMessage `json:"paths"`
	}
	if trimmed := bytes.TrimSpace(zoomDoc); len(trimmed) > 0 && trimmed[0] == '{' {
		if err := json.Unmarshal(zoomDoc, &top); err == nil {
			if raw, ok := top.Paths[op.Path]; ok {
				var out bytes.Buffer
				if err := json.Indent(&out, raw, "", "  "); err != nil {
					return nil, fmt.Errorf("path item %s: %w", op.Path, err)
				}
				return out.Bytes(), nil
			}
		}
	}
	item, ok := lookup(doc, []string{"paths", op.Path})
	if !ok {
		return nil, fmt.Errorf("the document has no path %s", op.Path)
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(item); err != nil {
		return nil, fmt.Errorf("path item %s: %w", op.Path, err)
	}
	return bytes.TrimSuffix(out.Bytes(), []byte("\n")), nil
}

// oldPinned returns the pinned copies an openapi.yaml names in
// info.x-source, if any.
func oldPinned(spec []byte) pinned {
	if len(spec) == 0 {
		return pinned{}
	}
	doc, err := decodeDocument(spec)
	if err != nil {
		return pinned{}
	}
	xs, _ := lookup(doc, []string{"info", "x-source"})
	m, _ := xs.(map[string]any)
	d, _ := m["pinnedDocument"].(string)
	i, _ := m["pinnedItem"].(string)
	return pinned{Document: d, Item: i}
}

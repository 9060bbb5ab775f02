package main

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"

	"github.com/speakeasy-api/openapi/overlay"
	"gopkg.in/yaml.v3"
)

// projectOverlay is gen/overlay.yaml: a standard OpenAPI Overlay, applied
// with github.com/speakeasy-api/openapi/overlay, plus one extension,
// x-extract, naming the operation to take from Zoom's whole document.
type projectOverlay struct {
	*overlay.Overlay
	// Operation is the operation to extract, from x-extract.
	Operation Operation
}

// loadOverlay parses and validates an overlay file.
func loadOverlay(data []byte) (*projectOverlay, error) {
	o, err := overlay.ParseReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("overlay: %w", err)
	}
	if err := o.Validate(); err != nil {
		return nil, fmt.Errorf("overlay: %w", err)
	}
	ext, _ := o.Extensions["x-extract"].(string)
	method, path, ok := strings.Cut(ext, " ")
	if !ok || method == "" || !strings.HasPrefix(path, "/") {
		return nil, fmt.Errorf("overlay: x-extract must name one operation, e.g. \"GET /report/chat/sessions\"; got %q", ext)
	}
	for i, a := range o.Actions {
		if _, err := o.NewPath(a.Target, nil); err != nil {
			return nil, fmt.Errorf("overlay action %d (%s): target %q: %w", i+1, a.Description, a.Target, err)
		}
	}
	return &projectOverlay{Overlay: o, Operation: Operation{Method: strings.ToLower(method), Path: path}}, nil
}

// applyOverlay applies the overlay's actions in order to doc (an extract of
// Zoom's document) and returns the result, with the project's warnings on
// top of the standard: an action whose target matches nothing is skipped
// (the addition no longer applies), an update that sets a value Zoom's
// document already has is reported, and so is a copy whose source Zoom now
// names with a $ref (that copy is skipped).
func applyOverlay(doc map[string]any, o *projectOverlay) (map[string]any, []string, error) {
	var value yaml.Node
	if err := value.Encode(doc); err != nil {
		return nil, nil, fmt.Errorf("overlay: %w", err)
	}
	root := &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{&value}}
	var warnings []string
	warnf := func(format string, args ...any) { warnings = append(warnings, fmt.Sprintf(format, args...)) }
	for i, a := range o.Actions {
		label := a.Description
		if label == "" {
			label = fmt.Sprintf("action %d", i+1)
		}
		targets, err := query(o, a.Target, root)
		if err != nil {
			return nil, nil, fmt.Errorf("overlay action %d (%s): %w", i+1, label, err)
		}
		if len(targets) == 0 {
			warnf("%s: Zoom's document has no %s; skipped (the addition no longer applies)", label, a.Target)
			continue
		}
		switch {
		case a.Remove:
		case !a.Update.IsZero():
			for _, t := range targets {
				for _, c := range collisions(a.Target, t, &a.Update) {
					warnf("%s: %s", label, c)
				}
			}
		case a.Copy != "":
			sources, err := query(o, a.Copy, root)
			if err != nil {
				return nil, nil, fmt.Errorf("overlay action %d (%s): %w", i+1, label, err)
			}
			if len(sources) != 1 {
				warnf("%s: Zoom's document has %d values at %s, not one; skipped (the addition no longer applies)", label, len(sources), a.Copy)
				continue
			}
			if ref := mappingValue(sources[0], "$ref"); ref != nil {
				warnf("%s: Zoom's document now names the schema at %s (%s); not copied", label, a.Copy, ref.Value)
				continue
			}
		}
		one := &overlay.Overlay{Version: o.Version, JSONPathVersion: o.JSONPathVersion, Info: o.Info, Actions: []overlay.Action{a}}
		if err := one.ApplyTo(root); err != nil {
			return nil, nil, fmt.Errorf("overlay action %d (%s): %w", i+1, label, err)
		}
	}
	var out any
	if err := value.Decode(&out); err != nil {
		return nil, nil, fmt.Errorf("overlay result: %w", err)
	}
	v, err := normalize(out)
	if err != nil {
		return nil, nil, fmt.Errorf("overlay result: %w", err)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, nil, fmt.Errorf("overlay result is a %T, not an object", v)
	}
	return m, warnings, nil
}

// query returns the nodes a JSONPath selects in root, with the overlay's
// JSONPath dialect.
func query(o *projectOverlay, path string, root *yaml.Node) ([]*yaml.Node, error) {
	p, err := o.NewPath(path, nil)
	if err != nil {
		return nil, fmt.Errorf("JSONPath %q: %w", path, err)
	}
	return p.Query(root), nil
}

// collisions describes where update would set a value that target, at the
// JSONPath where, already has: Zoom now publishes something the overlay adds.
// Objects are compared member by member; an object with a $ref counts as one
// value (in OpenAPI 3.0 a $ref wins over its siblings), an empty object only
// makes sure the member exists, and arrays are appended to (Overlay 1.1).
func collisions(where string, target, update *yaml.Node) []string {
	if target.Kind != yaml.MappingNode || update.Kind != yaml.MappingNode {
		return nil
	}
	var out []string
	for i := 0; i+1 < len(update.Content); i += 2 {
		key, val := update.Content[i].Value, update.Content[i+1]
		cur := mappingValue(target, key)
		if cur == nil {
			continue
		}
		at := where + pathSegment(key)
		switch {
		case val.Kind == yaml.MappingNode && len(val.Content) == 0:
			out = append(out, fmt.Sprintf("Zoom's document now has %s", at))
		case mergeable(val) && mergeable(cur):
			out = append(out, collisions(at, cur, val)...)
		case sameValue(cur, val):
			out = append(out, fmt.Sprintf("Zoom's document now has %s, the same as the overlay; the addition there is no longer needed", at))
		case val.Kind == yaml.SequenceNode && cur.Kind == yaml.SequenceNode:
			out = append(out, fmt.Sprintf("Zoom's document now has %s; the overlay's elements are appended to Zoom's: check which are right", at))
		default:
			out = append(out, fmt.Sprintf("Zoom's document now has %s; the overlay's value replaces Zoom's: check which is right", at))
		}
	}
	return out
}

// mergeable reports whether n is an object merged member by member: not
// empty and without a $ref.
func mergeable(n *yaml.Node) bool {
	return n.Kind == yaml.MappingNode && len(n.Content) > 0 && mappingValue(n, "$ref") == nil
}

// mappingValue returns the value of key in the mapping n, or nil.
func mappingValue(n *yaml.Node, key string) *yaml.Node {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// sameValue reports whether two nodes hold the same plain value.
func sameValue(a, b *yaml.Node) bool {
	var va, vb any
	if a.Decode(&va) != nil || b.Decode(&vb) != nil {
		return false
	}
	na, errA := normalize(va)
	nb, errB := normalize(vb)
	return errA == nil && errB == nil && equal(na, nb)
}

var plainName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)

// pathSegment writes one member name as a JSONPath segment.
func pathSegment(key string) string {
	if plainName.MatchString(key) {
		return "." + key
	}
	return "['" + strings.ReplaceAll(key, "'", `\'`) + "']"
}

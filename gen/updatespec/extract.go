package main

import (
	"fmt"
	"strings"
)

// Operation names the one operation this module is generated from.
type Operation struct {
	Method string // lower case, as in an OpenAPI path item
	Path   string
}

// String returns "GET /report/chat/sessions".
func (o Operation) String() string { return strings.ToUpper(o.Method) + " " + o.Path }

// pointer returns the JSON Pointer of the operation in a document.
func (o Operation) pointer() []string { return []string{"paths", o.Path, o.Method} }

// extract copies one operation out of a whole Zoom document, with everything it
// needs: the document's openapi version, info, servers, the tags the operation
// uses, path-level parameters, the security requirements that apply to it and
// every component it references, directly or through other components.
// Values are copied, never shared with src.
func extract(src map[string]any, op Operation) (map[string]any, error) {
	item, ok := lookup(src, []string{"paths", op.Path})
	if !ok {
		return nil, fmt.Errorf("the document has no path %s", op.Path)
	}
	itemMap, ok := item.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("path %s is not an object", op.Path)
	}
	opVal, ok := itemMap[op.Method].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("the document has no operation %s", op)
	}
	newOp := clone(opVal).(map[string]any)
	// Security that applies: the operation's own, else the document's.
	if _, has := newOp["security"]; !has {
		if sec, ok := src["security"]; ok {
			newOp["security"] = clone(sec)
		}
	}
	newItem := map[string]any{op.Method: newOp}
	if params, ok := itemMap["parameters"]; ok {
		newItem["parameters"] = clone(params)
	}

	out := map[string]any{
		"paths": map[string]any{op.Path: newItem},
	}
	for _, k := range []string{"openapi", "info", "servers"} {
		if v, ok := src[k]; ok {
			out[k] = clone(v)
		}
	}
	if tags := operationTags(src, newOp); len(tags) > 0 {
		out["tags"] = tags
	}

	components := map[string]any{}
	if err := copyReferenced(src, newItem, components); err != nil {
		return nil, err
	}
	if err := copySecuritySchemes(src, newOp, components); err != nil {
		return nil, err
	}
	if len(components) > 0 {
		out["components"] = components
	}
	return out, nil
}

// operationTags returns the document's tag objects for the operation's tags,
// in the operation's order; a tag the document does not describe gets a bare
// {name: tag}.
func operationTags(src, op map[string]any) []any {
	names, _ := op["tags"].([]any)
	described := map[string]any{}
	if list, ok := src["tags"].([]any); ok {
		for _, t := range list {
			if m, ok := t.(map[string]any); ok {
				if n, ok := m["name"].(string); ok {
					described[n] = m
				}
			}
		}
	}
	var tags []any
	for _, n := range names {
		name, ok := n.(string)
		if !ok {
			continue
		}
		if t, ok := described[name]; ok {
			tags = append(tags, clone(t))
		} else {
			tags = append(tags, map[string]any{"name": name})
		}
	}
	return tags
}

// copyReferenced copies into components every "#/components/<kind>/<name>"
// that v references, and what those reference in turn.
func copyReferenced(src map[string]any, v any, components map[string]any) error {
	var err error
	walkRefs(v, func(ref string) {
		if err != nil {
			return
		}
		err = copyRef(src, ref, components)
	})
	return err
}

func copyRef(src map[string]any, ref string, components map[string]any) error {
	const prefix = "#/components/"
	if !strings.HasPrefix(ref, prefix) {
		return fmt.Errorf("reference %q: only references to #/components/ within the document are supported", ref)
	}
	segs, err := splitPointer(strings.TrimPrefix(ref, "#"))
	if err != nil {
		return fmt.Errorf("reference %q: %w", ref, err)
	}
	if len(segs) != 3 {
		return fmt.Errorf("reference %q does not name a component", ref)
	}
	kind, name := segs[1], segs[2]
	if m, ok := components[kind].(map[string]any); ok {
		if _, done := m[name]; done {
			return nil
		}
	}
	val, ok := lookup(src, segs)
	if !ok {
		return fmt.Errorf("reference %q: no such component in the document", ref)
	}
	m, _ := components[kind].(map[string]any)
	if m == nil {
		m = map[string]any{}
		components[kind] = m
	}
	c := clone(val)
	m[name] = c
	return copyReferenced(src, c, components)
}

// walkRefs calls fn with every "$ref" string in v.
func walkRefs(v any, fn func(ref string)) {
	switch v := v.(type) {
	case map[string]any:
		for _, k := range sortedKeys(v) {
			if k == "$ref" {
				if s, ok := v[k].(string); ok {
					fn(s)
				}
				continue
			}
			walkRefs(v[k], fn)
		}
	case []any:
		for _, e := range v {
			walkRefs(e, fn)
		}
	}
}

// copySecuritySchemes copies the security schemes that the operation's
// security requirements name.
func copySecuritySchemes(src, op map[string]any, components map[string]any) error {
	reqs, _ := op["security"].([]any)
	for _, r := range reqs {
		req, ok := r.(map[string]any)
		if !ok {
			continue
		}
		for _, name := range sortedKeys(req) {
			if err := copyRef(src, "#/components/securitySchemes/"+escapeSegment(name), components); err != nil {
				return fmt.Errorf("security requirement %q: %w", name, err)
			}
		}
	}
	return nil
}

// escapeSegment escapes one JSON Pointer segment.
func escapeSegment(s string) string { return strings.TrimPrefix(joinPointer([]string{s}), "/") }

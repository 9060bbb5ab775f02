package main

import (
	"fmt"
	"slices"
)

// The project's checks on the built document, reported as warnings: places
// where the overlay's static additions no longer agree with Zoom's document.

// checkScopes warns where the OAuth scopes the overlay puts in the
// operation's security requirements differ from the ones Zoom lists for the
// operation (x-extensions x-macro-scopes and x-granular-scopes).
func checkScopes(doc map[string]any, op Operation) []string {
	opVal, _ := lookup(doc, op.pointer())
	o, _ := opVal.(map[string]any)
	var zoom []string
	if ext, ok := o["x-extensions"].(map[string]any); ok {
		for _, k := range []string{"x-macro-scopes", "x-granular-scopes"} {
			list, _ := ext[k].([]any)
			for _, s := range list {
				if str, ok := s.(string); ok {
					zoom = append(zoom, str)
				}
			}
		}
	}
	schemes, _ := lookup(doc, []string{"components", "securitySchemes"})
	schemeMap, _ := schemes.(map[string]any)
	var out []string
	reqs, _ := o["security"].([]any)
	for i, r := range reqs {
		req, _ := r.(map[string]any)
		for _, name := range sortedKeys(req) {
			if s, _ := schemeMap[name].(map[string]any); s["type"] != "oauth2" {
				continue
			}
			var ours []string
			list, _ := req[name].([]any)
			for _, s := range list {
				if str, ok := s.(string); ok {
					ours = append(ours, str)
				}
			}
			where := fmt.Sprintf("security requirement %d of %s, scheme %s", i, op, name)
			if len(zoom) == 0 {
				out = append(out, fmt.Sprintf("Zoom's document lists no scopes for %s (x-extensions x-macro-scopes, x-granular-scopes); %s keeps gen/overlay.yaml's %q", op, where, ours))
				continue
			}
			if missing := minus(zoom, ours); len(missing) > 0 {
				out = append(out, fmt.Sprintf("Zoom now lists scopes %q for %s, which %s lacks: add them to gen/overlay.yaml (requirement and flows)", missing, op, where))
			}
			if extra := minus(ours, zoom); len(extra) > 0 {
				out = append(out, fmt.Sprintf("%s has scopes %q, which Zoom no longer lists for %s: remove them from gen/overlay.yaml (requirement and flows)", where, extra, op))
			}
		}
	}
	return out
}

// minus returns the elements of a that are not in b, in a's order.
func minus(a, b []string) []string {
	var out []string
	for _, s := range a {
		if !slices.Contains(b, s) {
			out = append(out, s)
		}
	}
	return out
}

// checkEnumNames warns where x-enum-varnames no longer names every value of
// the enum next to it (oapi-codegen would then name values by itself).
func checkEnumNames(p string, v any) []string {
	var out []string
	switch v := v.(type) {
	case map[string]any:
		if names, ok := v["x-enum-varnames"].([]any); ok {
			if enum, ok := v["enum"].([]any); !ok || len(enum) != len(names) {
				out = append(out, fmt.Sprintf("x-enum-varnames at %s names %d values but Zoom's enum has %d (%v): oapi-codegen names the others from their values; give them Go names in gen/overlay.yaml", p, len(names), len(enum), enum))
			}
		}
		for _, k := range sortedKeys(v) {
			out = append(out, checkEnumNames(p+"/"+escapeSegment(k), v[k])...)
		}
	case []any:
		for i, e := range v {
			out = append(out, checkEnumNames(fmt.Sprintf("%s/%d", p, i), e)...)
		}
	}
	return out
}

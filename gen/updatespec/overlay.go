package main

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Overlay is the project's own additions to Zoom's operation, read from
// gen/overlay.yaml. See that file for what each part means.
type Overlay struct {
	// Operation is the operation to extract from Zoom's document.
	Operation Operation `yaml:"operation"`
	// Info describes how info is built from Zoom's info.
	Info OverlayInfo `yaml:"info"`
	// OAuth adds an OAuth security requirement whose scopes are the ones Zoom
	// lists for the operation.
	OAuth *OverlayOAuth `yaml:"oauth"`
	// Actions are applied in order, after OAuth.
	Actions []Action `yaml:"actions"`
}

// OverlayInfo holds the overlay's additions to info.
type OverlayInfo struct {
	// DescriptionSuffix is appended to Zoom's info.description.
	DescriptionSuffix string `yaml:"descriptionSuffix"`
	// Additions is the text of info.x-source.additions.
	Additions string `yaml:"additions"`
	// URLs maps Zoom's info.title to the page where Zoom publishes that document.
	URLs map[string]string `yaml:"urls"`
}

// OverlayOAuth names a security scheme (defined by an action under
// /components/securitySchemes) that is added, with the scopes of Zoom's
// x-extensions x-macro-scopes and x-granular-scopes for the operation, to
// each of Zoom's security requirements, as Zoom's endpoints.json does (one
// requirement naming both schemes: an OAuth access token is the bearer
// token). It applies after the actions, and sets the scopes of every flow of
// the scheme the overlay added.
type OverlayOAuth struct {
	// Scheme is the security scheme's name.
	Scheme string `yaml:"scheme"`
	// ScopeDescriptions describes each scope in the scheme's flows.
	ScopeDescriptions map[string]string `yaml:"scopeDescriptions"`
}

// Action is one change to the extracted document. Target is a JSON Pointer
// from the document root, where a "*" segment matches every member. Exactly
// one of Add, Append and Name is set.
type Action struct {
	// Description says what the addition is; warnings quote it.
	Description string `yaml:"description"`
	// Target is where the action applies. A target that does not exist means
	// the addition no longer applies: the action is skipped with a warning.
	// A component collection (/components/schemas, ...) is created when missing.
	Target string `yaml:"target"`
	// Add merges an object into each target object. Where Zoom's document
	// already has a value the overlay would set, Zoom's value is kept and a
	// warning says so; objects merge member by member, and an object with a
	// $ref counts as one value.
	Add map[string]any `yaml:"add"`
	// Append adds elements to each target array, except an object element
	// whose keys an existing element already has (a warning says so).
	Append []any `yaml:"append"`
	// Name moves the inline schema at each target to
	// /components/schemas/<Name> and leaves a $ref in its place.
	Name string `yaml:"name"`
}

// loadOverlay parses and checks an overlay file.
func loadOverlay(data []byte) (*Overlay, error) {
	var o Overlay
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&o); err != nil {
		return nil, fmt.Errorf("overlay: %w", err)
	}
	if o.Operation.Path == "" || o.Operation.Method == "" {
		return nil, fmt.Errorf("overlay: operation needs a path and a method")
	}
	for i := range o.Actions {
		a := &o.Actions[i]
		n := 0
		if a.Add != nil {
			n++
			v, err := normalize(a.Add)
			if err != nil {
				return nil, fmt.Errorf("overlay action %d: %w", i+1, err)
			}
			a.Add = v.(map[string]any)
		}
		if a.Append != nil {
			n++
			v, err := normalize(a.Append)
			if err != nil {
				return nil, fmt.Errorf("overlay action %d: %w", i+1, err)
			}
			a.Append = v.([]any)
		}
		if a.Name != "" {
			n++
		}
		if n != 1 {
			return nil, fmt.Errorf("overlay action %d (%s): needs exactly one of add, append, name", i+1, a.Description)
		}
		if _, err := splitPointer(a.Target); err != nil || a.Target == "" {
			return nil, fmt.Errorf("overlay action %d (%s): target %q is not a JSON pointer", i+1, a.Description, a.Target)
		}
	}
	return &o, nil
}

// Source describes the Zoom document an update reads, for info.x-source.
type Source struct {
	// File is the document's file name (no directory).
	File string
	// Published is when Zoom published it, e.g. "2026-02".
	Published string
}

var yearMonth = regexp.MustCompile(`\d{4}-\d{2}`)

// sourceFromPath names a source by its file name; Published is the last
// yyyy-mm found in that name, if any.
func sourceFromPath(path string) Source {
	base := filepath.Base(path)
	s := Source{File: base}
	if m := yearMonth.FindAllString(base, -1); len(m) > 0 {
		s.Published = m[len(m)-1]
	}
	return s
}

// applier applies an overlay to an extracted document and collects warnings.
type applier struct {
	doc      map[string]any
	created  map[string]bool // pointers of values the overlay added
	warnings []string
}

func (a *applier) warnf(format string, args ...any) {
	a.warnings = append(a.warnings, fmt.Sprintf(format, args...))
}

// isCreated reports whether the value at p, or one of its ancestors, was
// added by the overlay.
func (a *applier) isCreated(p string) bool {
	for {
		if a.created[p] {
			return true
		}
		i := strings.LastIndexByte(p, '/')
		if i <= 0 {
			return false
		}
		p = p[:i]
	}
}

// applyOverlay applies o to doc (an extract of src) in place and returns
// warnings, in a stable order, about additions that no longer apply.
func applyOverlay(doc map[string]any, o *Overlay, src Source) ([]string, error) {
	a := &applier{doc: doc, created: map[string]bool{}}
	a.info(o)
	a.setSource(o, src)
	for _, act := range o.Actions {
		if err := a.action(act); err != nil {
			return nil, fmt.Errorf("overlay action %q: %w", act.Description, err)
		}
	}
	if o.OAuth != nil {
		a.oauth(o)
	}
	a.checkEnumNames("", doc)
	return a.warnings, nil
}

func (a *applier) info(o *Overlay) {
	info, ok := a.doc["info"].(map[string]any)
	if !ok {
		info = map[string]any{}
		a.doc["info"] = info
	}
	if o.Info.DescriptionSuffix != "" {
		if d, _ := info["description"].(string); d != "" {
			info["description"] = strings.TrimRight(d, " \n") + " " + o.Info.DescriptionSuffix
		} else {
			info["description"] = o.Info.DescriptionSuffix
		}
	}
}

// setSource records where the document came from in info.x-source.
func (a *applier) setSource(o *Overlay, src Source) {
	info := a.doc["info"].(map[string]any)
	title, _ := info["title"].(string)
	name := strings.TrimSuffix(strings.TrimPrefix(title, "Zoom "), " API")
	xs := map[string]any{
		"document":  fmt.Sprintf("Zoom %s API OpenAPI document (%s)", name, src.File),
		"operation": o.Operation.String(),
	}
	if v, ok := info["version"]; ok {
		xs["documentVersion"] = fmt.Sprint(v)
	}
	if src.Published != "" {
		xs["published"] = src.Published
	}
	if u, ok := o.Info.URLs[title]; ok {
		xs["url"] = u
	}
	if o.Info.Additions != "" {
		xs["additions"] = o.Info.Additions
	}
	if _, ok := info["x-source"]; ok {
		a.warnf("Zoom's info now has x-source; replaced by the project's provenance")
	}
	info["x-source"] = xs
}

// oauth adds the overlay's OAuth requirement with Zoom's scopes, and lists
// those scopes in the flows of the overlay's security scheme.
func (a *applier) oauth(o *Overlay) {
	opPath := o.Operation.pointer()
	opVal, _ := lookup(a.doc, opPath)
	op := opVal.(map[string]any)
	scopes := []any{}
	if ext, ok := op["x-extensions"].(map[string]any); ok {
		for _, k := range []string{"x-macro-scopes", "x-granular-scopes"} {
			list, _ := ext[k].([]any)
			for _, s := range list {
				if str, ok := s.(string); ok {
					scopes = append(scopes, str)
				}
			}
		}
	}
	if len(scopes) == 0 {
		a.warnf("oauth: Zoom's document lists no scopes for %s (x-extensions x-macro-scopes, x-granular-scopes); the %s requirement has none", o.Operation, o.OAuth.Scheme)
	}
	reqs, _ := op["security"].([]any)
	if len(reqs) == 0 {
		reqs = []any{map[string]any{}}
	}
	for i, r := range reqs {
		m, ok := r.(map[string]any)
		if !ok {
			continue
		}
		if _, has := m[o.OAuth.Scheme]; has {
			a.warnf("oauth: Zoom's document now has %s in security requirement %d of %s; kept Zoom's", o.OAuth.Scheme, i, o.Operation)
			continue
		}
		m[o.OAuth.Scheme] = clone(scopes)
	}
	op["security"] = reqs

	scopeMap := map[string]any{}
	for _, s := range scopes {
		name := s.(string)
		desc, ok := o.OAuth.ScopeDescriptions[name]
		if !ok {
			a.warnf("oauth: scope %q has no description in the overlay (oauth.scopeDescriptions)", name)
		}
		scopeMap[name] = desc
	}
	for _, name := range sortedKeys(o.OAuth.ScopeDescriptions) {
		if _, ok := scopeMap[name]; !ok && len(scopes) > 0 {
			a.warnf("oauth: Zoom does not list scope %q for %s; left out of %s", name, o.Operation, o.OAuth.Scheme)
		}
	}
	flowsPath := []string{"components", "securitySchemes", o.OAuth.Scheme, "flows"}
	flows, ok := lookup(a.doc, flowsPath)
	if !ok || !a.isCreated(joinPointer(flowsPath)) {
		a.warnf("oauth: security scheme %s has no flows added by the overlay; scopes not set", o.OAuth.Scheme)
		return
	}
	fm, _ := flows.(map[string]any)
	for _, k := range sortedKeys(fm) {
		if flow, ok := fm[k].(map[string]any); ok {
			flow["scopes"] = clone(scopeMap)
		}
	}
}

// action applies one overlay action.
func (a *applier) action(act Action) error {
	segs, _ := splitPointer(act.Target)
	if len(segs) == 2 && segs[0] == "components" && segs[1] != "*" {
		if _, err := ensureObject(a.doc, segs); err != nil {
			return err
		}
	}
	targets := expand(a.doc, segs)
	if len(targets) == 0 {
		a.warnf("%s: Zoom's document has no %s; skipped (the addition no longer applies)", act.Description, act.Target)
		return nil
	}
	for _, t := range targets {
		p := joinPointer(t)
		val, _ := lookup(a.doc, t)
		switch {
		case act.Add != nil:
			m, ok := val.(map[string]any)
			if !ok {
				return fmt.Errorf("%s is a %T, not an object", p, val)
			}
			a.merge(act, p, m, act.Add, a.isCreated(p))
		case act.Append != nil:
			list, ok := val.([]any)
			if !ok {
				return fmt.Errorf("%s is a %T, not an array", p, val)
			}
			if err := set(a.doc, t, a.appendAll(act, p, list)); err != nil {
				return err
			}
		case act.Name != "":
			if err := a.name(act, t, val); err != nil {
				return err
			}
		}
	}
	return nil
}

// mergeable reports whether v is an object to merge member by member: an
// object with a $ref is one value.
func mergeable(v any) (map[string]any, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, false
	}
	if _, ref := m["$ref"]; ref {
		return nil, false
	}
	return m, true
}

// merge adds add's members to dst (at pointer p). ours says whether dst was
// added by the overlay; where Zoom's document already has a value, Zoom's is
// kept and a warning is given.
func (a *applier) merge(act Action, p string, dst, add map[string]any, ours bool) {
	for _, k := range sortedKeys(add) {
		kp := p + "/" + escapeSegment(k)
		cur, exists := dst[k]
		if !exists {
			dst[k] = clone(add[k])
			a.created[kp] = true
			continue
		}
		curMap, curOK := mergeable(cur)
		addMap, addOK := mergeable(add[k])
		if curOK && addOK {
			a.merge(act, kp, curMap, addMap, ours || a.isCreated(kp))
			continue
		}
		if ours || a.isCreated(kp) {
			dst[k] = clone(add[k])
			continue
		}
		if equal(cur, add[k]) {
			a.warnf("%s: Zoom's document now has %s, the same as the overlay; the addition there is no longer needed", act.Description, kp)
		} else {
			a.warnf("%s: Zoom's document now has %s; kept Zoom's value, not the overlay's", act.Description, kp)
		}
	}
}

// appendAll appends act.Append's elements to list (at pointer p).
func (a *applier) appendAll(act Action, p string, list []any) []any {
	for _, e := range act.Append {
		if dup := a.findSameKeys(list, e); dup >= 0 {
			a.warnf("%s: Zoom's document now has %s/%d; the overlay's element is not added", act.Description, p, dup)
			continue
		}
		a.created[fmt.Sprintf("%s/%d", p, len(list))] = true
		list = append(list, clone(e))
	}
	return list
}

// findSameKeys returns the index of an element of list equal to e, or, for
// an object e, with the same keys; -1 if none.
func (a *applier) findSameKeys(list []any, e any) int {
	em, isMap := e.(map[string]any)
	for i, x := range list {
		if equal(x, e) {
			return i
		}
		if xm, ok := x.(map[string]any); ok && isMap && equal(sortedKeys(xm), sortedKeys(em)) {
			return i
		}
	}
	return -1
}

// name moves the inline schema at t to /components/schemas/<act.Name>.
func (a *applier) name(act Action, t []string, val any) error {
	p := joinPointer(t)
	m, ok := val.(map[string]any)
	if !ok {
		return fmt.Errorf("%s is a %T, not a schema", p, val)
	}
	if ref, has := m["$ref"]; has {
		a.warnf("%s: Zoom's document now names the schema at %s (%v); not renamed to %s", act.Description, p, ref, act.Name)
		return nil
	}
	schemas, err := ensureObject(a.doc, []string{"components", "schemas"})
	if err != nil {
		return err
	}
	if _, taken := schemas[act.Name]; taken {
		a.warnf("%s: Zoom's document now has a schema %s; the schema at %s is left inline", act.Description, act.Name, p)
		return nil
	}
	schemas[act.Name] = m
	return set(a.doc, t, map[string]any{"$ref": "#/components/schemas/" + escapeSegment(act.Name)})
}

// checkEnumNames warns where x-enum-varnames no longer names every value of
// the enum next to it (oapi-codegen would then name values by itself).
func (a *applier) checkEnumNames(p string, v any) {
	switch v := v.(type) {
	case map[string]any:
		if names, ok := v["x-enum-varnames"].([]any); ok {
			if enum, ok := v["enum"].([]any); !ok || len(enum) != len(names) {
				a.warnf("x-enum-varnames at %s names %d values but Zoom's enum has %d (%v): update gen/overlay.yaml", p, len(names), len(enum), enum)
			}
		}
		for _, k := range sortedKeys(v) {
			a.checkEnumNames(p+"/"+escapeSegment(k), v[k])
		}
	case []any:
		for i, e := range v {
			a.checkEnumNames(fmt.Sprintf("%s/%d", p, i), e)
		}
	}
}

package main

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oasdiff/oasdiff/checker"
	"github.com/oasdiff/oasdiff/diff"
	"github.com/oasdiff/oasdiff/load"
)

// Change is one difference between the old and the new openapi.yaml that
// matters to a client, as oasdiff's checks describe it.
type Change struct {
	// Level is oasdiff's: "breaking" (ERR), "may break" (WARN) or
	// "compatible" (INFO).
	Level string
	// ID is oasdiff's rule id, e.g. "response-optional-property-added".
	ID string
	// Operation is e.g. "GET /report/chat/sessions", or "components".
	Operation string
	// Text is oasdiff's description of the change.
	Text string
}

// Breaking reports whether the change breaks callers.
func (c Change) Breaking() bool { return c.Level == levelBreaking }

const (
	levelBreaking   = "breaking"
	levelMayBreak   = "may break"
	levelCompatible = "compatible"
)

// Report is the outcome of an update: warnings about the overlay, then the
// changes from the old openapi.yaml to the new one.
type Report struct {
	// Warnings are about additions in the overlay that no longer apply as
	// written because Zoom's document changed.
	Warnings []string
	// Changes are sorted: breaking first, then by operation, rule and text.
	Changes []Change
	// NoOld is set when there was no old openapi.yaml to compare with.
	NoOld bool
}

// Breaking reports whether any change breaks callers.
func (r *Report) Breaking() bool {
	return slices.ContainsFunc(r.Changes, Change.Breaking)
}

// String formats the report for a terminal or a commit message.
func (r *Report) String() string {
	var b strings.Builder
	if len(r.Warnings) > 0 {
		b.WriteString("Overlay warnings (gen/overlay.yaml: additions that no longer apply as written):\n")
		for _, w := range r.Warnings {
			fmt.Fprintf(&b, "  - %s\n", w)
		}
		b.WriteString("\n")
	}
	switch {
	case r.NoOld:
		b.WriteString("No previous openapi.yaml: nothing to compare.\n")
		return b.String()
	case len(r.Changes) == 0:
		b.WriteString("No changes for clients in openapi.yaml.\n")
		return b.String()
	}
	b.WriteString("Changes in openapi.yaml (old -> new), for a client:\n")
	counts := map[string]int{}
	for _, c := range r.Changes {
		counts[c.Level]++
		fmt.Fprintf(&b, "  %-10s  %s  %s  [%s]\n", strings.ToUpper(c.Level), c.Operation, c.Text, c.ID)
	}
	fmt.Fprintf(&b, "%d breaking, %d may break, %d compatible.\n", counts[levelBreaking], counts[levelMayBreak], counts[levelCompatible])
	return b.String()
}

// Compare reports what changes for a client between two openapi.yaml
// documents, with oasdiff's diff and all of its checks down to INFO level.
func Compare(oldSpec, newSpec []byte) (*Report, error) {
	if len(oldSpec) == 0 {
		return &Report{NoOld: true}, nil
	}
	s1, err := loadSpec("old openapi.yaml", oldSpec)
	if err != nil {
		return nil, err
	}
	s2, err := loadSpec("new openapi.yaml", newSpec)
	if err != nil {
		return nil, err
	}
	d, sources, err := diff.GetWithOperationsSourcesMap(diff.NewConfig(), s1, s2)
	if err != nil {
		return nil, fmt.Errorf("oasdiff: %w", err)
	}
	changes := checker.CheckBackwardCompatibilityUntilLevel(
		checker.NewConfig(checker.GetAllChecks()), d, sources, checker.INFO)
	slices.SortStableFunc(changes, checker.CompareChanges)
	l := checker.NewLocalizer("en")
	rep := &Report{}
	for _, c := range changes {
		op := c.GetOperation() + " " + c.GetPath()
		if c.GetOperation() == "" {
			op = c.GetSection()
		}
		rep.Changes = append(rep.Changes, Change{
			Level:     levelName(c.GetLevel()),
			ID:        c.GetId(),
			Operation: strings.TrimSpace(op),
			Text:      c.GetUncolorizedText(l),
		})
	}
	// Compatible by nature, so after oasdiff's sorted list.
	rep.Changes = append(rep.Changes, docChanges(s1.Spec, s2.Spec)...)
	return rep, nil
}

func levelName(l checker.Level) string {
	switch {
	case l >= checker.ERR:
		return levelBreaking
	case l == checker.WARN:
		return levelMayBreak
	default:
		return levelCompatible
	}
}

func loadSpec(name string, data []byte) (*load.SpecInfo, error) {
	loader := openapi3.NewLoader()
	spec, err := loader.LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", name, err)
	}
	return &load.SpecInfo{Url: name, Spec: spec, Version: spec.Info.Version}, nil
}

// Rule ids of the changes oasdiff does not see: they live in prose and
// extensions, yet matter to whoever sizes rate limits or grants scopes.
const (
	ruleRateLimitLabel = "rate-limit-label-changed"
	ruleDescription    = "operation-description-changed"
)

// rateLimitLabel finds Zoom's rate-limit label in an operation description:
// "**[Rate Limit Label](...):** `MEDIUM`".
var rateLimitLabel = regexp.MustCompile("Rate Limit Label\\]\\([^)]*\\):\\*\\*\\s*`([^`]+)`")

// docChanges reports, for every operation in both documents, a changed
// rate-limit label and otherwise changed description. Neither breaks a
// client's code, so both are compatible.
func docChanges(old, new *openapi3.T) []Change {
	var out []Change
	for _, path := range new.Paths.InMatchingOrder() {
		newItem, oldItem := new.Paths.Value(path), old.Paths.Value(path)
		if oldItem == nil {
			continue
		}
		ops := newItem.Operations()
		methods := make([]string, 0, len(ops))
		for m := range ops {
			methods = append(methods, m)
		}
		slices.Sort(methods)
		for _, method := range methods {
			o, n := oldItem.GetOperation(method), ops[method]
			if o == nil || o.Description == n.Description {
				continue
			}
			where := method + " " + path
			ol, nl := label(o.Description), label(n.Description)
			if ol != nl {
				out = append(out, Change{Level: levelCompatible, ID: ruleRateLimitLabel, Operation: where,
					Text: fmt.Sprintf("the rate-limit label changed from %s to %s: check the client's rate (WithRateLimit, --rate)", orNone(ol), orNone(nl))})
			}
			out = append(out, Change{Level: levelCompatible, ID: ruleDescription, Operation: where,
				Text: "the operation's description changed (prerequisites, scopes or limits may be stated differently)"})
		}
	}
	return out
}

func label(description string) string {
	if m := rateLimitLabel.FindStringSubmatch(description); m != nil {
		return m[1]
	}
	return ""
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return "`" + s + "`"
}

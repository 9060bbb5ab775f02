// Command updatespec rebuilds openapi.yaml from a whole Zoom OpenAPI
// document: it extracts the operation named in gen/overlay.yaml with
// everything it references, applies the project's additions from that
// overlay, writes the result deterministically and prints what changed for a
// client between the old and the new openapi.yaml.
//
// Run it through make, from the module root:
//
//	make update-spec SPEC=path/to/zoom-document.json [FAIL_ON_BREAKING=1]
//
// or directly:
//
//	go run ./gen/updatespec -spec path/to/zoom-document.json -out openapi.yaml
//
// Exit status: 0 on success, 1 on an error, 2 on bad flags, 3 when
// -fail-on-breaking is set and a change breaks callers (the report is
// printed and openapi.yaml is left as it was).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

// exitBreaking is the exit status for breaking changes under -fail-on-breaking.
const exitBreaking = 3

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is the command without its process: it parses args, does the update and
// returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("updatespec", flag.ContinueOnError)
	fs.SetOutput(stderr)
	spec := fs.String("spec", "", "Zoom's whole OpenAPI `document` (JSON or YAML) to extract from (required)")
	out := fs.String("out", "openapi.yaml", "the `file` to rebuild; its current content is the old side of the change report")
	overlay := fs.String("overlay", "gen/overlay.yaml", "the project's additions (`file`)")
	published := fs.String("published", "", "when Zoom published the document, yyyy-mm (default: the last yyyy-mm in the document's file name)")
	failOnBreaking := fs.Bool("fail-on-breaking", false, "exit with status 3, leaving -out alone, when a change breaks callers")
	dryRun := fs.Bool("dry-run", false, "print the report but do not write -out")
	fs.BoolVar(dryRun, "report-only", false, "same as -dry-run")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: updatespec -spec zoom-document.json [-out openapi.yaml] [-overlay gen/overlay.yaml] [-fail-on-breaking] [-dry-run]\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *spec == "" || fs.NArg() > 0 {
		fs.Usage()
		return 2
	}

	res, err := updateFiles(Options{
		SpecPath:    *spec,
		OutPath:     *out,
		OverlayPath: *overlay,
		Published:   *published,
		DryRun:      *dryRun,
		KeepIf:      func(r *Report) bool { return *failOnBreaking && r.Breaking() },
	})
	if err != nil {
		fmt.Fprintln(stderr, "updatespec:", err)
		return 1
	}
	if _, err := io.WriteString(stdout, res.Report.String()); err != nil {
		fmt.Fprintln(stderr, "updatespec:", err)
		return 1
	}
	if *failOnBreaking && res.Report.Breaking() {
		fmt.Fprintln(stderr, "updatespec: the update breaks callers (-fail-on-breaking)")
		return exitBreaking
	}
	return 0
}

// Options says what updateFiles reads and writes.
type Options struct {
	SpecPath    string // Zoom's whole document
	OutPath     string // openapi.yaml; may not exist yet
	OverlayPath string // gen/overlay.yaml
	Published   string // overrides the yyyy-mm taken from SpecPath's name
	DryRun      bool   // do not write OutPath
	// KeepIf, when set and true for the report, also leaves OutPath alone.
	KeepIf func(*Report) bool
}

// Result is what an update produced.
type Result struct {
	// Spec is the new openapi.yaml.
	Spec []byte
	// Changed reports whether Spec differs from the old file.
	Changed bool
	// Report is the change report, warnings included.
	Report *Report
}

// updateFiles runs an update on files.
func updateFiles(o Options) (*Result, error) {
	zoom, err := os.ReadFile(o.SpecPath)
	if err != nil {
		return nil, err
	}
	overlay, err := os.ReadFile(o.OverlayPath)
	if err != nil {
		return nil, err
	}
	old, err := os.ReadFile(o.OutPath)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	src := sourceFromPath(o.SpecPath)
	if o.Published != "" {
		src.Published = o.Published
	}
	res, err := Update(zoom, overlay, old, src)
	if err != nil {
		return nil, err
	}
	keep := o.DryRun || (o.KeepIf != nil && o.KeepIf(res.Report))
	if res.Changed && !keep {
		if err := os.WriteFile(o.OutPath, res.Spec, 0o644); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// Update builds the new openapi.yaml from Zoom's whole document and the
// overlay, and reports the changes from old (empty when there is none).
func Update(zoomDoc, overlay, old []byte, src Source) (*Result, error) {
	spec, warnings, err := Build(zoomDoc, overlay, src)
	if err != nil {
		return nil, err
	}
	rep, err := Compare(old, spec)
	if err != nil {
		return nil, err
	}
	rep.Warnings = warnings
	return &Result{Spec: spec, Changed: string(spec) != string(old), Report: rep}, nil
}

// Build extracts the overlay's operation from Zoom's whole document, applies
// the overlay and returns the YAML of the result, with warnings about
// additions that no longer apply.
func Build(zoomDoc, overlay []byte, src Source) ([]byte, []string, error) {
	o, err := loadOverlay(overlay)
	if err != nil {
		return nil, nil, err
	}
	doc, err := decodeDocument(zoomDoc)
	if err != nil {
		return nil, nil, err
	}
	ext, err := extract(doc, o.Operation)
	if err != nil {
		return nil, nil, err
	}
	warnings, err := applyOverlay(ext, o, src)
	if err != nil {
		return nil, nil, err
	}
	out, err := encodeYAML(ext)
	if err != nil {
		return nil, nil, err
	}
	return out, warnings, nil
}

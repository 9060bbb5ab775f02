// Command updatespec rebuilds openapi.yaml from a whole Zoom OpenAPI
// document: it extracts the operation gen/overlay.yaml names (x-extract) with
// everything it references, applies that standard OpenAPI Overlay, writes
// the result deterministically, prints what changed for a client between the
// old and the new openapi.yaml, and pins the copies the contract tests read
// (Zoom's document and the operation's item, in gen/testdata, named in
// info.x-source). With -regenerate it then runs go generate and checks that
// the module still builds; if not, it puts every file back as it was.
//
// Run it through make, from the module root:
//
//	make update-spec SPEC=path/to/zoom-document.json [PUBLISHED=yyyy-mm] [FAIL_ON_BREAKING=1]
//
// or directly:
//
//	go run ./gen/updatespec -spec path/to/zoom-document.json -regenerate
//
// Exit status: 0 on success; 1 on an error; 2 on bad flags; 3 when
// -fail-on-breaking is set and a change breaks callers (nothing is written);
// 4 when the regenerated module does not build (everything is rolled back).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Exit statuses besides 0, 1 and 2.
const (
	exitBreaking   = 3 // -fail-on-breaking and a breaking change: nothing written
	exitRolledBack = 4 // the regenerated module does not build: rolled back
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is the command without its process: it parses args, does the update and
// returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("updatespec", flag.ContinueOnError)
	fs.SetOutput(stderr)
	spec := fs.String("spec", "", "Zoom's whole OpenAPI `document` (JSON or YAML) to extract from (required)")
	root := fs.String("root", ".", "the module `directory`: its openapi.yaml, gen/overlay.yaml, gen/testdata and generated code")
	pub := fs.String("published", "", "when Zoom published the document, `yyyy-mm` (default: the document's info.x-published, else the last yyyy-mm in its file name, else unknown)")
	failOnBreaking := fs.Bool("fail-on-breaking", false, "exit with status 3, writing nothing, when a change breaks callers")
	dryRun := fs.Bool("dry-run", false, "print the report but write nothing")
	fs.BoolVar(dryRun, "report-only", false, "same as -dry-run")
	regen := fs.Bool("regenerate", false, "after writing, run go generate and check the module builds (go build, go vet); roll back if not")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: updatespec -spec zoom-document.json [-published yyyy-mm] [-root .] [-fail-on-breaking] [-dry-run] [-regenerate]\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *spec == "" || fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	if err := checkPublished(*pub); err != nil {
		fmt.Fprintln(stderr, "updatespec:", err)
		return 2
	}

	src := sourceFromPath(*spec)
	src.Published = *pub
	res, err := updateFromFiles(*spec, *root, src)
	if err != nil {
		fmt.Fprintln(stderr, "updatespec:", err)
		return 1
	}
	if _, err := io.WriteString(stdout, res.Report.String()); err != nil {
		fmt.Fprintln(stderr, "updatespec:", err)
		return 1
	}
	switch {
	case *failOnBreaking && res.Report.Breaking():
		fmt.Fprintln(stderr, "updatespec: the update breaks callers (-fail-on-breaking): nothing was written; openapi.yaml, the generated code and "+pinnedDir+" are unchanged")
		return exitBreaking
	case *dryRun:
		fmt.Fprintln(stderr, "updatespec: dry run: nothing was written")
		return 0
	}
	return accept(*root, res, *regen, stdout, stderr)
}

// accept writes an update into the module at root and, with regen, checks
// that the regenerated module builds, rolling back if not.
func accept(root string, res *Result, regen bool, stdout, stderr io.Writer) int {
	snap, err := takeSnapshot(root, touchedPaths...)
	if err != nil {
		fmt.Fprintln(stderr, "updatespec:", err)
		return 1
	}
	fail := func(err error) int {
		fmt.Fprintln(stderr, "updatespec:", err)
		if rerr := snap.restore(); rerr != nil {
			fmt.Fprintln(stderr, "updatespec: rolling back:", rerr)
		}
		return 1
	}
	if err := res.write(root); err != nil {
		return fail(err)
	}
	written := fmt.Sprintf("wrote openapi.yaml, %s and %s", res.Pinned.Document, res.Pinned.Item)
	if !regen {
		fmt.Fprintf(stdout, "\nupdatespec: %s. Next: go generate ./... && go test ./...\n", written)
		return 0
	}
	if out, err := regenerate(root); err != nil {
		if rerr := snap.restore(); rerr != nil {
			fmt.Fprintln(stderr, "updatespec: rolling back:", rerr)
			return 1
		}
		fmt.Fprint(stderr, rollbackMessage(res.Report, err, out))
		return exitRolledBack
	}
	fmt.Fprintf(stdout, "\nupdatespec: %s, regenerated the code; the module builds.\n"+
		"Next: go test ./... — a test that fails names a decision left to you (a field to map, a value to name).\n", written)
	return 0
}

// touchedPaths are what an accepted update may change, relative to the
// module root; a rollback puts them back as they were.
var touchedPaths = []string{"openapi.yaml", pinnedDir, "api"}

// updateFromFiles reads the document, the module's overlay and openapi.yaml
// and builds the update.
func updateFromFiles(specPath, root string, src Source) (*Result, error) {
	zoom, err := os.ReadFile(specPath)
	if err != nil {
		return nil, err
	}
	overlay, err := os.ReadFile(filepath.Join(root, "gen", "overlay.yaml"))
	if err != nil {
		return nil, err
	}
	old, err := os.ReadFile(filepath.Join(root, "openapi.yaml"))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	return Update(zoom, overlay, old, src)
}

// Result is what an update produced.
type Result struct {
	// Spec is the new openapi.yaml.
	Spec []byte
	// Report is the change report, warnings included.
	Report *Report
	// Document is Zoom's document as read, and Item the operation's path item
	// as Zoom published it: the pinned copies.
	Document, Item []byte
	// Pinned says where they go; OldPinned where the old openapi.yaml had them.
	Pinned, OldPinned pinned
}

// write stores the new openapi.yaml and the pinned copies under root, and
// removes the old pinned copies they replace.
func (r *Result) write(root string) error {
	files := map[string][]byte{"openapi.yaml": r.Spec, r.Pinned.Document: r.Document, r.Pinned.Item: r.Item}
	for _, name := range sortedKeys(files) {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, files[name], 0o644); err != nil {
			return err
		}
	}
	for _, old := range []string{r.OldPinned.Document, r.OldPinned.Item} {
		if old == "" || files[old] != nil || filepath.Dir(filepath.FromSlash(old)) != filepath.FromSlash(pinnedDir) {
			continue
		}
		if err := os.Remove(filepath.Join(root, filepath.FromSlash(old))); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

// Update builds the new openapi.yaml from Zoom's whole document and the
// overlay, and reports the changes from old (empty when there is none).
func Update(zoomDoc, overlay, old []byte, src Source) (*Result, error) {
	b, err := Build(zoomDoc, overlay, src)
	if err != nil {
		return nil, err
	}
	rep, err := Compare(old, b.Spec)
	if err != nil {
		return nil, err
	}
	rep.Warnings = b.Warnings
	return &Result{
		Spec: b.Spec, Report: rep,
		Document: zoomDoc, Item: b.Item, Pinned: b.Pinned, OldPinned: oldPinned(old),
	}, nil
}

// Built is what Build makes of Zoom's document.
type Built struct {
	Spec     []byte   // the new openapi.yaml
	Warnings []string // additions that no longer apply as written
	Item     []byte   // the operation's path item as Zoom published it
	Pinned   pinned   // where the update pins the document and the item
}

// Build extracts the overlay's operation from Zoom's whole document, applies
// the overlay, records the source in info.x-source and returns the YAML of
// the result, with warnings about additions that no longer apply.
func Build(zoomDoc, overlay []byte, src Source) (*Built, error) {
	o, err := loadOverlay(overlay)
	if err != nil {
		return nil, err
	}
	doc, err := decodeDocument(zoomDoc)
	if err != nil {
		return nil, err
	}
	ext, err := extract(doc, o.Operation)
	if err != nil {
		return nil, err
	}
	var warnings []string
	if _, ok := lookup(ext, []string{"info", "x-source"}); ok {
		warnings = append(warnings, "Zoom's info now has x-source; replaced by the project's provenance")
		delete(ext["info"].(map[string]any), "x-source")
	}
	out, overlayWarnings, err := applyOverlay(ext, o)
	if err != nil {
		return nil, err
	}
	warnings = append(warnings, overlayWarnings...)
	warnings = append(warnings, checkScopes(out, o.Operation)...)
	warnings = append(warnings, checkEnumNames("", out)...)

	when := published(src, doc)
	pin := pinnedPaths(src.File, when, o.Operation)
	setSource(out, o.Operation, src, when, pin)
	spec, err := encodeYAML(out)
	if err != nil {
		return nil, err
	}
	item, err := pathItemJSON(zoomDoc, doc, o.Operation)
	if err != nil {
		return nil, err
	}
	return &Built{Spec: spec, Warnings: warnings, Item: item, Pinned: pin}, nil
}

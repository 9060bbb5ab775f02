package gen_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// specTooling are import-path fragments of the OpenAPI and YAML tooling that
// only the fake Zoom, the contract tests and the generator may link.
var specTooling = []string{"kin-openapi", "yaml", "jsonschema", "oapi-codegen/v2", "oasdiff", "speakeasy"}

// TestWrapperLinksNoSpecTooling: a program that imports only wrapper links
// the models and client of package api, never the strict server, the
// embedded spec or what they need (kin-openapi, YAML, JSON Schema). It lists
// what "go build" would link with "go list -deps".
func TestWrapperLinksNoSpecTooling(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to list dependencies: %v", err)
	}
	out, err := exec.Command(goTool, "list", "-deps", "github.com/zoomkit/chatsessions/wrapper").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	for _, want := range []string{"github.com/zoomkit/chatsessions/api", "github.com/oapi-codegen/runtime", "net/http"} {
		if !slices.Contains(deps, want) {
			t.Errorf("go list -deps wrapper lacks %s; listed:\n%s", want, out)
		}
	}
	for _, dep := range deps {
		for _, bad := range specTooling {
			if strings.Contains(dep, bad) {
				t.Errorf("wrapper links %s (%s tooling): keep it out of package api and wrapper", dep, bad)
			}
		}
	}
}

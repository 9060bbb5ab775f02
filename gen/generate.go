// Package gen holds how the generated packages are made from openapi.yaml:
// api (models and client, what a Go backend links) from config.yaml, and
// api/apiserver (strict server interface and embedded spec, for the fake
// Zoom and the contract tests) from server.yaml.
//
// Run "go generate ./..." from the module root. The generator runs at the
// version pinned in go.mod (see tools.go), never a globally installed one.
package gen

//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config config.yaml ../openapi.yaml
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config server.yaml ../openapi.yaml

// Package gen holds how package api is generated from openapi.yaml.
//
// Run "go generate ./..." from the module root. The generator runs at the
// version pinned in go.mod (see tools.go), never a globally installed one.
package gen

//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config config.yaml ../openapi.yaml

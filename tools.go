//go:build tools

// Package tools pins the code generator in go.mod, so that go generate runs
// the version this module records and never a globally installed one.
package tools

import (
	_ "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen"
)

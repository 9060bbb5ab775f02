package main

import (
	"bytes"
	"fmt"
	"sort"

	"go.yaml.in/yaml/v3"
)

// keyRank orders the keys OpenAPI readers look for first; other keys follow
// in byte order. The order is fixed, so the output depends only on content.
var keyRank = map[string]int{}

func init() {
	for i, k := range []string{
		"openapi", "info", "externalDocs", "servers", "tags", "paths", "components",
		"$ref", "name", "in", "title", "summary", "description", "operationId",
		"type", "format", "required", "deprecated", "example", "enum", "x-enum-varnames",
	} {
		keyRank[k] = i + 1
	}
}

// collections are the keys whose value maps names (of properties, responses,
// schemas...) to objects: their keys are listed in byte order only.
var collections = map[string]bool{
	"paths": true, "properties": true, "responses": true, "schemas": true, "headers": true,
	"parameters": true, "securitySchemes": true, "requestBodies": true, "examples": true,
	"links": true, "callbacks": true, "content": true, "encoding": true, "scopes": true,
	"flows": true, "variables": true, "patternProperties": true, "mapping": true,
}

// orderedKeys returns m's keys: for a collection in byte order, otherwise
// ranked ones first, then the rest in byte order.
func orderedKeys(m map[string]any, collection bool) []string {
	keys := sortedKeys(m)
	if collection {
		return keys
	}
	sort.SliceStable(keys, func(i, j int) bool {
		ri, rj := keyRank[keys[i]], keyRank[keys[j]]
		if ri == 0 || rj == 0 {
			return ri != 0 && rj == 0
		}
		return ri < rj
	})
	return keys
}

// encodeYAML writes doc as YAML with two-space indentation and the key
// order of orderedKeys. Equal documents give equal bytes.
func encodeYAML(doc map[string]any) ([]byte, error) {
	n, err := toNode(doc, false)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(n); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// toNode converts v; collection says whether v is the value of a
// collections key in an object that is not itself a collection.
func toNode(v any, collection bool) (*yaml.Node, error) {
	switch v := v.(type) {
	case map[string]any:
		n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		for _, k := range orderedKeys(v, collection) {
			kn, err := scalarNode(k)
			if err != nil {
				return nil, err
			}
			vn, err := toNode(v[k], !collection && collections[k])
			if err != nil {
				return nil, err
			}
			n.Content = append(n.Content, kn, vn)
		}
		return n, nil
	case []any:
		n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		for _, e := range v {
			en, err := toNode(e, false)
			if err != nil {
				return nil, err
			}
			n.Content = append(n.Content, en)
		}
		return n, nil
	case string, int64, float64, bool, nil:
		return scalarNode(v)
	default:
		return nil, fmt.Errorf("cannot write %T as YAML", v)
	}
}

// scalarNode lets the YAML encoder choose how to write a scalar, so that
// strings such as "300", "2020-03-01" or "1:1" are quoted and stay strings.
func scalarNode(v any) (*yaml.Node, error) {
	var n yaml.Node
	if err := n.Encode(v); err != nil {
		return nil, err
	}
	return &n, nil
}

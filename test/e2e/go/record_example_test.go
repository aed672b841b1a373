// Copied next to examples/go/main.go by the e2e (test/e2e/suite/harness/package.ts), after the Go SDK has been generated into the
// copy's sdks/vmafx-k8s-vmafx; not part of the example. It runs the example's program under the Go SDK's mocks and
// writes what was registered (type, name and wire-format inputs) to $VMAFX_RECORD_FILE, for verify.ts to compare with
// the YAML example.
package main

import (
	"encoding/json"
	"os"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

type recordingMocks struct {
	mu         sync.Mutex
	registered []map[string]any
}

func (m *recordingMocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.registered = append(m.registered, map[string]any{
		"type": args.TypeToken, "name": args.Name, "inputs": args.Inputs.Mappable(),
	})
	// A component's outputs come from its provider's Construct. The Go SDK reads an output the mock leaves out from
	// the input of the same name, and `namespace` is NamespaceSettings in but the namespace's name out, so the mock
	// answers with placeholder outputs of the schema's types.
	return args.Name + "-id", resource.NewPropertyMapFromMap(map[string]any{
		"namespace":         "mock-namespace",
		"serviceUrl":        "http://mock",
		"kubectlCommands":   []any{},
		"networkPolicyHint": "mock",
	}), nil
}

func (m *recordingMocks) Call(pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return resource.PropertyMap{}, nil
}

func TestRecordExample(t *testing.T) {
	out := os.Getenv("VMAFX_RECORD_FILE")
	if out == "" {
		t.Fatal("VMAFX_RECORD_FILE must name the JSON file to write the registrations to")
	}
	mocks := &recordingMocks{}
	if err := pulumi.RunErr(program, pulumi.WithMocks("vmafx-go-example", "prod", mocks)); err != nil {
		t.Fatalf("examples/go failed under mocks: %v", err)
	}
	data, err := json.MarshalIndent(map[string]any{"registered": mocks.registered}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

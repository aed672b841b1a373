// Command sdkgen writes the Python or Go SDK of a Pulumi package schema, with the code generators of the pinned Pulumi
// (github.com/pulumi/pulumi/pkg/v3/codegen/python and codegen/go) that pulumi-language-python and pulumi-language-go
// run for `pulumi package add` and `pulumi package gen-sdk`. The Go module proxy here refuses both language hosts, so
// the e2e calls the generators directly to check examples/python and examples/go against the SDKs their users get.
//
//	sdkgen python|go <schema.json> <out dir>
//
// Both are generated with the schema's supportPack on, as `pulumi package add` generates local SDKs (into
// sdks/<namespace>-<name>). The Go SDK is then a module of its own, named from the package
// (github.com/<namespace>/pulumi-<name>/sdk/go, here github.com/vmafx-k8s/pulumi-vmafx/sdk/go;
// example.com/pulumi-<name>/sdk/go for a schema without a namespace), which a program replaces with the SDK's
// directory. The Python SDK's module is <namespace>_<name> (vmafx_k8s_vmafx; pulumi_<name> without a namespace).
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/blang/semver"
	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// noOtherPackages is the loader for a schema that references no other package: any lookup is an error.
type noOtherPackages struct{}

func (noOtherPackages) LoadPackage(pkg string, _ *semver.Version) (*schema.Package, error) {
	return nil, fmt.Errorf("the schema references package %q; sdkgen loads no other packages", pkg)
}

func (l noOtherPackages) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return l.LoadPackage(d.Name, d.Version)
}

func (l noOtherPackages) LoadPackageReference(pkg string, v *semver.Version) (schema.PackageReference, error) {
	_, err := l.LoadPackage(pkg, v)
	return nil, err
}

func (l noOtherPackages) LoadPackageReferenceV2(_ context.Context, d *schema.PackageDescriptor) (schema.PackageReference, error) {
	return l.LoadPackageReference(d.Name, d.Version)
}

func main() {
	if len(os.Args) != 4 || (os.Args[1] != "python" && os.Args[1] != "go") {
		fmt.Fprintln(os.Stderr, "usage: sdkgen python|go <schema.json> <out dir>")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2], os.Args[3]); err != nil {
		fmt.Fprintf(os.Stderr, "sdkgen: %v\n", err)
		os.Exit(1)
	}
}

func run(language, schemaFile, out string) error {
	data, err := os.ReadFile(schemaFile)
	if err != nil {
		return err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(data, &spec); err != nil {
		return fmt.Errorf("%s: %w", schemaFile, err)
	}
	// `pulumi package add` always turns supportPack on for the local SDK it generates (pkg/cmd/pulumi/packages): the Go
	// SDK becomes a module of its own, the Python SDK carries the schema's version.
	if spec.Meta == nil {
		spec.Meta = &schema.MetadataSpec{}
	}
	spec.Meta.SupportPack = true
	pkg, diags, err := schema.BindSpec(spec, noOtherPackages{}, schema.ValidationOptions{})
	if err != nil {
		return fmt.Errorf("binding %s: %w", schemaFile, err)
	}
	if diags.HasErrors() {
		return fmt.Errorf("binding %s: %s", schemaFile, diags.Error())
	}
	var files map[string][]byte
	if language == "go" {
		files, err = gogen.GeneratePackage("pulumi-language-go", pkg, nil)
	} else {
		files, err = python.GeneratePackage("pulumi-language-python", pkg, nil, noOtherPackages{})
	}
	if err != nil {
		return err
	}
	for name, content := range files {
		path := filepath.Join(out, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, content, 0o644); err != nil {
			return err
		}
	}
	fmt.Printf("wrote %d files of the %s SDK of package %s to %s\n", len(files), language, pkg.Name, out)
	return nil
}

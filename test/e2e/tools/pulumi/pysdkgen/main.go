// Command pysdkgen writes the Python SDK of a Pulumi package schema, with the code generator of the pinned Pulumi
// (github.com/pulumi/pulumi/pkg/v3/codegen/python) that pulumi-language-python runs for `pulumi package add` and
// `pulumi package gen-sdk --language python`. The Go module proxy here refuses pulumi-language-python itself, so the
// e2e calls the generator directly to check examples/python against the SDK its users would get.
//
//	pysdkgen <schema.json> <out dir>
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// noOtherPackages is the loader for a schema that references no other package: any lookup is an error.
type noOtherPackages struct{}

func (noOtherPackages) LoadPackage(pkg string, _ *semver.Version) (*schema.Package, error) {
	return nil, fmt.Errorf("the schema references package %q; pysdkgen loads no other packages", pkg)
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
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: pysdkgen <schema.json> <out dir>")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintf(os.Stderr, "pysdkgen: %v\n", err)
		os.Exit(1)
	}
}

func run(schemaFile, out string) error {
	data, err := os.ReadFile(schemaFile)
	if err != nil {
		return err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(data, &spec); err != nil {
		return fmt.Errorf("%s: %w", schemaFile, err)
	}
	pkg, diags, err := schema.BindSpec(spec, noOtherPackages{}, schema.ValidationOptions{})
	if err != nil {
		return fmt.Errorf("binding %s: %w", schemaFile, err)
	}
	if diags.HasErrors() {
		return fmt.Errorf("binding %s: %s", schemaFile, diags.Error())
	}
	files, err := python.GeneratePackage("pulumi-language-python", pkg, nil, noOtherPackages{})
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
	fmt.Printf("wrote %d files of package %s to %s\n", len(files), pkg.Name, out)
	return nil
}

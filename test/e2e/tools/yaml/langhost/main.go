// Command pulumi-language-yaml is the Pulumi YAML language host of github.com/pulumi/pulumi-yaml, with one method
// added.
//
// The Go module proxy reachable from our machines serves pulumi-yaml only at v1.11.1 and v1.25.0. v1.25.0 runs YAML
// programs with CLI v3.248.0, but it predates LanguageRuntime.Link (pulumi/pulumi-yaml#929), which the CLI calls
// since it stopped special-casing YAML when linking an SDK (pulumi/pulumi#21580); without it `pulumi package add`
// fails with "method Link not implemented". For YAML there is nothing to link: the CLI records the package under
// `packages:` in Pulumi.yaml itself. So Link here only returns the usage hint, as upstream's does, and every other
// call is pulumi-yaml v1.25.0's own.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/pulumi/pulumi-yaml/pkg/server"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
)

type linkingHost struct {
	pulumirpc.LanguageRuntimeServer
}

func (linkingHost) Link(_ context.Context, req *pulumirpc.LinkRequest) (*pulumirpc.LinkResponse, error) {
	var names []string
	for _, dep := range req.GetPackages() {
		if name := dep.GetPackage().GetName(); name != "" {
			names = append(names, name)
		}
	}
	return &pulumirpc.LinkResponse{ImportInstructions: fmt.Sprintf(
		"Pulumi YAML needs no SDK: use the resources of %s by their type tokens (`type: <package>:<module>:<Resource>`).",
		strings.Join(names, ", "))}, nil
}

func main() {
	// The flags upstream's main accepts; the engine passes -root and may pass -tracing.
	tracing := flag.String("tracing", "", "Emit tracing to a Zipkin-compatible tracing endpoint")
	flag.String("root", "", "Root of the program execution")
	flag.String("compiler", "", "[obsolete] Compiler to use to pre-process YAML")
	flag.Parse()
	var engineAddress string
	if args := flag.Args(); len(args) > 0 {
		engineAddress = args[0]
	}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv,
				linkingHost{server.NewLanguageHost(engineAddress, *tracing, false /* useRPCLoader */)})
			return nil
		},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-yaml: could not start the gRPC server: %v\n", err)
		os.Exit(1)
	}
	// The engine reads the port from the first line of stdout.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-yaml: %v\n", err)
		os.Exit(1)
	}
}

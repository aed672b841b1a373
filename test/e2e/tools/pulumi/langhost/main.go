// Command pulumi-language-nodejs is a Node.js language host for the end-to-end tests.
//
// The Go module proxy reachable from our machines refuses the upstream module
// github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3 at every version (403 "This module version is
// not available"), so the upstream host cannot be built here. This host speaks the same LanguageRuntime gRPC
// protocol of the pinned SDK (github.com/pulumi/pulumi/sdk/v3) and hands the real work to the Node.js SDK that the
// project installs, exactly as upstream does:
//
//   - Run spawns `node <@pulumi/pulumi/cmd/run> --monitor=… --engine=… … <program>` resolved from the program's own
//     node_modules, with the stack config in PULUMI_CONFIG / PULUMI_CONFIG_SECRET_KEYS;
//   - RunPlugin(kind=analyzer) serves a small Analyzer proxy: on ConfigureStack it starts
//     `node <@pulumi/pulumi/cmd/run-policy-pack> <engine> <pack dir>` with PULUMI_NODEJS_STACK/PROJECT/… and
//     PULUMI_CONFIG set from the request, then relays every Analyzer call to it;
//   - RunPlugin(kind=resource) starts a source-based provider such as a component package (PulumiPlugin.yaml
//     `runtime: nodejs`): `node <@pulumi/pulumi/cmd/run-plugin> <plugin dir> <engine>`, which hosts the package's
//     ComponentResources through the SDK's component provider; its output and exit code are streamed back;
//   - InstallDependencies runs the package manager the lockfile names (npm unless yarn.lock or pnpm-lock.yaml) at
//     the root of the workspace the directory belongs to (or in the directory), as `pulumi package add` and
//     `pulumi install` ask for source-based plugins;
//   - GetRequiredPackages reads the `pulumi` field of the packages in node_modules (resource plugins);
//   - GetPluginInfo returns the version stamped with -ldflags -X main.version=….
//
// Everything else (program generation, SDK generation and linking, packing) is not needed by the tests and stays
// Unimplemented, which the engine reports as such if it is ever called.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/nodejs/npm"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
)

// version is stamped at build time (-X main.version=3.248.0).
var version = "0.0.0-dev"

// The Node.js SDK exits with this code after it has already shown the user an actionable error.
const nodeExitBail = 32

// 400 MiB, as the Node.js SDK and @pulumi/policy configure their own gRPC endpoints.
const maxRPCMessageSize = 400 * 1024 * 1024

func main() {
	args := os.Args[1:]
	// The engine passes flags (none are used here) followed by the engine address as the last positional argument.
	var engineAddress string
	for _, a := range args {
		if !strings.HasPrefix(a, "-") {
			engineAddress = a
		}
	}
	host := &languageHost{engineAddress: engineAddress}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, host)
			return nil
		},
		Options: []grpc.ServerOption{grpc.MaxRecvMsgSize(maxRPCMessageSize), grpc.MaxSendMsgSize(maxRPCMessageSize)},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: could not start the gRPC server: %v\n", err)
		os.Exit(1)
	}
	// The engine reads the port from the first line of stdout.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: %v\n", err)
		os.Exit(1)
	}
}

type languageHost struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	engineAddress string
}

func (h *languageHost) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

func (h *languageHost) Handshake(
	_ context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	if req.GetEngineAddress() != "" {
		h.engineAddress = req.GetEngineAddress()
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

// programDir is the directory holding the program's package.json (and node_modules).
func programDir(info *pulumirpc.ProgramInfo, pwd string) string {
	if info != nil && info.GetProgramDirectory() != "" {
		return info.GetProgramDirectory()
	}
	return pwd
}

// optionString reads a runtime option (Pulumi.yaml `runtime.options`) as a string.
func optionString(info *pulumirpc.ProgramInfo, key string) (string, bool) {
	if info == nil || info.GetOptions() == nil {
		return "", false
	}
	v, ok := info.GetOptions().GetFields()[key]
	if !ok {
		return "", false
	}
	switch k := v.GetKind().(type) {
	case *structpb.Value_StringValue:
		return k.StringValue, true
	case *structpb.Value_BoolValue:
		return strconv.FormatBool(k.BoolValue), true
	case *structpb.Value_NumberValue:
		return strconv.FormatFloat(k.NumberValue, 'f', -1, 64), true
	}
	return "", false
}

// resolveModule asks node for the file a module id resolves to from dir, as the SDK would load it.
func resolveModule(ctx context.Context, dir, id string) (string, error) {
	cmd := exec.CommandContext(ctx, "node", "-e", "process.stdout.write(require.resolve(process.argv[1]))", id)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			stderr = strings.TrimSpace(string(ee.Stderr))
		}
		return "", fmt.Errorf("it looks like the Pulumi SDK has not been installed. Have you run npm install in %s? "+
			"(cannot resolve %s: %v %s)", dir, id, err, stderr)
	}
	return strings.TrimSpace(string(out)), nil
}

// nodeEnv is the extra environment shared by programs and policy packs: TypeScript on unless `typescript: false`.
func nodeEnv(info *pulumirpc.ProgramInfo) []string {
	var env []string
	ts := "true"
	if v, ok := optionString(info, "typescript"); ok && v == "false" {
		ts = "false"
	}
	env = append(env, "PULUMI_NODEJS_TYPESCRIPT="+ts)
	if v, ok := optionString(info, "tsconfig"); ok && v != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+v)
	}
	return env
}

func nodeArgs(info *pulumirpc.ProgramInfo) []string {
	if v, ok := optionString(info, "nodeargs"); ok && strings.TrimSpace(v) != "" {
		return strings.Fields(v)
	}
	return nil
}

func configEnv(config map[string]string, secretKeys []string) ([]string, error) {
	var env []string
	if config != nil {
		b, err := json.Marshal(config)
		if err != nil {
			return nil, err
		}
		env = append(env, "PULUMI_CONFIG="+string(b))
	}
	if secretKeys == nil {
		secretKeys = []string{}
	}
	b, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, err
	}
	return append(env, "PULUMI_CONFIG_SECRET_KEYS="+string(b)), nil
}

func (h *languageHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	dir := programDir(req.GetInfo(), req.GetPwd())
	runPath, err := resolveModule(ctx, dir, "@pulumi/pulumi/cmd/run")
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}

	entry := "."
	if req.GetInfo() != nil && req.GetInfo().GetEntryPoint() != "" {
		entry = req.GetInfo().GetEntryPoint()
	} else if req.GetProgram() != "" {
		entry = req.GetProgram()
	}
	program := entry
	if !filepath.IsAbs(program) {
		program = filepath.Join(dir, program)
	}

	args := append(nodeArgs(req.GetInfo()), runPath)
	if req.GetOrganization() != "" {
		args = append(args, "--organization="+req.GetOrganization())
	}
	args = append(args,
		"--project="+req.GetProject(),
		"--stack="+req.GetStack(),
		"--pwd="+req.GetPwd(),
		"--monitor="+req.GetMonitorAddress(),
		"--engine="+h.engineAddress,
	)
	if req.GetInfo() != nil && req.GetInfo().GetRootDirectory() != "" {
		args = append(args, "--root-directory="+req.GetInfo().GetRootDirectory())
	}
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	if req.GetQueryMode() {
		args = append(args, "--query-mode")
	}
	if req.GetParallel() > 0 {
		args = append(args, "--parallel="+strconv.Itoa(int(req.GetParallel())))
	}
	args = append(args, program)
	args = append(args, req.GetArgs()...)

	env := append(os.Environ(), nodeEnv(req.GetInfo())...)
	cenv, err := configEnv(req.GetConfig(), req.GetConfigSecretKeys())
	if err != nil {
		return nil, err
	}
	env = append(env, cenv...)

	cmd := exec.CommandContext(ctx, "node", args...)
	cmd.Dir = req.GetPwd()
	cmd.Env = env
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			if status, ok := ee.Sys().(syscall.WaitStatus); ok && status.Signaled() {
				return &pulumirpc.RunResponse{
					Error: fmt.Sprintf("Program exited due to a signal: %v", status.Signal()),
				}, nil
			}
			if ee.ExitCode() == nodeExitBail {
				return &pulumirpc.RunResponse{Bail: true}, nil
			}
			return &pulumirpc.RunResponse{
				Error: fmt.Sprintf("Program exited with non-zero exit code: %d", ee.ExitCode()),
			}, nil
		}
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("Problem executing program (could not run language executor): %v", err)}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}

type packageJSON struct {
	Name    string          `json:"name"`
	Version string          `json:"version"`
	Pulumi  json.RawMessage `json:"pulumi"`
}

type pulumiField struct {
	Resource bool   `json:"resource"`
	Name     string `json:"name"`
	Version  string `json:"version"`
	Server   string `json:"server"`
}

// GetRequiredPackages lists the resource plugins that installed packages declare in their package.json `pulumi`
// field, searching node_modules (including scoped and nested node_modules) under the program directory.
func (h *languageHost) GetRequiredPackages(
	_ context.Context, req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	dir := programDir(req.GetInfo(), "")
	seen := map[string]*pulumirpc.PackageDependency{}
	var visit func(nm string, depth int)
	visit = func(nm string, depth int) {
		if depth > 8 {
			return
		}
		entries, err := os.ReadDir(nm)
		if err != nil {
			return
		}
		var pkgDirs []string
		for _, e := range entries {
			if !e.IsDir() && e.Type()&os.ModeSymlink == 0 {
				continue
			}
			if strings.HasPrefix(e.Name(), "@") {
				scoped, _ := os.ReadDir(filepath.Join(nm, e.Name()))
				for _, s := range scoped {
					pkgDirs = append(pkgDirs, filepath.Join(nm, e.Name(), s.Name()))
				}
			} else if !strings.HasPrefix(e.Name(), ".") {
				pkgDirs = append(pkgDirs, filepath.Join(nm, e.Name()))
			}
		}
		for _, pd := range pkgDirs {
			b, err := os.ReadFile(filepath.Join(pd, "package.json"))
			if err == nil {
				var pj packageJSON
				if json.Unmarshal(b, &pj) == nil && len(pj.Pulumi) > 0 {
					var pf pulumiField
					if json.Unmarshal(pj.Pulumi, &pf) == nil && pf.Resource {
						name := pf.Name
						if name == "" {
							name = strings.TrimPrefix(pj.Name, "@pulumi/")
						}
						v := pf.Version
						if v == "" {
							v = pj.Version
						}
						if !strings.HasPrefix(v, "v") {
							v = "v" + v
						}
						key := name + "@" + v
						if _, ok := seen[key]; !ok {
							seen[key] = &pulumirpc.PackageDependency{
								Name: name, Kind: "resource", Version: v, Server: pf.Server,
							}
						}
					}
				}
			}
			visit(filepath.Join(pd, "node_modules"), depth+1)
		}
	}
	visit(filepath.Join(dir, "node_modules"), 0)
	keys := make([]string, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	resp := &pulumirpc.GetRequiredPackagesResponse{}
	for _, k := range keys {
		resp.Packages = append(resp.Packages, seen[k])
	}
	return resp, nil
}

// GetRequiredPlugins is the deprecated form of GetRequiredPackages, kept for older callers.
func (h *languageHost) GetRequiredPlugins(
	ctx context.Context, req *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	pkgs, err := h.GetRequiredPackages(ctx, &pulumirpc.GetRequiredPackagesRequest{Info: req.GetInfo()})
	if err != nil {
		return nil, err
	}
	resp := &pulumirpc.GetRequiredPluginsResponse{}
	for _, p := range pkgs.GetPackages() {
		resp.Plugins = append(resp.Plugins, &pulumirpc.PluginDependency{
			Name: p.GetName(), Kind: p.GetKind(), Version: p.GetVersion(), Server: p.GetServer(),
		})
	}
	return resp, nil
}

// streamWriter relays what a child process writes as messages of a gRPC stream (RunPlugin, InstallDependencies).
type streamWriter struct {
	mu   *sync.Mutex
	send func(data []byte) error
}

func (w *streamWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.send(append([]byte(nil), p...)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// pluginStreams are the stdout and stderr writers of a RunPlugin stream.
func pluginStreams(server grpc.ServerStreamingServer[pulumirpc.RunPluginResponse]) (io.Writer, io.Writer) {
	mu := &sync.Mutex{}
	stdout := &streamWriter{mu: mu, send: func(b []byte) error {
		return server.Send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stdout{Stdout: b}})
	}}
	stderr := &streamWriter{mu: mu, send: func(b []byte) error {
		return server.Send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stderr{Stderr: b}})
	}}
	return stdout, stderr
}

// exitCode is a finished command's exit status as the engine expects it (-1 when it did not run or was killed).
func exitCode(err error) int {
	if err == nil {
		return 0
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	return -1
}

// pluginEnv is the environment the engine asked for (the host's own when it sent none) plus the Node.js settings.
func pluginEnv(req *pulumirpc.RunPluginRequest) []string {
	env := req.GetEnv()
	if len(env) == 0 {
		env = os.Environ()
	}
	return append(append([]string{}, env...), nodeEnv(req.GetInfo())...)
}

func (h *languageHost) RunPlugin(
	req *pulumirpc.RunPluginRequest, server grpc.ServerStreamingServer[pulumirpc.RunPluginResponse],
) error {
	switch req.GetKind() {
	case "analyzer":
		return h.runPolicyPack(req, server)
	case "resource", "":
		return h.runResourcePlugin(req, server)
	default:
		return status.Errorf(codes.Unimplemented, "this language host runs policy packs and resource providers, not %q plugins", req.GetKind())
	}
}

// runResourcePlugin runs a source-based provider (a component package) through the SDK's run-plugin entry, which
// loads the package, finds its ComponentResources and serves them with the component provider host. The engine
// reads the port from the first stdout line, as for a provider binary.
func (h *languageHost) runResourcePlugin(
	req *pulumirpc.RunPluginRequest, server grpc.ServerStreamingServer[pulumirpc.RunPluginResponse],
) error {
	dir := programDir(req.GetInfo(), req.GetPwd())
	ctx := server.Context()
	runPlugin, err := resolveModule(ctx, dir, "@pulumi/pulumi/cmd/run-plugin")
	if err != nil {
		return err
	}
	program := dir
	if e := req.GetInfo().GetEntryPoint(); e != "" && e != "." {
		program = filepath.Join(dir, e)
	}
	args := append(append(nodeArgs(req.GetInfo()), runPlugin, program), req.GetArgs()...)
	stdout, stderr := pluginStreams(server)

	cmd := exec.CommandContext(ctx, "node", args...)
	// The plugin's own directory, so its tsconfig.json and node_modules are the ones TypeScript and require see.
	cmd.Dir = dir
	cmd.Env = pluginEnv(req)
	cmd.Stdout = stdout
	cmd.Stderr = stderr
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 10 * time.Second
	code := exitCode(cmd.Run())
	if ctx.Err() != nil {
		return nil
	}
	return server.Send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Exitcode{Exitcode: int32(code)}})
}

func (h *languageHost) runPolicyPack(
	req *pulumirpc.RunPluginRequest, server grpc.ServerStreamingServer[pulumirpc.RunPluginResponse],
) error {
	dir := programDir(req.GetInfo(), req.GetPwd())
	ctx := server.Context()
	runPolicyPack, err := resolveModule(ctx, dir, "@pulumi/pulumi/cmd/run-policy-pack")
	if err != nil {
		return err
	}
	engine := h.engineAddress
	if len(req.GetArgs()) > 0 {
		engine = req.GetArgs()[0]
	}
	stdout, stderr := pluginStreams(server)
	p := &analyzerProxy{
		ctx:    ctx,
		dir:    dir,
		engine: engine,
		node:   append(nodeArgs(req.GetInfo()), runPolicyPack, engine, dir),
		env:    pluginEnv(req),
		stderr: stderr,
		stdout: stdout,
		exited: make(chan int, 1),
	}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterAnalyzerServer(srv, p)
			return nil
		},
		Cancel:  p.cancelServer(),
		Options: []grpc.ServerOption{grpc.MaxRecvMsgSize(maxRPCMessageSize), grpc.MaxSendMsgSize(maxRPCMessageSize)},
	})
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintf(stdout, "%d\n", handle.Port); err != nil {
		return err
	}
	var code int
	select {
	case code = <-p.exited:
	case <-ctx.Done():
		p.stop()
		code = <-p.waitExit()
	}
	close(p.cancel)
	return server.Send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Exitcode{Exitcode: int32(code)}})
}

// InstallDependencies installs a program's or a source-based plugin's packages with the package manager its lockfile
// names, streaming the manager's output back. Like upstream's host, it installs at the root of the npm/yarn/pnpm
// workspace the directory belongs to (npm.FindWorkspaceRoot): run inside one workspace member, `npm install` would
// install only that member's dependencies, while the root's `prepare` script builds every member.
func (h *languageHost) InstallDependencies(
	req *pulumirpc.InstallDependenciesRequest, server grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse],
) error {
	dir := programDir(req.GetInfo(), req.GetDirectory())
	root, err := npm.FindWorkspaceRoot(dir)
	switch {
	case err == nil:
		if err := server.Send(&pulumirpc.InstallDependenciesResponse{
			Stdout: []byte(fmt.Sprintf("Detected workspace root at %s\n", root)),
		}); err != nil {
			return err
		}
		dir = root
	case !errors.Is(err, npm.ErrNotInWorkspace):
		return fmt.Errorf("failure while trying to find the workspace root of %s: %w", dir, err)
	}
	manager := []string{"npm", "install", "--no-audit", "--no-fund"}
	switch {
	case fileExists(filepath.Join(dir, "pnpm-lock.yaml")):
		manager = []string{"pnpm", "install"}
	case fileExists(filepath.Join(dir, "yarn.lock")):
		manager = []string{"yarn", "install"}
	}
	if _, err := exec.LookPath(manager[0]); err != nil {
		return fmt.Errorf("installing the dependencies of %s needs %s on PATH: %w", dir, manager[0], err)
	}
	mu := &sync.Mutex{}
	stdout := &streamWriter{mu: mu, send: func(b []byte) error {
		return server.Send(&pulumirpc.InstallDependenciesResponse{Stdout: b})
	}}
	stderr := &streamWriter{mu: mu, send: func(b []byte) error {
		return server.Send(&pulumirpc.InstallDependenciesResponse{Stderr: b})
	}}
	cmd := exec.CommandContext(server.Context(), manager[0], manager[1:]...)
	cmd.Dir = dir
	cmd.Stdout = stdout
	cmd.Stderr = stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("`%s` in %s failed: %w", strings.Join(manager, " "), dir, err)
	}
	return nil
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// analyzerProxy stands between the engine and the Node.js policy pack. The pack reads the stack it analyses from its
// environment when it loads, so it can only start once ConfigureStack has told us the stack.
type analyzerProxy struct {
	pulumirpc.UnimplementedAnalyzerServer

	ctx    context.Context
	dir    string
	engine string
	node   []string
	env    []string
	stdout io.Writer
	stderr io.Writer

	mu      sync.Mutex
	cmd     *exec.Cmd
	conn    *grpc.ClientConn
	client  pulumirpc.AnalyzerClient
	exited  chan int
	cancel  chan bool
	started bool
	doneCh  chan int
}

func (p *analyzerProxy) cancelServer() chan bool {
	p.cancel = make(chan bool, 1)
	return p.cancel
}

func (p *analyzerProxy) waitExit() chan int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.doneCh == nil {
		ch := make(chan int, 1)
		ch <- 0
		return ch
	}
	return p.doneCh
}

func (p *analyzerProxy) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd != nil && p.cmd.Process != nil {
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
	}
}

// start launches the pack with the given extra environment and connects to the port it prints.
func (p *analyzerProxy) start(extraEnv []string) (pulumirpc.AnalyzerClient, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.started {
		if p.client == nil {
			return nil, errors.New("the policy pack failed to start")
		}
		return p.client, nil
	}
	p.started = true

	cmd := exec.Command("node", p.node...)
	cmd.Dir = p.dir
	cmd.Env = append(append([]string{}, p.env...), extraEnv...)
	cmd.Stderr = p.stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("could not start the policy pack with node: %w", err)
	}
	p.cmd = cmd
	p.doneCh = make(chan int, 1)
	portCh := make(chan string, 1)
	go func() {
		r := bufio.NewReader(out)
		line, err := r.ReadString('\n')
		if err != nil && line == "" {
			portCh <- ""
		} else {
			portCh <- strings.TrimSpace(line)
		}
		_, _ = io.Copy(p.stdout, r)
	}()
	go func() {
		code := exitCode(cmd.Wait())
		p.doneCh <- code
		p.exited <- code
	}()

	var port string
	select {
	case port = <-portCh:
	case <-time.After(2 * time.Minute):
		_ = cmd.Process.Kill()
		return nil, errors.New("the policy pack did not print its port within 2 minutes")
	}
	if _, err := strconv.Atoi(port); err != nil {
		return nil, fmt.Errorf("the policy pack did not start: it printed %q instead of a port", port)
	}
	conn, err := grpc.NewClient("127.0.0.1:"+port,
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(maxRPCMessageSize), grpc.MaxCallSendMsgSize(maxRPCMessageSize)),
	)
	if err != nil {
		return nil, err
	}
	p.conn = conn
	p.client = pulumirpc.NewAnalyzerClient(conn)
	return p.client, nil
}

// get returns the running pack, starting it without stack information if ConfigureStack never came
// (as for `pulumi policy publish`-style uses).
func (p *analyzerProxy) get() (pulumirpc.AnalyzerClient, error) {
	return p.start(nil)
}

func (p *analyzerProxy) ConfigureStack(
	ctx context.Context, req *pulumirpc.AnalyzerStackConfigureRequest,
) (*pulumirpc.AnalyzerStackConfigureResponse, error) {
	var extra []string
	add := func(k, v string) {
		if v != "" {
			extra = append(extra, k+"="+v)
		}
	}
	dry := strconv.FormatBool(req.GetDryRun())
	add("PULUMI_NODEJS_ORGANIZATION", req.GetOrganization())
	add("PULUMI_NODEJS_PROJECT", req.GetProject())
	add("PULUMI_NODEJS_STACK", req.GetStack())
	add("PULUMI_NODEJS_DRY_RUN", dry)
	add("PULUMI_ORGANIZATION", req.GetOrganization())
	add("PULUMI_PROJECT", req.GetProject())
	add("PULUMI_STACK", req.GetStack())
	add("PULUMI_DRY_RUN", dry)
	cenv, err := configEnv(req.GetConfig(), req.GetConfigSecretKeys())
	if err != nil {
		return nil, err
	}
	extra = append(extra, cenv...)
	client, err := p.start(extra)
	if err != nil {
		return nil, err
	}
	return client.ConfigureStack(ctx, req)
}

func (p *analyzerProxy) Analyze(ctx context.Context, req *pulumirpc.AnalyzeRequest) (*pulumirpc.AnalyzeResponse, error) {
	c, err := p.get()
	if err != nil {
		return nil, err
	}
	return c.Analyze(ctx, req)
}

func (p *analyzerProxy) AnalyzeStack(
	ctx context.Context, req *pulumirpc.AnalyzeStackRequest,
) (*pulumirpc.AnalyzeResponse, error) {
	c, err := p.get()
	if err != nil {
		return nil, err
	}
	return c.AnalyzeStack(ctx, req)
}

func (p *analyzerProxy) Remediate(
	ctx context.Context, req *pulumirpc.AnalyzeRequest,
) (*pulumirpc.RemediateResponse, error) {
	c, err := p.get()
	if err != nil {
		return nil, err
	}
	return c.Remediate(ctx, req)
}

func (p *analyzerProxy) GetAnalyzerInfo(ctx context.Context, req *emptypb.Empty) (*pulumirpc.AnalyzerInfo, error) {
	c, err := p.get()
	if err != nil {
		return nil, err
	}
	return c.GetAnalyzerInfo(ctx, req)
}

func (p *analyzerProxy) GetPluginInfo(ctx context.Context, req *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	c, err := p.get()
	if err != nil {
		return nil, err
	}
	return c.GetPluginInfo(ctx, req)
}

func (p *analyzerProxy) Configure(
	ctx context.Context, req *pulumirpc.ConfigureAnalyzerRequest,
) (*emptypb.Empty, error) {
	c, err := p.get()
	if err != nil {
		return nil, err
	}
	return c.Configure(ctx, req)
}

func (p *analyzerProxy) Cancel(ctx context.Context, req *emptypb.Empty) (*emptypb.Empty, error) {
	p.mu.Lock()
	c := p.client
	p.mu.Unlock()
	if c == nil {
		return &emptypb.Empty{}, nil
	}
	return c.Cancel(ctx, req)
}

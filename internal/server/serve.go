// Package server is the provider process's plumbing, kept out of the module root so main.go
// stays as small as terraform-provider-scaffolding-framework's: serving protocol 6 with the
// framework's server wrapped in releasingServer (the per-request context retention of
// terraform-plugin-framework v1.19.0), GC defaults when the environment sets none (gc.go),
// the SDK's logging turned off when no TF_LOG* variable asks for it (logging.go), and CPU/heap
// profiles for benchmark investigations (profile.go).
package server

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
)

// Options are what main passes (the fields of providerserver.ServeOpts it uses).
type Options struct {
	// Address is the provider's registry address, e.g. "registry.terraform.io/dr-provider/dr".
	Address string
	// Debug runs the provider in managed debug mode (for debuggers like delve).
	Debug bool
}

// Serve is providerserver.Serve (protocol 6) for the provider p, with the process set up
// first: profiles (DR_PROVIDER_CPUPROFILE / DR_PROVIDER_HEAPPROFILE, written when Serve
// returns), the SDK's own logs off unless a TF_LOG* variable is set, and the GC defaults of
// gc.go. It returns when Terraform stops the provider.
func Serve(p func() provider.Provider, opts Options) error {
	defer startProfile()()
	quietSDKLogs()
	tuneGC()
	return serve(opts.Address, p, opts.Debug)
}

// serve is providerserver.Serve (protocol 6) with the framework's server wrapped in
// releasingServer.
func serve(address string, p func() provider.Provider, debug bool) error {
	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	return tf6server.Serve(address, func() tfprotov6.ProviderServer {
		return newReleasingServer(providerserver.NewProtocol6(p())())
	}, opts...)
}

// frameworkServer is every RPC interface the framework's protocol 6 server implements
// (tf6server type-asserts the action, list and state store ones).
type frameworkServer interface {
	tfprotov6.ProviderServer
	tfprotov6.ActionServer
	tfprotov6.ListResourceServer
	tfprotov6.StateStoreServer
}

// releasingServer works around a retention in terraform-plugin-framework v1.19.0
// (internal/proto6server/serve.go, Server.registerContext, called by every RPC): every RPC
// appends the CancelFunc of a context derived from the request's context to a slice that only
// StopProvider clears, so each
// request's whole context chain — the gRPC stream and its metadata, the SDK's per-request
// loggers — stays reachable until the process exits: ~70 KiB per resource per RPC, ~75 MiB
// of live heap in a no-op plan of 1,000 resources (heap profile, DR_PROVIDER_HEAPPROFILE),
// which the GC also re-marks in every cycle. The per-resource RPCs below hand the framework
// a releasable context instead and release it when the RPC returns, so what the framework
// keeps is one small cancelCtx per RPC. The framework's contexts are still cancelled with
// the request (the derived context registers with the request's own cancelCtx) and by
// StopProvider. RPCs that run once per process, and actions (InvokeAction returns an event
// stream that outlives the call), are passed through unchanged.
//
// TestFrameworkStillRetainsRequestContexts fails once a framework upgrade stops retaining the
// request contexts: then this wrapper (and newReleasingServer) can go.
type releasingServer struct{ frameworkServer }

func newReleasingServer(s tfprotov6.ProviderServer) tfprotov6.ProviderServer {
	fs, ok := s.(frameworkServer)
	if !ok {
		return s
	}
	return releasingServer{fs}
}

// call runs fn with a releasable view of ctx and releases it when fn returns.
func call[Req, Resp any](ctx context.Context, req Req, fn func(context.Context, Req) (Resp, error)) (Resp, error) {
	rc := newReleasableContext(ctx)
	defer rc.release()
	return fn(rc, req)
}

func (s releasingServer) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return call(ctx, req, s.frameworkServer.ValidateResourceConfig)
}

func (s releasingServer) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return call(ctx, req, s.frameworkServer.UpgradeResourceState)
}

func (s releasingServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return call(ctx, req, s.frameworkServer.ReadResource)
}

func (s releasingServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	return call(ctx, req, s.frameworkServer.PlanResourceChange)
}

func (s releasingServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	return call(ctx, req, s.frameworkServer.ApplyResourceChange)
}

func (s releasingServer) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return call(ctx, req, s.frameworkServer.ImportResourceState)
}

func (s releasingServer) ValidateDataResourceConfig(ctx context.Context, req *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	return call(ctx, req, s.frameworkServer.ValidateDataResourceConfig)
}

func (s releasingServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	return call(ctx, req, s.frameworkServer.ReadDataSource)
}

// releasableContext forwards to its parent until released; afterwards it holds no reference
// to the parent and reads as a cancelled context without values.
type releasableContext struct{ p atomic.Pointer[ctxBox] }

type ctxBox struct{ context.Context }

var released = func() *ctxBox {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return &ctxBox{ctx}
}()

func newReleasableContext(parent context.Context) *releasableContext {
	c := &releasableContext{}
	c.p.Store(&ctxBox{parent})
	return c
}

func (c *releasableContext) release() { c.p.Store(released) }

func (c *releasableContext) Deadline() (time.Time, bool) { return c.p.Load().Deadline() }
func (c *releasableContext) Done() <-chan struct{}       { return c.p.Load().Done() }
func (c *releasableContext) Err() error                  { return c.p.Load().Err() }
func (c *releasableContext) Value(key any) any           { return c.p.Load().Value(key) }

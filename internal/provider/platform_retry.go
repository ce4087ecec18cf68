package provider

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"regexp"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// retryPolicy bounds the retries of a platform call that failed with a Retryable error
// (throttling, busy, transient internal errors). Every call the provider makes is safe to
// repeat: reads trivially, creates and operations because they carry a client token (R001-4),
// and attribute updates because they replace the whole object. Precondition failures,
// conflicts and every other class are returned at once (V-NO-RETRY).
type retryPolicy struct {
	Attempts int           // total attempts, including the first
	Initial  time.Duration // delay before the first retry
	Max      time.Duration // cap of one delay
}

// defaultRetryPolicy: 10 attempts, 50 ms doubling to at most 1 s (about 5.5 s in the worst
// case per call); at a 30 % transient error rate a call fails for good with probability 6e-6.
var defaultRetryPolicy = retryPolicy{Attempts: 10, Initial: 50 * time.Millisecond, Max: time.Second}

// RetryError is a Retryable error that persisted through every attempt. It names the call,
// the number of attempts and the last error, and unwraps to the last error (so its class is
// still Retryable for callers that keep a retry budget of their own).
type RetryError struct {
	Call     string
	Attempts int
	Elapsed  time.Duration
	Err      error
}

func (e *RetryError) Error() string {
	return fmt.Sprintf("%s gave up after %d attempts in %s; last error: %v", e.Call, e.Attempts, e.Elapsed.Round(time.Millisecond), e.Err)
}

func (e *RetryError) Unwrap() error { return e.Err }

func (p retryPolicy) delay(n int) time.Duration {
	d := p.Initial
	for i := 0; i < n && d < p.Max; i++ {
		d *= 2
	}
	d = min(d, p.Max)
	return time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
}

// retry runs fn until it succeeds, fails with a non-retryable error, the attempts are used up
// or ctx ends.
func retry[T any](ctx context.Context, p retryPolicy, call string, fn func() (T, error)) (T, error) {
	start := time.Now()
	for attempt := 1; ; attempt++ {
		v, err := fn()
		if err == nil || !platform.IsRetryable(err) {
			return v, err
		}
		if attempt >= p.Attempts {
			return v, &RetryError{Call: call, Attempts: attempt, Elapsed: time.Since(start), Err: err}
		}
		d := p.delay(attempt - 1)
		tflog.Debug(ctx, "dr platform call failed with a retryable error; retrying", map[string]any{
			"call": call, "attempt": attempt, "max_attempts": p.Attempts, "retry_in": d.String(), "error": err.Error(),
		})
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return v, errors.Join(&RetryError{Call: call, Attempts: attempt, Elapsed: time.Since(start), Err: err}, ctx.Err())
		case <-t.C:
		}
	}
}

func retry0(ctx context.Context, p retryPolicy, call string, fn func() error) error {
	_, err := retry(ctx, p, call, func() (struct{}, error) { return struct{}{}, fn() })
	return err
}

// retryingPlatform wraps a platform's driver calls (Observe, Invoke, Cancel) so that every
// call is retried per its policy; retryingPairs, retryingGroups, retryingReplicas and
// retryingServers do the same for the kinds the platform serves, and stamp every read model
// they return with the platform's capabilities (Observation.Platform), so the
// allowed_operations a resource, data source or list result reports never list an operation
// the platform cannot invoke.
type retryingPlatform struct {
	platform.Platform
	p retryPolicy
}

func (r *retryingPlatform) Observe(ctx context.Context, kind lifecycle.Kind, id string) (lifecycle.Observation, error) {
	return retry(ctx, r.p, "Observe "+string(kind), func() (lifecycle.Observation, error) { return r.Platform.Observe(ctx, kind, id) })
}

func (r *retryingPlatform) Invoke(ctx context.Context, kind lifecycle.Kind, id string, op lifecycle.Op, token string, params map[string]string) error {
	return retry0(ctx, r.p, "Invoke "+string(op)+" on "+string(kind), func() error { return r.Platform.Invoke(ctx, kind, id, op, token, params) })
}

func (r *retryingPlatform) Cancel(ctx context.Context, kind lifecycle.Kind, id string, op lifecycle.Op) error {
	return retry0(ctx, r.p, "Cancel "+string(op)+" on "+string(kind), func() error { return r.Platform.Cancel(ctx, kind, id, op) })
}

// newProviderData describes the platform p for every resource, data source, action and list
// resource: its driver calls, the kinds it serves and its inventory (the sandbox's), each
// retried with the default policy, and its capabilities (platform.CapabilitiesOf).
func newProviderData(p platform.Platform, name string, poll time.Duration, timeScale float64) *ProviderData {
	pol := defaultRetryPolicy
	caps := platform.CapabilitiesOf(p)
	d := &ProviderData{Platform: &retryingPlatform{Platform: p, p: pol}, raw: p, caps: caps, PlatformName: name, PollInterval: poll, TimeScale: timeScale}
	if k, ok := platform.PairsOf(p); ok {
		d.Pairs = retryingPairs{k: k, p: pol, caps: caps}
	}
	if k, ok := platform.GroupsOf(p); ok {
		d.Groups = retryingGroups{k: k, p: pol, caps: caps}
	}
	if k, ok := platform.ReplicasOf(p); ok {
		d.Replicas = retryingReplicas{k: k, p: pol, caps: caps}
	}
	if k, ok := platform.RecoveryServersOf(p); ok {
		d.Servers = retryingServers{k: k, p: pol, caps: caps}
	}
	if inv, ok := platform.InventoryOf(p); ok {
		d.Inventory = &retryingInventory{Inventory: inv, p: pol}
	}
	return d
}

type retryingPairs struct {
	k    platform.Pairs
	p    retryPolicy
	caps *lifecycle.Capabilities
}

func (r retryingPairs) CreatePair(ctx context.Context, spec platform.PairSpec, token string) (platform.ReplicationPair, error) {
	return retry(ctx, r.p, "CreatePair", func() (platform.ReplicationPair, error) { return r.k.CreatePair(ctx, spec, token) })
}

func (r retryingPairs) GetPair(ctx context.Context, id string) (platform.ReplicationPair, error) {
	v, err := retry(ctx, r.p, "GetPair", func() (platform.ReplicationPair, error) { return r.k.GetPair(ctx, id) })
	v.Observed.Platform = r.caps
	return v, err
}

func (r retryingPairs) UpdatePair(ctx context.Context, id string, spec platform.PairSpec) (platform.ReplicationPair, error) {
	return retry(ctx, r.p, "UpdatePair", func() (platform.ReplicationPair, error) { return r.k.UpdatePair(ctx, id, spec) })
}

func (r retryingPairs) ListPairs(ctx context.Context) ([]platform.ReplicationPair, error) {
	vs, err := retry(ctx, r.p, "ListPairs", func() ([]platform.ReplicationPair, error) { return r.k.ListPairs(ctx) })
	for i := range vs {
		vs[i].Observed.Platform = r.caps
	}
	return vs, err
}

func (r retryingPairs) ProposedPairFacts(ctx context.Context, spec platform.PairSpec) (lifecycle.Facts, error) {
	return retry(ctx, r.p, "ProposedPairFacts", func() (lifecycle.Facts, error) { return r.k.ProposedPairFacts(ctx, spec) })
}

type retryingGroups struct {
	k    platform.Groups
	p    retryPolicy
	caps *lifecycle.Capabilities
}

func (r retryingGroups) CreateGroup(ctx context.Context, spec platform.GroupSpec, token string) (platform.ProtectionGroup, error) {
	return retry(ctx, r.p, "CreateGroup", func() (platform.ProtectionGroup, error) { return r.k.CreateGroup(ctx, spec, token) })
}

func (r retryingGroups) GetGroup(ctx context.Context, id string) (platform.ProtectionGroup, error) {
	v, err := retry(ctx, r.p, "GetGroup", func() (platform.ProtectionGroup, error) { return r.k.GetGroup(ctx, id) })
	v.Observed.Platform = r.caps
	return v, err
}

func (r retryingGroups) UpdateGroup(ctx context.Context, id string, spec platform.GroupSpec) (platform.ProtectionGroup, error) {
	return retry(ctx, r.p, "UpdateGroup", func() (platform.ProtectionGroup, error) { return r.k.UpdateGroup(ctx, id, spec) })
}

func (r retryingGroups) ListGroups(ctx context.Context) ([]platform.ProtectionGroup, error) {
	vs, err := retry(ctx, r.p, "ListGroups", func() ([]platform.ProtectionGroup, error) { return r.k.ListGroups(ctx) })
	for i := range vs {
		vs[i].Observed.Platform = r.caps
	}
	return vs, err
}

func (r retryingGroups) ProposedGroupFacts(ctx context.Context, spec platform.GroupSpec) (lifecycle.Facts, error) {
	return retry(ctx, r.p, "ProposedGroupFacts", func() (lifecycle.Facts, error) { return r.k.ProposedGroupFacts(ctx, spec) })
}

func (r retryingGroups) MemberFacts(ctx context.Context, groupID string, params map[string]string) (lifecycle.Facts, error) {
	return retry(ctx, r.p, "MemberFacts", func() (lifecycle.Facts, error) { return r.k.MemberFacts(ctx, groupID, params) })
}

type retryingReplicas struct {
	k    platform.Replicas
	p    retryPolicy
	caps *lifecycle.Capabilities
}

func (r retryingReplicas) CreateReplica(ctx context.Context, spec platform.ReplicaSpec, token string) (platform.BackupReplica, error) {
	return retry(ctx, r.p, "CreateReplica", func() (platform.BackupReplica, error) { return r.k.CreateReplica(ctx, spec, token) })
}

func (r retryingReplicas) GetReplica(ctx context.Context, id string) (platform.BackupReplica, error) {
	v, err := retry(ctx, r.p, "GetReplica", func() (platform.BackupReplica, error) { return r.k.GetReplica(ctx, id) })
	v.Observed.Platform = r.caps
	return v, err
}

func (r retryingReplicas) ListReplicas(ctx context.Context) ([]platform.BackupReplica, error) {
	vs, err := retry(ctx, r.p, "ListReplicas", func() ([]platform.BackupReplica, error) { return r.k.ListReplicas(ctx) })
	for i := range vs {
		vs[i].Observed.Platform = r.caps
	}
	return vs, err
}

func (r retryingReplicas) ProposedReplicaFacts(ctx context.Context, spec platform.ReplicaSpec) (lifecycle.Facts, error) {
	return retry(ctx, r.p, "ProposedReplicaFacts", func() (lifecycle.Facts, error) { return r.k.ProposedReplicaFacts(ctx, spec) })
}

type retryingServers struct {
	k    platform.RecoveryServers
	p    retryPolicy
	caps *lifecycle.Capabilities
}

func (r retryingServers) CreateRecoveryServer(ctx context.Context, spec platform.RecoveryServerSpec, token string) (platform.RecoveryServer, error) {
	return retry(ctx, r.p, "CreateRecoveryServer", func() (platform.RecoveryServer, error) { return r.k.CreateRecoveryServer(ctx, spec, token) })
}

func (r retryingServers) GetRecoveryServer(ctx context.Context, id string) (platform.RecoveryServer, error) {
	v, err := retry(ctx, r.p, "GetRecoveryServer", func() (platform.RecoveryServer, error) { return r.k.GetRecoveryServer(ctx, id) })
	v.Observed.Platform = r.caps
	return v, err
}

func (r retryingServers) UpdateRecoveryServer(ctx context.Context, id string, spec platform.RecoveryServerSpec) (platform.RecoveryServer, error) {
	return retry(ctx, r.p, "UpdateRecoveryServer", func() (platform.RecoveryServer, error) { return r.k.UpdateRecoveryServer(ctx, id, spec) })
}

func (r retryingServers) ListRecoveryServers(ctx context.Context) ([]platform.RecoveryServer, error) {
	vs, err := retry(ctx, r.p, "ListRecoveryServers", func() ([]platform.RecoveryServer, error) { return r.k.ListRecoveryServers(ctx) })
	for i := range vs {
		vs[i].Observed.Platform = r.caps
	}
	return vs, err
}

func (r retryingServers) ProposedRecoveryServerFacts(ctx context.Context, spec platform.RecoveryServerSpec) (lifecycle.Facts, error) {
	return retry(ctx, r.p, "ProposedRecoveryServerFacts", func() (lifecycle.Facts, error) {
		return r.k.ProposedRecoveryServerFacts(ctx, spec)
	})
}

// retryingInventory retries the sandbox inventory's calls the same way.
type retryingInventory struct {
	platform.Inventory
	p retryPolicy
}

func (r *retryingInventory) PutSite(ctx context.Context, s platform.Site) (platform.Site, error) {
	return retry(ctx, r.p, "PutSite", func() (platform.Site, error) { return r.Inventory.PutSite(ctx, s) })
}

func (r *retryingInventory) GetSite(ctx context.Context, id string) (platform.Site, error) {
	return retry(ctx, r.p, "GetSite", func() (platform.Site, error) { return r.Inventory.GetSite(ctx, id) })
}

func (r *retryingInventory) ListSites(ctx context.Context) ([]platform.Site, error) {
	return retry(ctx, r.p, "ListSites", func() ([]platform.Site, error) { return r.Inventory.ListSites(ctx) })
}

func (r *retryingInventory) DeleteSite(ctx context.Context, id string) error {
	return retry0(ctx, r.p, "DeleteSite", func() error { return r.Inventory.DeleteSite(ctx, id) })
}

func (r *retryingInventory) SetSiteHealth(ctx context.Context, id string, healthy bool) (platform.Site, error) {
	return retry(ctx, r.p, "SetSiteHealth", func() (platform.Site, error) { return r.Inventory.SetSiteHealth(ctx, id, healthy) })
}

func (r *retryingInventory) PutVolume(ctx context.Context, v platform.Volume) (platform.Volume, error) {
	return retry(ctx, r.p, "PutVolume", func() (platform.Volume, error) { return r.Inventory.PutVolume(ctx, v) })
}

func (r *retryingInventory) GetVolume(ctx context.Context, id string) (platform.Volume, error) {
	return retry(ctx, r.p, "GetVolume", func() (platform.Volume, error) { return r.Inventory.GetVolume(ctx, id) })
}

func (r *retryingInventory) ListVolumes(ctx context.Context) ([]platform.Volume, error) {
	return retry(ctx, r.p, "ListVolumes", func() ([]platform.Volume, error) { return r.Inventory.ListVolumes(ctx) })
}

func (r *retryingInventory) DeleteVolume(ctx context.Context, id string) error {
	return retry0(ctx, r.p, "DeleteVolume", func() error { return r.Inventory.DeleteVolume(ctx, id) })
}

func (r *retryingInventory) AttachVolume(ctx context.Context, volumeID, serverID string) (platform.Volume, error) {
	return retry(ctx, r.p, "AttachVolume", func() (platform.Volume, error) { return r.Inventory.AttachVolume(ctx, volumeID, serverID) })
}

func (r *retryingInventory) PutServer(ctx context.Context, s platform.Server) (platform.Server, error) {
	return retry(ctx, r.p, "PutServer", func() (platform.Server, error) { return r.Inventory.PutServer(ctx, s) })
}

func (r *retryingInventory) GetServer(ctx context.Context, id string) (platform.Server, error) {
	return retry(ctx, r.p, "GetServer", func() (platform.Server, error) { return r.Inventory.GetServer(ctx, id) })
}

func (r *retryingInventory) ListServers(ctx context.Context) ([]platform.Server, error) {
	return retry(ctx, r.p, "ListServers", func() ([]platform.Server, error) { return r.Inventory.ListServers(ctx) })
}

func (r *retryingInventory) DeleteServer(ctx context.Context, id string) error {
	return retry0(ctx, r.p, "DeleteServer", func() error { return r.Inventory.DeleteServer(ctx, id) })
}

func (r *retryingInventory) CheckServerPower(ctx context.Context, id, power string) error {
	return retry0(ctx, r.p, "CheckServerPower", func() error { return r.Inventory.CheckServerPower(ctx, id, power) })
}

func (r *retryingInventory) SetServerPower(ctx context.Context, id, power string) (platform.Server, error) {
	return retry(ctx, r.p, "SetServerPower", func() (platform.Server, error) { return r.Inventory.SetServerPower(ctx, id, power) })
}

func (r *retryingInventory) PutBackup(ctx context.Context, b platform.Backup) (platform.Backup, error) {
	return retry(ctx, r.p, "PutBackup", func() (platform.Backup, error) { return r.Inventory.PutBackup(ctx, b) })
}

func (r *retryingInventory) GetBackup(ctx context.Context, id string) (platform.Backup, error) {
	return retry(ctx, r.p, "GetBackup", func() (platform.Backup, error) { return r.Inventory.GetBackup(ctx, id) })
}

func (r *retryingInventory) ListBackups(ctx context.Context) ([]platform.Backup, error) {
	return retry(ctx, r.p, "ListBackups", func() ([]platform.Backup, error) { return r.Inventory.ListBackups(ctx) })
}

func (r *retryingInventory) DeleteBackup(ctx context.Context, id string) error {
	return retry0(ctx, r.p, "DeleteBackup", func() error { return r.Inventory.DeleteBackup(ctx, id) })
}

func (r *retryingInventory) PutVault(ctx context.Context, v platform.Vault) (platform.Vault, error) {
	return retry(ctx, r.p, "PutVault", func() (platform.Vault, error) { return r.Inventory.PutVault(ctx, v) })
}

func (r *retryingInventory) GetVault(ctx context.Context, id string) (platform.Vault, error) {
	return retry(ctx, r.p, "GetVault", func() (platform.Vault, error) { return r.Inventory.GetVault(ctx, id) })
}

func (r *retryingInventory) ListVaults(ctx context.Context) ([]platform.Vault, error) {
	return retry(ctx, r.p, "ListVaults", func() ([]platform.Vault, error) { return r.Inventory.ListVaults(ctx) })
}

func (r *retryingInventory) DeleteVault(ctx context.Context, id string) error {
	return retry0(ctx, r.p, "DeleteVault", func() error { return r.Inventory.DeleteVault(ctx, id) })
}

// A failed CreateFault wrote nothing (transient faults fail a call before it starts, and a
// busy database rolls the transaction back), so retrying it cannot create two faults.
func (r *retryingInventory) CreateFault(ctx context.Context, f platform.Fault) (platform.Fault, error) {
	return retry(ctx, r.p, "CreateFault", func() (platform.Fault, error) { return r.Inventory.CreateFault(ctx, f) })
}

func (r *retryingInventory) GetFault(ctx context.Context, id string) (platform.Fault, error) {
	return retry(ctx, r.p, "GetFault", func() (platform.Fault, error) { return r.Inventory.GetFault(ctx, id) })
}

func (r *retryingInventory) ListFaults(ctx context.Context) ([]platform.Fault, error) {
	return retry(ctx, r.p, "ListFaults", func() ([]platform.Fault, error) { return r.Inventory.ListFaults(ctx) })
}

func (r *retryingInventory) DeleteFault(ctx context.Context, id string) error {
	return retry0(ctx, r.p, "DeleteFault", func() error { return r.Inventory.DeleteFault(ctx, id) })
}

// Client tokens are idempotency keys: anyone holding one can replay an operation, so they are
// masked in the provider's logs (by field key and wherever they appear in a message).
var (
	secretFieldKeys = []string{"token", "client_token"}
	secretPatterns  = []*regexp.Regexp{
		regexp.MustCompile(`\bdr-[0-9a-f]{40}\b`),                   // lifecycle.ClientToken
		regexp.MustCompile(`\btf-create-[0-9a-f]{40}(-[0-9a-f]+)?`), // createToken / freshToken
	}
)

// maskSecrets returns ctx with the provider's log masking of client tokens.
func maskSecrets(ctx context.Context) context.Context {
	ctx = tflog.MaskFieldValuesWithFieldKeys(ctx, secretFieldKeys...)
	ctx = tflog.MaskMessageRegexes(ctx, secretPatterns...)
	ctx = tflog.MaskAllFieldValuesRegexes(ctx, secretPatterns...)
	return ctx
}

// afterStop returns a context for reading an object back after an operation: it survives the
// cancellation of ctx (Terraform interrupted, or the operation's timeout), bounded to 30 s,
// so the state saved after an interrupted or timed-out operation is what the platform
// observed rather than the plan.
func afterStop(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
}

// failureJobsOf returns the platform's task-center records of failed jobs (platform.FailureJobs,
// which only Huawei Cloud SDRS has), their calls retried like every other platform call; false
// when the platform keeps none.
func failureJobsOf(d *ProviderData) (platform.FailureJobs, bool) {
	policy := defaultRetryPolicy
	fj, ok := d.raw.(platform.FailureJobs)
	if !ok {
		return nil, false
	}
	return retryingFailureJobs{fj: fj, p: policy}, true
}

type retryingFailureJobs struct {
	fj platform.FailureJobs
	p  retryPolicy
}

func (r retryingFailureJobs) ListFailureJobs(ctx context.Context, groupID string) ([]platform.FailureJob, error) {
	return retry(ctx, r.p, "ListFailureJobs", func() ([]platform.FailureJob, error) { return r.fj.ListFailureJobs(ctx, groupID) })
}

func (r retryingFailureJobs) DeleteFailureJobs(ctx context.Context, groupID, jobID string) error {
	return retry0(ctx, r.p, "DeleteFailureJobs", func() error { return r.fj.DeleteFailureJobs(ctx, groupID, jobID) })
}

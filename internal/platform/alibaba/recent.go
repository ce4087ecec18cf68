package alibaba

import (
	"sync"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ebs"
)

// What the driver read last, kept for ReadCacheTTL (issue 28: at 100 ms per call, the calls a
// resource makes one after the other are its apply's time):
//
//   - a disk's record (ECS DescribeDisks: region, zone, size, encryption, attachment), so a
//     pair's reads and its create do not look its disks up again — a create used to read
//     them four times (the apply-time plan, the create's checks, CreateDiskReplicaPair's
//     regions, the read after it), and every read of a pair read both again. EBS operations
//     never change a disk's place or attachment; a change out of band is seen after the TTL,
//     as with the read snapshot;
//   - a pair's and a group's last record, so an operation is sent to its region without
//     reading the object again: the executor observes the object just before it invokes an
//     operation (invokePair/invokeGroup used to make that read a second time). Start, stop
//     and modify accept either disk's region; failover, reprotect and delete are sent where
//     the engine says (lifecycle.ParamRegion).
//
// With the read cache off (ReadCacheTTL < 0) nothing is kept.
type recentReads struct {
	mu     sync.Mutex
	disks  map[string]recent[disk]
	pairs  map[string]recent[ebs.ReplicaPair]
	groups map[string]recent[ebs.ReplicaGroup]
}

type recent[T any] struct {
	v  T
	at time.Time
}

func keep[T any](m *map[string]recent[T], id string, v T) {
	if *m == nil {
		*m = map[string]recent[T]{}
	}
	(*m)[id] = recent[T]{v, time.Now()}
}

func fresh[T any](m map[string]recent[T], id string, ttl time.Duration) (T, bool) {
	r, ok := m[id]
	if !ok || time.Since(r.at) >= ttl {
		var zero T
		return zero, false
	}
	return r.v, true
}

func (d *Driver) keepRecent() bool { return d.cfg.ReadCacheTTL > 0 }

// sawDisk records a disk ECS described.
func (d *Driver) sawDisk(x disk) {
	if !d.keepRecent() || x.ID == "" {
		return
	}
	d.recent.mu.Lock()
	keep(&d.recent.disks, x.ID, x)
	d.recent.mu.Unlock()
}

// recentDisks returns the disks of ids read within the TTL, and the IDs it does not have.
func (d *Driver) recentDisks(ids []string) (map[string]disk, []string) {
	out := map[string]disk{}
	var missing []string
	d.recent.mu.Lock()
	defer d.recent.mu.Unlock()
	for _, id := range ids {
		if x, ok := fresh(d.recent.disks, id, d.cfg.ReadCacheTTL); ok && d.keepRecent() {
			out[id] = x
		} else {
			missing = append(missing, id)
		}
	}
	return out, missing
}

// sawPair records the last record of a pair (a deleted one is forgotten).
func (d *Driver) sawPair(x ebs.ReplicaPair) {
	if !d.keepRecent() || x.ReplicaPairId == "" {
		return
	}
	d.recent.mu.Lock()
	if x.Status == "deleted" {
		delete(d.recent.pairs, x.ReplicaPairId)
	} else {
		keep(&d.recent.pairs, x.ReplicaPairId, x)
	}
	d.recent.mu.Unlock()
}

// recentPair is the pair's record read within the TTL.
func (d *Driver) recentPair(id string) (ebs.ReplicaPair, bool) {
	if !d.keepRecent() {
		return ebs.ReplicaPair{}, false
	}
	d.recent.mu.Lock()
	defer d.recent.mu.Unlock()
	return fresh(d.recent.pairs, id, d.cfg.ReadCacheTTL)
}

// sawGroup records the last record of a group (a deleted one is forgotten).
func (d *Driver) sawGroup(x ebs.ReplicaGroup) {
	if !d.keepRecent() || x.ReplicaGroupId == "" {
		return
	}
	d.recent.mu.Lock()
	if x.Status == "deleted" {
		delete(d.recent.groups, x.ReplicaGroupId)
	} else {
		keep(&d.recent.groups, x.ReplicaGroupId, x)
	}
	d.recent.mu.Unlock()
}

// recentGroup is the group's record read within the TTL.
func (d *Driver) recentGroup(id string) (ebs.ReplicaGroup, bool) {
	if !d.keepRecent() {
		return ebs.ReplicaGroup{}, false
	}
	d.recent.mu.Lock()
	defer d.recent.mu.Unlock()
	return fresh(d.recent.groups, id, d.cfg.ReadCacheTTL)
}

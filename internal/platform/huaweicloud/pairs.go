package huaweicloud

// SDRS replication pairs: observed, imported, listed and renamed; created and deleted inside
// their protection group (protecting a server, removing a member).

import (
	"context"
	"fmt"
	"strings"
	"time"

	sdrs "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/sdrs/v1"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/sdrs/v1/model"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// pairFrom maps an SDRS replication pair (Replication Pair Status; vendor-lifecycles §2.3)
// onto the engine's pair. The pair's statuses mirror its group's (groupState), plus the
// attach/detach/extend transitions, which leave replication as it was. volume_ids is the
// production disk then the DR-site disk SDRS created; priority_station is the group's current
// production site; the zones are the group's AZs (g may be nil: the group was not read).
func (p *Platform) pairFrom(r obj, g obj) (platform.ReplicationPair, error) {
	status := r.str("status")
	repl := effectiveReplication(status, r.str("replication_status"), nil, r.int("progress"))
	var st lifecycle.State
	var failed lifecycle.Op
	switch status {
	case "extending", "attaching", "detaching", "nic-creating", "nic-deleting", "resizing":
		st = lifecycle.Replicating
		if repl != "active" {
			st = lifecycle.Paused
		}
	case "error-extending", "error-attaching", "error-detaching":
		st, failed = lifecycle.Error, lifecycle.OpUpdate
	default:
		var err error
		if st, failed, err = groupState(status, repl); err != nil {
			return platform.ReplicationPair{}, err
		}
		if failed == lifecycle.OpEnableProtection {
			failed = lifecycle.OpStart
		} else if failed == lifecycle.OpDisableProtection {
			failed = lifecycle.OpStop
		} else if failed == lifecycle.OpPlannedFailover {
			failed = lifecycle.OpSwitchover
		}
	}
	vols := strings.Split(r.str("volume_ids"), ",")
	out := platform.ReplicationPair{ID: r.str("id"), Name: r.str("name"), Description: r.str("description"), State: st, FailedOp: failed,
		ActiveSite: siteOf(r.str("priority_station")), SyncProgress: r.int("progress"), LastError: r.str("failure_detail"),
		GroupID: r.str("server_group_id"), PrimaryRegion: p.cfg.Region, SecondaryRegion: p.cfg.Region, RPOSeconds: 0}
	if g != nil {
		out.PrimaryZone, out.SecondaryZone = g.str("source_availability_zone"), g.str("target_availability_zone")
	}
	out.Version = platform.Fingerprint(status, r.str("replication_status"), r.str("priority_station"), out.Name, out.Description,
		out.SyncProgress, out.GroupID, r.str("volume_ids"), out.LastError)
	if len(vols) > 0 {
		out.PrimaryVolumeID = strings.TrimSpace(vols[0])
	}
	if len(vols) > 1 {
		out.SecondaryVolumeID = strings.TrimSpace(vols[1])
	}
	out.Observed = lifecycle.Observation{Kind: lifecycle.ReplicationPair, Platform: p.caps, ID: out.ID, Name: out.Name, State: st, FailedOp: failed,
		ActiveSite: out.ActiveSite, LastError: out.LastError, Version: out.Version, Facts: lifecycle.Facts{Unknown: unknownFacts(), MemberCount: 1,
			InGroup: out.GroupID != "", GroupID: out.GroupID, ReplicationCapable: true, ActiveRegion: p.cfg.Region, StandbyRegion: p.cfg.Region,
			FirstSyncDone: synced(repl) || st == lifecycle.SwitchingOver || st == lifecycle.FailingOver || st == lifecycle.FailedOver}}
	pairSiteHealth(&out.Observed.Facts, r)
	return out, nil
}

// GetPair reads a replication pair: from the shared read snapshot (Querying Replication Pairs,
// GET /v1/{project_id}/replications, https://support.huaweicloud.com/intl/en-us/api-sdrs/sdrs_05_0603.html)
// when it holds the pair, else directly (Querying Details About a Replication Pair, GET
// /v1/{project_id}/replications/{replication_id},
// https://support.huaweicloud.com/intl/en-us/api-sdrs/sdrs_05_0604.html; SDRS.1608 is not found).
func (p *Platform) GetPair(ctx context.Context, id string) (platform.ReplicationPair, error) {
	return p.getPairAged(ctx, id, p.cfg.ReadCacheTTL)
}

func (p *Platform) getPairAged(ctx context.Context, id string, maxAge time.Duration) (platform.ReplicationPair, error) {
	snap, err := p.snapshot(ctx, maxAge)
	if err != nil {
		return platform.ReplicationPair{}, err
	}
	if snap != nil {
		for gid, reps := range snap.reps {
			for _, r := range reps {
				if r.str("id") == id {
					return p.pairFrom(r, snap.groups[gid])
				}
			}
		}
	}
	r, err := p.getRaw(ctx, "/v1/{project_id}/replications/{id}", id, "", "show replication pair "+id)
	if err != nil {
		return platform.ReplicationPair{}, err
	}
	rep := r.obj("replication")
	var g obj
	if gid := rep.str("server_group_id"); gid != "" {
		if snap != nil {
			g = snap.groups[gid]
		}
		if g == nil {
			o, err := p.getRaw(ctx, "/v1/{project_id}/server-groups/{id}", gid, "", "show protection group "+gid)
			if err != nil && !platform.IsNotFound(err) {
				return platform.ReplicationPair{}, err
			}
			g = o.obj("server_group")
		}
	}
	return p.pairFrom(rep, g)
}

// ListPairs lists the replication pairs of every protection group (Querying Replication Pairs,
// sdrs_05_0603, paginated), from the shared read snapshot.
func (p *Platform) ListPairs(ctx context.Context) ([]platform.ReplicationPair, error) {
	snap, err := p.snapshot(ctx, p.cfg.ReadCacheTTL)
	if err != nil {
		return nil, err
	}
	if snap == nil { // cache off: the list, and each pair's group once (its AZs)
		rs, err := p.listAll(ctx, "/v1/{project_id}/replications", "replications", "", "list replication pairs")
		if err != nil {
			return nil, err
		}
		groups := map[string]obj{}
		out := make([]platform.ReplicationPair, 0, len(rs))
		for _, r := range rs {
			gid := r.str("server_group_id")
			if _, read := groups[gid]; gid != "" && !read {
				o, err := p.getRaw(ctx, "/v1/{project_id}/server-groups/{id}", gid, "", "show protection group "+gid)
				if err != nil && !platform.IsNotFound(err) {
					return nil, err
				}
				groups[gid] = o.obj("server_group")
			}
			v, err := p.pairFrom(r, groups[gid])
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	}
	var out []platform.ReplicationPair
	for _, gid := range append(append([]string(nil), snap.order...), "") {
		for _, r := range snap.reps[gid] {
			v, err := p.pairFrom(r, snap.groups[gid])
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
	}
	if out == nil {
		out = []platform.ReplicationPair{}
	}
	return out, nil
}

// CreatePair: an SDRS pair is created inside a group from the production disk, and SDRS makes
// the DR-site disk (Creating a Replication Pair, sdrs_05_0601); a dr_replication_pair names
// both volumes and no group, so creating one is a manual step (Capabilities.Manual): the plan
// refuses it (V-PLATFORM) and this is never reached through the provider.
func (p *Platform) CreatePair(ctx context.Context, spec platform.PairSpec, token string) (platform.ReplicationPair, error) {
	return platform.ReplicationPair{}, platform.Invalidf("ManualStep", "the huaweicloud platform cannot create a replication pair through its API: %s", PairCreateStep)
}

// UpdatePair renames a pair (Changing the Name of a Replication Pair, PUT
// /v1/{project_id}/replications/{replication_id},
// https://support.huaweicloud.com/intl/en-us/api-sdrs/sdrs_05_0606.html; synchronous). SDRS
// has no call that changes a pair's description, RPO or bandwidth.
func (p *Platform) UpdatePair(ctx context.Context, id string, spec platform.PairSpec) (platform.ReplicationPair, error) {
	err := p.rename("replication pair", id, spec.Name, spec.Description, spec.Version, func() (string, string, int64, error) {
		cur, err := p.getPairAged(ctx, id, p.cfg.PollCacheTTL)
		return cur.Name, cur.Description, cur.Version, err
	}, func(name string) error { return p.renamePair(ctx, id, name) })
	if err != nil {
		return platform.ReplicationPair{}, err
	}
	return p.GetPair(ctx, id)
}

func (p *Platform) renamePair(ctx context.Context, id, name string) error {
	_, err := sdk(ctx, p, "rename replication pair "+id, func() (any, error) {
		return p.client.HcClient.Sync(&model.UpdateReplicationNameRequest{ReplicationId: id,
			Body: &model.UpdateReplicationNameRequestBody{Replication: &model.UpdateReplicationNameRequestParams{Name: name}}},
			unread(sdrs.GenReqDefForUpdateReplicationName()))
	})
	p.wrote()
	return err
}

// invokePair runs an operation on a pair. Only update (rename) is the pair's own on SDRS:
// replication is operated through the group (the plan refuses the others, V-PAIR-IN-GROUP),
// and create and delete are manual steps (V-PLATFORM).
func (p *Platform) invokePair(ctx context.Context, id string, op lifecycle.Op, params map[string]string) error {
	cur, err := p.getPairAged(ctx, id, p.cfg.PollCacheTTL) // a missing pair is NotFound whatever the operation
	if err != nil {
		return err
	}
	if step, manual := p.Capabilities().ManualStep(lifecycle.ReplicationPair, op); manual {
		return platform.Invalidf("ManualStep", "the huaweicloud platform cannot invoke %s on a replication pair: %s", op, step)
	}
	if op != lifecycle.OpUpdate {
		return &platform.Error{Class: platform.ClassPreconditionFailed, Code: platform.CodeInvalidStatus, Rule: "V-PAIR-IN-GROUP",
			Message: fmt.Sprintf("SDRS replication pair %s is operated through its protection group %s: %s is not a pair operation on huaweicloud", id, cur.GroupID, op)}
	}
	if _, ok := params[lifecycle.ParamDescription]; ok && params[lifecycle.ParamDescription] != cur.Description {
		return platform.Invalidf("", "SDRS cannot change a replication pair's description (only its name)")
	}
	if n := params[lifecycle.ParamName]; n != "" && n != cur.Name {
		return p.renamePair(ctx, id, n)
	}
	return nil // the name is already the one asked for
}

// ProposedPairFacts: the facts of a pair the configuration would create. Creating one is a
// manual step here (Capabilities.Manual), which the plan reports (V-PLATFORM); the facts
// say which of the volumes exist as disks of SDRS pairs already (V-PAIR-VOLUMES).
func (p *Platform) ProposedPairFacts(ctx context.Context, spec platform.PairSpec) (lifecycle.Facts, error) {
	f := lifecycle.Facts{Unknown: unknownFacts(), MemberCount: 1, ReplicationCapable: true,
		ActiveRegion: p.cfg.Region, StandbyRegion: p.cfg.Region, VolumesInPair: map[string]string{}}
	pairs, err := p.ListPairs(ctx)
	if err != nil {
		return lifecycle.Facts{}, err
	}
	for _, pr := range pairs {
		for _, v := range []string{pr.PrimaryVolumeID, pr.SecondaryVolumeID} {
			if v != "" && (v == spec.PrimaryVolumeID || v == spec.SecondaryVolumeID) {
				f.VolumesInPair[v] = pr.ID
			}
		}
	}
	return f, nil
}

// removePair deletes a pair of the group (Deleting a Replication Pair, sdrs_05_0602). SDRS
// deletes only a pair that is not attached to a protected instance, so an attached pair is
// first detached (Detaching a Replication Pair from a Protected Instance, a job of its own).
// The delete can be sent only once that job has ended: until then removePair answers with a
// Retryable error naming it, and the retried unit of Invoke (the retry layer's policy, the one
// bound on any call) comes back, reads the pair and sends the delete. No second waiter: a
// detach that outlasts the policy fails the Invoke as Retryable, and the next apply deletes
// the detached pair.
func (p *Platform) removePair(ctx context.Context, g platform.ProtectionGroup, pid string) (string, error) {
	member := false
	for _, x := range g.PairIDs {
		member = member || x == pid
	}
	if !member {
		return "", nil // not (or no longer) in the group
	}
	instance, detaching, err := p.pairAttachment(ctx, g.ID, pid)
	if err != nil {
		return "", err
	}
	if instance != "" && !detaching {
		if _, err := sdk(ctx, p, "detach replication pair "+pid, func() (*model.DetachProtectedInstanceReplicationResponse, error) {
			return p.client.DetachProtectedInstanceReplication(&model.DetachProtectedInstanceReplicationRequest{
				ProtectedInstanceId: instance, ReplicationId: pid})
		}); err != nil {
			return "", err
		}
		p.wrote()
		if instance, detaching, err = p.pairAttachment(ctx, g.ID, pid); err != nil {
			return "", err
		}
	}
	if instance != "" || detaching {
		return "", platform.Errorf(platform.ClassRetryable, "SDRS.Detaching",
			"replication pair %s is being detached from protected instance %s: it is deleted once that job has ended", pid, instance)
	}
	r, err := sdk(ctx, p, "delete replication pair "+pid, func() (*model.DeleteReplicationResponse, error) {
		return p.client.DeleteReplication(&model.DeleteReplicationRequest{ReplicationId: pid, Body: &model.DeleteReplicationRequestBody{
			Replication: &model.DeleteReplicationRequestParams{ServerGroupId: ptr(g.ID), DeleteTargetVolume: ptr(false)}}})
	})
	if err != nil {
		return "", err
	}
	return deref(r.JobId), nil
}

// pairAttachment says which protected instance of the group the pair is attached to ("" for
// none), and whether SDRS is detaching it (the pair's status detaching).
func (p *Platform) pairAttachment(ctx context.Context, groupID, pid string) (instance string, detaching bool, err error) {
	r, err := p.getRaw(ctx, "/v1/{project_id}/replications/{id}", pid, "", "show replication pair "+pid)
	if err != nil {
		return "", false, err
	}
	detaching = r.obj("replication").str("status") == "detaching"
	insts, err := p.listAll(ctx, "/v1/{project_id}/protected-instances", "protected_instances", groupID, "list protected instances")
	if err != nil {
		return "", false, err
	}
	for _, in := range insts {
		for _, att := range in.list("attachment") {
			if att.str("replication") == pid {
				return in.str("id"), detaching, nil
			}
		}
	}
	return "", detaching, nil
}

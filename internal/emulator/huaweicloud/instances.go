package huaweicloud

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"unicode"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// Protected instances are the group's protected servers (sandbox add_server, which creates the
// DR-site twin); their id is derived from the production server's id, so no table maps them.
// Their disks are replicated: creating an instance creates one replication pair per disk
// attached to the server, with its DR disk at the group's standby AZ (the SDRS user guide:
// "SDRS automatically creates replication pairs for the disks of the protected instance").

const instancePrefix = "pi-"

func instanceID(serverID string) string { return instancePrefix + serverID }

func serverOf(instance string) (string, bool) {
	return strings.CutPrefix(instance, instancePrefix)
}

// groupOfServer finds the group protecting a server.
func (e *Emulator) groupOfServer(ctx context.Context, serverID string) (platform.ProtectionGroup, bool, error) {
	gs, err := e.sb.ListGroups(ctx)
	if err != nil {
		return platform.ProtectionGroup{}, false, err
	}
	for _, g := range gs {
		if slices.Contains(g.ServerIDs, serverID) {
			return g, true, nil
		}
	}
	return platform.ProtectionGroup{}, false, nil
}

// pairIndex is the sandbox's pairs, the pending ones and which server each volume is
// attached to, read once per request (a list of every protected instance would otherwise
// read them once per instance: quadratic at 1,000 groups).
type pairIndex struct {
	pairs    []platform.ReplicationPair
	pending  map[string]string
	serverOf map[string]string // volume → server
	servers  map[string]platform.Server
}

func (e *Emulator) pairIndex(ctx context.Context) (*pairIndex, error) {
	ps, err := e.sb.ListPairs(ctx)
	if err != nil {
		return nil, err
	}
	vols, err := e.sb.ListVolumes(ctx)
	if err != nil {
		return nil, err
	}
	srvs, err := e.sb.ListServers(ctx)
	if err != nil {
		return nil, err
	}
	ix := &pairIndex{pairs: ps, pending: e.pendingPairs(), serverOf: map[string]string{}, servers: map[string]platform.Server{}}
	for _, v := range vols {
		ix.serverOf[v.ID] = v.ServerID
	}
	for _, s := range srvs {
		ix.servers[s.ID] = s
	}
	return ix, nil
}

// serverPairs are the group's pairs (and pending ones) whose production disk is attached to server.
func (e *Emulator) serverPairs(ctx context.Context, g platform.ProtectionGroup, serverID string) ([]platform.ReplicationPair, error) {
	ix, err := e.pairIndex(ctx)
	if err != nil {
		return nil, err
	}
	return ix.serverPairs(g, serverID), nil
}

func (ix *pairIndex) serverPairs(g platform.ProtectionGroup, serverID string) []platform.ReplicationPair {
	var out []platform.ReplicationPair
	for _, p := range ix.pairs {
		if (p.GroupID == g.ID || ix.pending[p.ID] == g.ID) && (ix.serverOf[p.PrimaryVolumeID] == serverID || ix.serverOf[p.SecondaryVolumeID] == serverID) {
			out = append(out, p)
		}
	}
	return out
}

func (e *Emulator) instanceJSON(ctx context.Context, g platform.ProtectionGroup, serverID string) (map[string]any, error) {
	ix, err := e.pairIndex(ctx)
	if err != nil {
		return nil, err
	}
	return ix.instanceJSON(g, serverID)
}

func (ix *pairIndex) instanceJSON(g platform.ProtectionGroup, serverID string) (map[string]any, error) {
	srv, ok := ix.servers[serverID]
	if !ok {
		return nil, platform.NotFoundf("server %s not found", serverID)
	}
	twin := ""
	for _, t := range g.DRServers {
		if t.SourceServerID == serverID {
			twin = t.TwinServerID
		}
	}
	pairs := ix.serverPairs(g, serverID)
	att := []map[string]any{}
	for i, p := range pairs {
		att = append(att, map[string]any{"replication": p.ID, "device": fmt.Sprintf("/dev/vd%c", 'a'+i)})
	}
	return map[string]any{
		"id": instanceID(serverID), "name": srv.Name, "description": "",
		"status": sdrsStatus(g.State, g.FailedOp), "source_server": serverID, "target_server": twin,
		"server_group_id": g.ID, "created_at": "", "updated_at": "",
		"metadata": map[string]any{}, "attachment": att, "tags": []any{},
		"progress": g.SyncProgress, "priority_station": station(g.ActiveSite),
	}, nil
}

// createInstance: Creating a Protected Instance, POST /v1/{project_id}/protected-instances
// {protected_instance: {server_group_id, server_id, name, description, …}}. The server must be
// at the group's production AZ (SDRS.1304), not protected yet (SDRS.1305): the sandbox's
// V-GRP-MEMBERS checks decide.
func (e *Emulator) createInstance(ctx context.Context, body map[string]json.RawMessage) (any, int, error) {
	var in struct {
		ServerGroupID string `json:"server_group_id"`
		ServerID      string `json:"server_id"`
		Name          string `json:"name"`
		Description   string `json:"description"`
	}
	if err := str(body, "protected_instance", &in); err != nil {
		return nil, 0, err
	}
	if in.ServerGroupID == "" {
		return nil, 0, &apiError{400, "SDRS.0207", "Invalid protection group ID", false}
	}
	if in.ServerID == "" {
		return nil, 0, &apiError{400, "SDRS.0210", "Invalid server ID", false}
	}
	if in.Name == "" || len(in.Name) > 64 {
		return nil, 0, &apiError{400, "SDRS.0202", "Invalid name", false}
	}
	g, err := e.sb.GetGroup(ctx, in.ServerGroupID)
	if err != nil {
		return nil, 0, translate(err, "SDRS.1013")
	}
	if _, err := e.sb.GetServer(ctx, in.ServerID); err != nil {
		return nil, 0, &apiError{400, "SDRS.0210", "Invalid server ID: " + in.ServerID, false}
	}
	if err := e.sb.Invoke(ctx, lifecycle.ProtectionGroup, g.ID, lifecycle.OpAddServer, "", map[string]string{lifecycle.ParamServerID: in.ServerID}); err != nil {
		return nil, 0, translate(err, "SDRS.1013")
	}
	// one replication pair per attached disk, its DR disk created at the standby AZ
	standby := g.TargetZone
	if g.ActiveSite == lifecycle.SiteTarget {
		standby = g.SourceZone
	}
	site, err := e.zoneSite(ctx, standby)
	if err != nil {
		return nil, 0, err
	}
	vols, err := e.sb.ListVolumes(ctx)
	if err != nil {
		return nil, 0, translate(err, "")
	}
	j := e.newJob("createProtectedInstance", lifecycle.ProtectionGroup, g.ID, lifecycle.OpAddServer)
	var joins []string
	for _, v := range vols {
		if v.ServerID != in.ServerID {
			continue
		}
		dr, err := e.sb.PutVolume(ctx, platform.Volume{SiteID: site.ID, SizeGB: v.SizeGB})
		if err != nil {
			return nil, 0, translate(err, "")
		}
		p, err := e.sb.CreatePair(ctx, platform.PairSpec{Name: in.Name + "-" + v.ID, PrimaryVolumeID: v.ID, SecondaryVolumeID: dr.ID}, "")
		if err != nil {
			a := translate(err, "SDRS.0211")
			if a.code == "SDRS.1002" {
				a.code = "SDRS.1811" // the disk is already in a replication pair
			}
			return nil, 0, a
		}
		joins = append(joins, p.ID)
	}
	e.mu.Lock()
	j.InstanceID, j.Joins = instanceID(in.ServerID), joins
	j.Done = len(joins) == 0
	e.mu.Unlock()
	return map[string]string{"job_id": j.ID}, http.StatusOK, nil
}

// listInstances: Querying Protected Instances, GET /v1/{project_id}/protected-instances?server_group_id&limit&offset.
func (e *Emulator) listInstances(ctx context.Context, r *http.Request) (any, int, error) {
	gs, err := e.sb.ListGroups(ctx)
	if err != nil {
		return nil, 0, translate(err, "")
	}
	ix, err := e.pairIndex(ctx)
	if err != nil {
		return nil, 0, translate(err, "")
	}
	gid := r.URL.Query().Get("server_group_id")
	var out []map[string]any
	for _, g := range gs {
		if gid != "" && g.ID != gid {
			continue
		}
		for _, sid := range g.ServerIDs {
			j, err := ix.instanceJSON(g, sid)
			if err != nil {
				return nil, 0, translate(err, "")
			}
			out = append(out, j)
		}
	}
	lo, hi := pageOf(r, len(out))
	return map[string]any{"protected_instances": nonNil(out[lo:hi]), "count": len(out)}, http.StatusOK, nil
}

// showInstance: Querying Details of a Protected Instance, GET /v1/{project_id}/protected-instances/{id}.
func (e *Emulator) showInstance(ctx context.Context, id string) (any, int, error) {
	sid, ok := serverOf(id)
	if !ok {
		return nil, 0, &apiError{400, "SDRS.1320", "The protected instance does not exist", false}
	}
	g, found, err := e.groupOfServer(ctx, sid)
	if err != nil {
		return nil, 0, translate(err, "")
	}
	if !found {
		return nil, 0, &apiError{400, "SDRS.1320", "The protected instance does not exist", false}
	}
	j, err := e.instanceJSON(ctx, g, sid)
	if err != nil {
		return nil, 0, translate(err, "SDRS.1320")
	}
	return map[string]any{"protected_instance": j}, http.StatusOK, nil
}

// deleteInstance: Deleting a Protected Instance, DELETE /v1/{project_id}/protected-instances/{id}
// {delete_target_server, delete_target_eip} (sdrs_05_0502). The pairs still attached to it are
// deleted with it (the DR disks are kept) — inferred from Batch Deleting Protected Instances,
// which asks to detach a pair shared by several instances first; the emulator needs protection
// disabled for that (the sandbox's pairs leave a group only then; SDRS.1301 otherwise).
func (e *Emulator) deleteInstance(ctx context.Context, id string, body map[string]json.RawMessage) (any, int, error) {
	sid, ok := serverOf(id)
	if !ok {
		return nil, 0, &apiError{400, "SDRS.1320", "The protected instance does not exist", false}
	}
	g, found, err := e.groupOfServer(ctx, sid)
	if err != nil {
		return nil, 0, translate(err, "")
	}
	if !found {
		return nil, 0, &apiError{400, "SDRS.1320", "The protected instance does not exist", false}
	}
	var opts struct {
		DeleteTargetServer bool `json:"delete_target_server"`
	}
	if raw, ok := body["delete_target_server"]; ok {
		_ = json.Unmarshal(raw, &opts.DeleteTargetServer)
	}
	pairs, err := e.serverPairs(ctx, g, sid)
	if err != nil {
		return nil, 0, translate(err, "")
	}
	if len(pairs) > 0 && g.State != lifecycle.Configured && g.State != lifecycle.Paused && g.State != lifecycle.Invalid {
		return nil, 0, &apiError{400, "SDRS.1301", "The protected instance cannot be deleted in its current state: " +
			"its replication pairs leave the group only while protection is disabled", false}
	}
	twin := ""
	for _, t := range g.DRServers {
		if t.SourceServerID == sid {
			twin = t.TwinServerID
		}
	}
	for _, p := range pairs {
		if p.GroupID == g.ID {
			if err := e.sb.Invoke(ctx, lifecycle.ProtectionGroup, g.ID, lifecycle.OpRemoveMember, "", map[string]string{lifecycle.ParamPairID: p.ID}); err != nil {
				return nil, 0, translate(err, "SDRS.1013")
			}
		}
		if err := e.sb.Invoke(ctx, lifecycle.ReplicationPair, p.ID, lifecycle.OpDelete, "", nil); err != nil && !platform.IsNotFound(err) {
			return nil, 0, translate(err, "SDRS.1608")
		}
	}
	if err := e.sb.Invoke(ctx, lifecycle.ProtectionGroup, g.ID, lifecycle.OpRemoveServer, "", map[string]string{lifecycle.ParamServerID: sid}); err != nil {
		return nil, 0, translate(err, "SDRS.1013")
	}
	if opts.DeleteTargetServer && twin != "" {
		_ = e.sb.DeleteServer(ctx, twin)
	}
	j := e.newJob("deleteProtectedInstance", lifecycle.ProtectionGroup, g.ID, lifecycle.OpRemoveServer)
	e.mu.Lock()
	j.InstanceID, j.Done = id, true
	e.mu.Unlock()
	return map[string]string{"job_id": j.ID}, http.StatusOK, nil
}

// ---- replication pairs ----

func (e *Emulator) pairJSON(p platform.ReplicationPair, group string, pending bool) map[string]any {
	status := sdrsStatus(p.State, p.FailedOp)
	if pending {
		status = "creating"
	}
	repl := "inactive"
	switch p.State {
	case lifecycle.Replicating, lifecycle.SwitchingOver:
		repl = "active"
	case lifecycle.Starting, lifecycle.Reprotecting:
		repl = "copying"
	case lifecycle.Paused, lifecycle.FailedOver:
		repl = "active-stopped"
	}
	return map[string]any{
		"id": p.ID, "name": p.Name, "description": p.Description, "status": status,
		"volume_ids": p.PrimaryVolumeID + "," + p.SecondaryVolumeID, "attachment": []any{},
		"created_at": "", "updated_at": "", "replication_model": "hypermetro_replication",
		"progress": p.SyncProgress, "failure_detail": p.LastError, "record_metadata": map[string]any{"multiattach": false, "bootable": false, "volume_size": 0, "volume_type": "SSD"},
		"fault_level": "0", "server_group_id": group, "priority_station": station(p.ActiveSite),
		"replication_status": repl,
	}
}

// listReplications: Querying Replication Pairs, GET /v1/{project_id}/replications?server_group_id&limit&offset.
// Only pairs in a group exist on SDRS (a pair is created in a group).
func (e *Emulator) listReplications(ctx context.Context, r *http.Request) (any, int, error) {
	ps, err := e.sb.ListPairs(ctx)
	if err != nil {
		return nil, 0, translate(err, "")
	}
	pending := e.pendingPairs()
	gid := r.URL.Query().Get("server_group_id")
	var out []map[string]any
	for _, p := range ps {
		g := p.GroupID
		if g == "" {
			g = pending[p.ID]
		}
		if g == "" || (gid != "" && g != gid) {
			continue
		}
		out = append(out, e.pairJSON(p, g, pending[p.ID] != ""))
	}
	lo, hi := pageOf(r, len(out))
	return map[string]any{"replications": nonNil(out[lo:hi]), "count": len(out)}, http.StatusOK, nil
}

// showReplication: Querying Details of a Replication Pair, GET /v1/{project_id}/replications/{id}.
func (e *Emulator) showReplication(ctx context.Context, id string) (any, int, error) {
	p, err := e.sb.GetPair(ctx, id)
	if err != nil {
		return nil, 0, translate(err, "SDRS.1608")
	}
	pending := e.pendingPairs()
	g := p.GroupID
	if g == "" {
		g = pending[p.ID]
	}
	if g == "" {
		return nil, 0, &apiError{400, "SDRS.1608", "The replication pair does not exist", false}
	}
	return map[string]any{"replication": e.pairJSON(p, g, pending[p.ID] != "")}, http.StatusOK, nil
}

// renameReplication: Changing the Name of a Replication Pair, PUT
// /v1/{project_id}/replications/{replication_id} with {"replication": {"name"}}
// (https://support.huaweicloud.com/intl/en-us/api-sdrs/sdrs_05_0606.html): synchronous, it
// answers with the pair; the name has at most 64 bytes of letters, digits, ".", "_" and "-".
// The rename goes through the sandbox's update, so the sandbox's physics decide the states
// it is accepted in.
func (e *Emulator) renameReplication(ctx context.Context, id string, body map[string]json.RawMessage) (any, int, error) {
	var in struct {
		Name string `json:"name"`
	}
	if err := str(body, "replication", &in); err != nil {
		return nil, 0, err
	}
	if in.Name == "" || len(in.Name) > 64 || strings.IndexFunc(in.Name, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-' || r > unicode.MaxASCII)
	}) >= 0 {
		return nil, 0, &apiError{400, "SDRS.0202", "Invalid name", false}
	}
	p, err := e.sb.GetPair(ctx, id)
	if err != nil || p.GroupID == "" {
		return nil, 0, &apiError{400, "SDRS.1608", "The replication pair does not exist", false}
	}
	p, err = e.sb.UpdatePair(ctx, id, platform.PairSpec{Name: in.Name, Description: p.Description, RPOSeconds: p.RPOSeconds, BandwidthKbps: p.BandwidthKbps})
	if err != nil {
		return nil, 0, translate(err, "SDRS.1608")
	}
	return map[string]any{"replication": e.pairJSON(p, p.GroupID, false)}, http.StatusOK, nil
}

// detachReplication: Detaching a Replication Pair from a Protected Instance,
// DELETE /v1/{project_id}/protected-instances/{id}/detachreplication/{replication_id}: the
// pair's production disk is detached from the server (the sandbox's volume attachment).
func (e *Emulator) detachReplication(ctx context.Context, instance, rid string) (any, int, error) {
	sid, ok := serverOf(instance)
	if !ok {
		return nil, 0, &apiError{400, "SDRS.1320", "The protected instance does not exist", false}
	}
	g, found, err := e.groupOfServer(ctx, sid)
	if err != nil {
		return nil, 0, translate(err, "")
	}
	if !found {
		return nil, 0, &apiError{400, "SDRS.1320", "The protected instance does not exist", false}
	}
	pairs, err := e.serverPairs(ctx, g, sid)
	if err != nil {
		return nil, 0, translate(err, "")
	}
	for _, p := range pairs {
		if p.ID != rid {
			continue
		}
		for _, v := range []string{p.PrimaryVolumeID, p.SecondaryVolumeID} {
			if vol, err := e.sb.GetVolume(ctx, v); err == nil && vol.ServerID == sid {
				if _, err := e.sb.AttachVolume(ctx, v, ""); err != nil {
					return nil, 0, translate(err, "")
				}
			}
		}
		j := e.newJob("detachProtectedInstanceReplication", lifecycle.ProtectionGroup, g.ID, lifecycle.OpRemoveMember)
		e.mu.Lock()
		j.InstanceID, j.Done = instance, true
		e.mu.Unlock()
		return map[string]string{"job_id": j.ID}, http.StatusOK, nil
	}
	return nil, 0, &apiError{400, "SDRS.1611", "The replication pair is not attached to the protected instance", false}
}

// deleteReplication: Deleting a Replication Pair, DELETE /v1/{project_id}/replications/{id}
// {replication: {server_group_id, delete_target_volume}} (sdrs_05_0602): the pair must not be
// attached to a protected instance (SDRS.1604). The pair leaves the group and is deleted; the
// disks are kept.
func (e *Emulator) deleteReplication(ctx context.Context, rid string) (any, int, error) {
	p, err := e.sb.GetPair(ctx, rid)
	if err != nil || p.GroupID == "" {
		return nil, 0, &apiError{400, "SDRS.1608", "The replication pair does not exist", false}
	}
	g, err := e.sb.GetGroup(ctx, p.GroupID)
	if err != nil {
		return nil, 0, translate(err, "SDRS.1013")
	}
	for _, sid := range g.ServerIDs {
		for _, v := range []string{p.PrimaryVolumeID, p.SecondaryVolumeID} {
			if vol, err := e.sb.GetVolume(ctx, v); err == nil && vol.ServerID == sid {
				return nil, 0, &apiError{400, "SDRS.1604", "The replication pair is attached to protected instance " + instanceID(sid), false}
			}
		}
	}
	if err := e.sb.Invoke(ctx, lifecycle.ProtectionGroup, g.ID, lifecycle.OpRemoveMember, "", map[string]string{lifecycle.ParamPairID: rid}); err != nil {
		return nil, 0, translate(err, "SDRS.1013")
	}
	if err := e.sb.Invoke(ctx, lifecycle.ReplicationPair, rid, lifecycle.OpDelete, "", nil); err != nil && !platform.IsNotFound(err) {
		return nil, 0, translate(err, "SDRS.1608")
	}
	j := e.newJob("deleteReplication", lifecycle.ProtectionGroup, g.ID, lifecycle.OpRemoveMember)
	e.mu.Lock()
	j.Done = true
	e.mu.Unlock()
	return map[string]string{"job_id": j.ID}, http.StatusOK, nil
}

package huaweicloud

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

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
	vols     map[string]platform.Volume
	servers  map[string]platform.Server
	created  time.Time // when the emulator started (the instances' created_at)
}

// attachedTo is the protected instance of g a pair is attached to ("" for none): the
// instance whose production or DR server has one of the pair's disks.
func (ix *pairIndex) attachedTo(g platform.ProtectionGroup, p platform.ReplicationPair) string {
	for _, v := range []string{p.PrimaryVolumeID, p.SecondaryVolumeID} {
		srv := ix.serverOf[v]
		if srv == "" {
			continue
		}
		for _, tw := range g.DRServers {
			if tw.SourceServerID == srv || tw.TwinServerID == srv {
				prod := tw.SourceServerID
				if slices.Contains(g.ServerIDs, tw.TwinServerID) {
					prod = tw.TwinServerID // role-neutral twins: the protected server is the one the group lists
				}
				return instanceID(prod)
			}
		}
	}
	return ""
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
	ix := &pairIndex{created: e.started, pairs: ps, pending: e.pendingPairs(), serverOf: map[string]string{}, vols: map[string]platform.Volume{}, servers: map[string]platform.Server{}}
	for _, v := range vols {
		ix.serverOf[v.ID] = v.ServerID
		ix.vols[v.ID] = v
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
		"server_group_id": g.ID, "created_at": sdrsTime(ix.created), "updated_at": sdrsTime(ix.created),
		"metadata": map[string]any{}, "attachment": att, "tags": []any{},
		"progress": g.SyncProgress, "priority_station": station(g.ActiveSite),
	}, nil
}

// createInstance: Creating a Protected Instance, POST /v1/{project_id}/protected-instances
// {protected_instance: {server_group_id, server_id, name, description, …}}: the allow-list
// (group available or protected, SDRS.1323; the server at the production AZ, SDRS.1303, in no
// protected instance, SDRS.1305, active or shutoff, SDRS.1333). SDRS creates the DR-site server
// and a replication pair per attached disk, its DR disk at the DR AZ.
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
		return nil, 0, &apiError{400, "SDRS.0207", "Invalid protection group ID", envSDRS}
	}
	if in.ServerID == "" {
		return nil, 0, &apiError{400, "SDRS.0210", "Invalid server ID", envSDRS}
	}
	g, err := e.sb.GetGroup(ctx, in.ServerGroupID)
	if err != nil {
		return nil, 0, translate(err, "SDRS.1013")
	}
	srv, err := e.sb.GetServer(ctx, in.ServerID)
	if err != nil {
		return nil, 0, &apiError{400, "SDRS.1326", "Server not found", envSDRS}
	}
	s := e.groupSituation(ctx, g)
	s.NameBytes = len(in.Name)
	s.ServerStatus = serverJSON(srv, "")["status"].(string)
	if site, err := e.sb.GetSite(ctx, srv.SiteID); err == nil {
		s.ServerAZ = site.Zone
	}
	if s.ServerInInstance, err = e.inInstance(ctx, srv); err != nil {
		return nil, 0, translate(err, "")
	}
	if err := decide("CreateProtectedInstance", s); err != nil {
		return nil, 0, err
	}
	if err := e.sb.Invoke(physics(ctx), lifecycle.ProtectionGroup, g.ID, lifecycle.OpAddServer, "", map[string]string{lifecycle.ParamServerID: in.ServerID}); err != nil {
		return nil, 0, translate(err, "SDRS.1013")
	}
	// one replication pair per attached disk, its DR disk created at the standby AZ
	_, standby := activeZones(g)
	site, err := e.zoneSite(ctx, standby)
	if err != nil {
		return nil, 0, err
	}
	vols, err := e.sb.ListVolumes(ctx)
	if err != nil {
		return nil, 0, translate(err, "")
	}
	j := e.newJob("createProtectedInstanceNoCG", lifecycle.ProtectionGroup, g.ID, lifecycle.OpAddServer)
	var joins []string
	for _, v := range vols {
		if v.ServerID != in.ServerID {
			continue
		}
		dr, err := e.sb.PutVolume(ctx, platform.Volume{SiteID: site.ID, SizeGB: v.SizeGB})
		if err != nil {
			return nil, 0, translate(err, "")
		}
		p, err := e.sb.CreatePair(physics(ctx), platform.PairSpec{Name: in.Name + "-" + v.ID, PrimaryVolumeID: v.ID, SecondaryVolumeID: dr.ID}, "")
		if err != nil {
			return nil, 0, translate(err, "SDRS.0211")
		}
		joins = append(joins, p.ID)
	}
	e.mu.Lock()
	j.InstanceID, j.Joins, j.ResourceName = instanceID(in.ServerID), joins, in.Name
	j.Done = len(joins) == 0
	e.mu.Unlock()
	return map[string]string{"job_id": j.ID}, http.StatusOK, nil
}

// inInstance reports whether a server is already the production or DR-site server of a
// protected instance (one server makes one protected instance).
func (e *Emulator) inInstance(ctx context.Context, srv platform.Server) (bool, error) {
	if srv.TwinOf != "" {
		return true, nil
	}
	_, found, err := e.groupOfServer(ctx, srv.ID)
	return found, err
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
	if err := checkPage(r); err != nil {
		return nil, 0, err
	}
	lo, hi := pageOf(r, len(out))
	return map[string]any{"protected_instances": nonNil(out[lo:hi]), "count": len(out)}, http.StatusOK, nil
}

// showInstance: Querying Details of a Protected Instance, GET /v1/{project_id}/protected-instances/{id}.
func (e *Emulator) showInstance(ctx context.Context, id string) (any, int, error) {
	sid, ok := serverOf(id)
	if !ok {
		return nil, 0, &apiError{400, "SDRS.1320", "The protected instance does not exist", envSDRS}
	}
	g, found, err := e.groupOfServer(ctx, sid)
	if err != nil {
		return nil, 0, translate(err, "")
	}
	if !found {
		return nil, 0, &apiError{400, "SDRS.1320", "The protected instance does not exist", envSDRS}
	}
	j, err := e.instanceJSON(ctx, g, sid)
	if err != nil {
		return nil, 0, translate(err, "SDRS.1320")
	}
	return map[string]any{"protected_instance": j}, http.StatusOK, nil
}

// deleteInstance: Deleting a Protected Instance, DELETE /v1/{project_id}/protected-instances/{id}
// {delete_target_server, delete_target_eip} (sdrs_05_0502): the allow-list (the instance's
// status, which mirrors its group's, SDRS.1301). The pairs still attached to it are deleted
// with it, the DR disks kept — inferred from Batch Deleting Protected Instances, which asks to
// detach a pair shared by several instances first.
func (e *Emulator) deleteInstance(ctx context.Context, id string, body map[string]json.RawMessage) (any, int, error) {
	sid, ok := serverOf(id)
	if !ok {
		return nil, 0, &apiError{400, "SDRS.1320", "Protected instance not found", envSDRS}
	}
	g, found, err := e.groupOfServer(ctx, sid)
	if err != nil {
		return nil, 0, translate(err, "")
	}
	if !found {
		return nil, 0, &apiError{400, "SDRS.1320", "Protected instance not found", envSDRS}
	}
	if err := decide("DeleteProtectedInstance", e.groupSituation(ctx, g)); err != nil {
		return nil, 0, err
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
	twin := ""
	for _, t := range g.DRServers {
		if t.SourceServerID == sid {
			twin = t.TwinServerID
		}
	}
	for _, p := range pairs {
		if p.GroupID == g.ID {
			if err := e.sb.Invoke(physics(ctx), lifecycle.ProtectionGroup, g.ID, lifecycle.OpRemoveMember, "", map[string]string{lifecycle.ParamPairID: p.ID}); err != nil {
				return nil, 0, translate(err, "SDRS.1013")
			}
		}
		if err := e.sb.Invoke(physics(ctx), lifecycle.ReplicationPair, p.ID, lifecycle.OpDelete, "", nil); err != nil && !platform.IsNotFound(err) {
			return nil, 0, translate(err, "SDRS.1608")
		}
	}
	if err := e.sb.Invoke(physics(ctx), lifecycle.ProtectionGroup, g.ID, lifecycle.OpRemoveServer, "", map[string]string{lifecycle.ParamServerID: sid}); err != nil {
		return nil, 0, translate(err, "SDRS.1013")
	}
	if opts.DeleteTargetServer && twin != "" {
		_ = e.sb.DeleteServer(ctx, twin)
	}
	j := e.newJob("deleteProtectedInstanceNoCG", lifecycle.ProtectionGroup, g.ID, lifecycle.OpRemoveServer)
	e.mu.Lock()
	j.InstanceID, j.Done = id, true
	e.mu.Unlock()
	return map[string]string{"job_id": j.ID}, http.StatusOK, nil
}

// ---- replication pairs ----

// pairJSON is a replication pair as Querying Replication Pairs shows it (OTC's example shape:
// replication_status present; fault_level a string; failure_detail only when the status is
// error; attachment {device, protected_instance}; record_metadata.volume_size a number).
func (e *Emulator) pairJSON(ctx context.Context, ix *pairIndex, p platform.ReplicationPair, g platform.ProtectionGroup, pending bool) map[string]any {
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
	att := []any{}
	if in := ix.attachedTo(g, p); in != "" {
		att = append(att, map[string]any{"device": "/dev/vda", "protected_instance": in})
	}
	out := map[string]any{
		"id": p.ID, "name": p.Name, "description": p.Description, "replication_model": "hypermetro", "status": status,
		"progress": p.SyncProgress, "replication_status": repl, "attachment": att, "server_group_id": g.ID,
		"volume_ids": p.PrimaryVolumeID + "," + p.SecondaryVolumeID, "priority_station": station(p.ActiveSite),
		"fault_level": e.faultLevel(ctx, g), "created_at": vendorTime(e.createdAt(g.ID)), "updated_at": vendorTime(e.createdAt(g.ID)),
		"record_metadata": map[string]any{"multiattach": false, "bootable": false, "volume_size": ix.vols[p.PrimaryVolumeID].SizeGB, "volume_type": "SSD"},
	}
	if strings.HasPrefix(status, "error") {
		out["failure_detail"] = failureDetail(p.LastError)
	}
	return out
}

// failureDetail is SDRS's failure_detail of a pair in error: a code, never the sandbox's text.
func failureDetail(string) string { return "SDRS.1606" }

// listReplications: Querying Replication Pairs, GET /v1/{project_id}/replications?server_group_id&limit&offset.
// Only pairs in a group exist on SDRS (a pair is created in a group).
func (e *Emulator) listReplications(ctx context.Context, r *http.Request) (any, int, error) {
	ix, err := e.pairIndex(ctx)
	if err != nil {
		return nil, 0, translate(err, "")
	}
	gs, err := e.sb.ListGroups(ctx)
	if err != nil {
		return nil, 0, translate(err, "")
	}
	byID := map[string]platform.ProtectionGroup{}
	for _, g := range gs {
		byID[g.ID] = g
	}
	gid := r.URL.Query().Get("server_group_id")
	var out []map[string]any
	for _, p := range ix.pairs {
		g := p.GroupID
		if g == "" {
			g = ix.pending[p.ID]
		}
		if g == "" || (gid != "" && g != gid) {
			continue
		}
		out = append(out, e.pairJSON(ctx, ix, p, byID[g], ix.pending[p.ID] != ""))
	}
	if err := checkPage(r); err != nil {
		return nil, 0, err
	}
	lo, hi := pageOf(r, len(out))
	return map[string]any{"replications": nonNil(out[lo:hi]), "count": len(out)}, http.StatusOK, nil
}

// showReplication: Querying Details of a Replication Pair, GET /v1/{project_id}/replications/{id}.
func (e *Emulator) showReplication(ctx context.Context, id string) (any, int, error) {
	ix, err := e.pairIndex(ctx)
	if err != nil {
		return nil, 0, translate(err, "")
	}
	for _, p := range ix.pairs {
		if p.ID != id {
			continue
		}
		gid := p.GroupID
		if gid == "" {
			gid = ix.pending[p.ID]
		}
		if gid == "" {
			break
		}
		g, err := e.sb.GetGroup(ctx, gid)
		if err != nil {
			return nil, 0, translate(err, "SDRS.1013")
		}
		return map[string]any{"replication": e.pairJSON(ctx, ix, p, g, ix.pending[p.ID] != "")}, http.StatusOK, nil
	}
	return nil, 0, &apiError{400, "SDRS.1608", "Replication pair not found", envSDRS}
}

// renameReplication: Changing the Name of a Replication Pair, PUT
// /v1/{project_id}/replications/{replication_id} with {"replication": {"name"}}
// (https://support.huaweicloud.com/intl/en-us/api-sdrs/sdrs_05_0606.html): synchronous, no
// constraint on the status; it answers with the pair (volume_size a string, below).
func (e *Emulator) renameReplication(ctx context.Context, id string, body map[string]json.RawMessage) (any, int, error) {
	var in struct {
		Name string `json:"name"`
	}
	if err := str(body, "replication", &in); err != nil {
		return nil, 0, err
	}
	if err := decide("UpdateReplicationName", Situation{NameValid: sdrsName(in.Name)}); err != nil {
		return nil, 0, err
	}
	p, err := e.sb.GetPair(ctx, id)
	if err != nil || p.GroupID == "" {
		return nil, 0, &apiError{400, "SDRS.1608", "Replication pair not found", envSDRS}
	}
	if _, err = e.sb.UpdatePair(physics(ctx), id, platform.PairSpec{Name: in.Name, Description: p.Description, RPOSeconds: p.RPOSeconds, BandwidthKbps: p.BandwidthKbps}); err != nil {
		return nil, 0, translate(err, "SDRS.1608")
	}
	ix, err := e.pairIndex(ctx)
	if err != nil {
		return nil, 0, translate(err, "")
	}
	g, err := e.sb.GetGroup(ctx, p.GroupID)
	if err != nil {
		return nil, 0, translate(err, "SDRS.1013")
	}
	for _, x := range ix.pairs {
		if x.ID == id {
			p = x
		}
	}
	out := e.pairJSON(ctx, ix, p, g, false)
	// the rename's answer writes record_metadata.volume_size as a string ("20"; an Integer in
	// the field table, a number in every GET), as the page's example does (OTC copy of
	// sdrs_05_0606): kept, since a typed decoder of this answer fails on it (B2b)
	if md, ok := out["record_metadata"].(map[string]any); ok {
		md["volume_size"] = fmt.Sprint(md["volume_size"])
	}
	return map[string]any{"replication": out}, http.StatusOK, nil
}

// detachReplication: Detaching a Replication Pair from a Protected Instance,
// DELETE /v1/{project_id}/protected-instances/{id}/detachreplication/{replication_id}: the
// allow-lists of the group's and the pair's statuses, and the pair attached (SDRS.1604); the
// pair's production disk is detached from the server (the sandbox's volume attachment).
func (e *Emulator) detachReplication(ctx context.Context, instance, rid string) (any, int, error) {
	sid, ok := serverOf(instance)
	if !ok {
		return nil, 0, &apiError{400, "SDRS.1320", "Protected instance not found", envSDRS}
	}
	g, found, err := e.groupOfServer(ctx, sid)
	if err != nil {
		return nil, 0, translate(err, "")
	}
	if !found {
		return nil, 0, &apiError{400, "SDRS.1320", "Protected instance not found", envSDRS}
	}
	p, err := e.sb.GetPair(ctx, rid)
	if err != nil {
		return nil, 0, &apiError{400, "SDRS.1608", "Replication pair not found", envSDRS}
	}
	pairs, err := e.serverPairs(ctx, g, sid)
	if err != nil {
		return nil, 0, translate(err, "")
	}
	s := e.groupSituation(ctx, g)
	s.PairStatus = sdrsStatus(p.State, p.FailedOp)
	for _, x := range pairs {
		s.PairAttached = s.PairAttached || x.ID == rid
	}
	if err := decide("DetachProtectedInstanceReplication/group", s); err != nil {
		return nil, 0, err
	}
	if err := decide("DetachProtectedInstanceReplication", s); err != nil {
		return nil, 0, err
	}
	for _, v := range []string{p.PrimaryVolumeID, p.SecondaryVolumeID} {
		if vol, err := e.sb.GetVolume(ctx, v); err == nil && vol.ServerID == sid {
			if _, err := e.sb.AttachVolume(ctx, v, ""); err != nil {
				return nil, 0, translate(err, "")
			}
		}
	}
	j := e.newJob("detachProtectedInstanceReplicationNoCG", lifecycle.ProtectionGroup, g.ID, lifecycle.OpRemoveMember)
	e.mu.Lock()
	j.InstanceID, j.Done = instance, true
	e.mu.Unlock()
	return map[string]string{"job_id": j.ID}, http.StatusOK, nil
}

// deleteReplication: Deleting a Replication Pair, DELETE /v1/{project_id}/replications/{id}
// {replication: {server_group_id, delete_target_volume}} (sdrs_05_0602): the allow-lists of the
// group's and the pair's statuses, and the pair not attached to a protected instance
// (SDRS.1605). The pair leaves the group and is deleted; the disks are kept.
func (e *Emulator) deleteReplication(ctx context.Context, rid string) (any, int, error) {
	p, err := e.sb.GetPair(ctx, rid)
	if err != nil || p.GroupID == "" {
		return nil, 0, &apiError{400, "SDRS.1608", "Replication pair not found", envSDRS}
	}
	g, err := e.sb.GetGroup(ctx, p.GroupID)
	if err != nil {
		return nil, 0, translate(err, "SDRS.1013")
	}
	ix, err := e.pairIndex(ctx)
	if err != nil {
		return nil, 0, translate(err, "")
	}
	s := e.groupSituation(ctx, g)
	s.PairStatus = sdrsStatus(p.State, p.FailedOp)
	s.PairAttached = ix.attachedTo(g, p) != ""
	if err := decide("DeleteReplication/group", s); err != nil {
		return nil, 0, err
	}
	if err := decide("DeleteReplication", s); err != nil {
		return nil, 0, err
	}
	if err := e.sb.Invoke(physics(ctx), lifecycle.ProtectionGroup, g.ID, lifecycle.OpRemoveMember, "", map[string]string{lifecycle.ParamPairID: rid}); err != nil {
		return nil, 0, translate(err, "SDRS.1013")
	}
	if err := e.sb.Invoke(physics(ctx), lifecycle.ReplicationPair, rid, lifecycle.OpDelete, "", nil); err != nil && !platform.IsNotFound(err) {
		return nil, 0, translate(err, "SDRS.1608")
	}
	j := e.newJob("deleteReplicationNoCG", lifecycle.ProtectionGroup, g.ID, lifecycle.OpRemoveMember)
	e.mu.Lock()
	j.Done = true
	e.mu.Unlock()
	return map[string]string{"job_id": j.ID}, http.StatusOK, nil
}

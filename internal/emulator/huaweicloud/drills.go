package huaweicloud

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
)

// DR drills: the sandbox's start_drill / stop_drill of a group. A group runs at most one drill
// in the sandbox, so the drill's id is derived from the group's.

const drillPrefix = "drill-"

// createDrill: Creating a DR Drill, POST /v1/{project_id}/disaster-recovery-drills
// {disaster_recovery_drill: {server_group_id, name, drill_vpc_id}} (the drill VPC is created
// when omitted). The group must have completed its first synchronisation (the sandbox's
// V-FIRST-SYNC / V-DRILL refusals become SDRS.1002).
func (e *Emulator) createDrill(ctx context.Context, body map[string]json.RawMessage) (any, int, error) {
	var in struct {
		ServerGroupID string `json:"server_group_id"`
		Name          string `json:"name"`
		DrillVpcID    string `json:"drill_vpc_id"`
	}
	if err := str(body, "disaster_recovery_drill", &in); err != nil {
		return nil, 0, err
	}
	if in.Name == "" || len(in.Name) > 64 {
		return nil, 0, &apiError{400, "SDRS.0202", "Invalid name", false}
	}
	g, err := e.sb.GetGroup(ctx, in.ServerGroupID)
	if err != nil {
		return nil, 0, translate(err, "SDRS.1013")
	}
	if err := e.sb.Invoke(ctx, lifecycle.ProtectionGroup, g.ID, lifecycle.OpStartDrill, "",
		map[string]string{"region": regionOf(g, g.ActiveSite.Other())}); err != nil {
		return nil, 0, translate(err, "SDRS.1013")
	}
	j := e.newJob("createDisasterRecoveryDrill", lifecycle.ProtectionGroup, g.ID, lifecycle.OpStartDrill)
	return map[string]string{"job_id": j.ID}, http.StatusOK, nil
}

// listDrills: Querying DR Drills, GET /v1/{project_id}/disaster-recovery-drills?server_group_id.
func (e *Emulator) listDrills(ctx context.Context, r *http.Request) (any, int, error) {
	gs, err := e.sb.ListGroups(ctx)
	if err != nil {
		return nil, 0, translate(err, "")
	}
	gid := r.URL.Query().Get("server_group_id")
	out := []map[string]any{}
	for _, g := range gs {
		if !g.DrillActive || (gid != "" && g.ID != gid) {
			continue
		}
		out = append(out, map[string]any{"id": drillPrefix + g.ID, "name": "drill", "status": "available",
			"drill_vpc_id": "", "server_group_id": g.ID, "created_at": stamp(g.DrillStartedAt), "updated_at": "",
			"drill_servers": []any{}})
	}
	return map[string]any{"disaster_recovery_drills": out}, http.StatusOK, nil
}

// deleteDrill: Deleting a DR Drill, DELETE /v1/{project_id}/disaster-recovery-drills/{id}.
func (e *Emulator) deleteDrill(ctx context.Context, id string) (any, int, error) {
	gid, ok := strings.CutPrefix(id, drillPrefix)
	if !ok {
		return nil, 0, &apiError{400, "SDRS.1902", "The DR drill does not exist", false}
	}
	g, err := e.sb.GetGroup(ctx, gid)
	if err != nil || !g.DrillActive {
		return nil, 0, &apiError{400, "SDRS.1902", "The DR drill does not exist", false}
	}
	if err := e.sb.Invoke(ctx, lifecycle.ProtectionGroup, gid, lifecycle.OpStopDrill, "", nil); err != nil {
		return nil, 0, translate(err, "SDRS.1013")
	}
	j := e.newJob("deleteDisasterRecoveryDrill", lifecycle.ProtectionGroup, gid, lifecycle.OpStopDrill)
	return map[string]string{"job_id": j.ID}, http.StatusOK, nil
}

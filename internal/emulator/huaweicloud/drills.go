package huaweicloud

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
)

// DR drills: the sandbox's start_drill / stop_drill of a group. A group runs at most one drill
// in the sandbox, so the drill's id is derived from the group's; its name is the one it was
// created with.

const drillPrefix = "drill-"

// createDrill: Creating a DR Drill, POST /v1/{project_id}/disaster-recovery-drills
// {disaster_recovery_drill: {server_group_id, name, drill_vpc_id}} (the drill VPC is created
// when omitted): the allow-list of the group's status (sdrs_05_0701). The page advises against
// a drill before the first synchronisation completes (the drill server may not start) but does
// not refuse one.
func (e *Emulator) createDrill(ctx context.Context, body map[string]json.RawMessage) (any, int, error) {
	var in struct {
		ServerGroupID string `json:"server_group_id"`
		Name          string `json:"name"`
		DrillVpcID    string `json:"drill_vpc_id"`
	}
	if err := str(body, "disaster_recovery_drill", &in); err != nil {
		return nil, 0, err
	}
	g, err := e.sb.GetGroup(ctx, in.ServerGroupID)
	if err != nil {
		return nil, 0, translate(err, "SDRS.1013")
	}
	s := e.groupSituation(ctx, g)
	s.NameBytes = len(in.Name)
	if err := decide("CreateDisasterRecoveryDrill", s); err != nil {
		return nil, 0, err
	}
	if g.DrillActive { // the sandbox runs one drill per group
		return nil, 0, &apiError{400, "SDRS.1921", "Drill VPC is already used for creating a DR drill", envSDRS}
	}
	if err := e.sb.Invoke(physics(ctx), lifecycle.ProtectionGroup, g.ID, lifecycle.OpStartDrill, "", nil); err != nil {
		return nil, 0, translate(err, "SDRS.1013")
	}
	e.mu.Lock()
	e.drillNames[g.ID] = in.Name
	e.mu.Unlock()
	j := e.newJob("createDisasterRecoveryDrillNoCG", lifecycle.ProtectionGroup, g.ID, lifecycle.OpStartDrill)
	return map[string]string{"job_id": j.ID}, http.StatusOK, nil
}

// listDrills: Querying DR Drills, GET /v1/{project_id}/disaster-recovery-drills?server_group_id&limit&offset.
func (e *Emulator) listDrills(ctx context.Context, r *http.Request) (any, int, error) {
	gs, err := e.sb.ListGroups(ctx)
	if err != nil {
		return nil, 0, translate(err, "")
	}
	if err := checkPage(r); err != nil {
		return nil, 0, err
	}
	gid := r.URL.Query().Get("server_group_id")
	out := []map[string]any{}
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, g := range gs {
		if !g.DrillActive || (gid != "" && g.ID != gid) {
			continue
		}
		out = append(out, map[string]any{"id": drillPrefix + g.ID, "name": e.drillNames[g.ID], "status": "available",
			"drill_vpc_id": "vpc-drill-" + g.ID, "server_group_id": g.ID, "created_at": sdrsTime(g.DrillStartedAt), "updated_at": sdrsTime(g.DrillStartedAt),
			"drill_servers": []any{}})
	}
	lo, hi := pageOf(r, len(out))
	return map[string]any{"count": len(out), "disaster_recovery_drills": nonNil(out[lo:hi])}, http.StatusOK, nil
}

// deleteDrill: Deleting a DR Drill, DELETE /v1/{project_id}/disaster-recovery-drills/{id}: the
// allow-list of the drill's status (sdrs_05_0702).
func (e *Emulator) deleteDrill(ctx context.Context, id string) (any, int, error) {
	gid, ok := strings.CutPrefix(id, drillPrefix)
	if !ok {
		return nil, 0, &apiError{400, "SDRS.1902", "DR drill not found", envSDRS}
	}
	g, err := e.sb.GetGroup(ctx, gid)
	if err != nil || !g.DrillActive {
		return nil, 0, &apiError{400, "SDRS.1902", "DR drill not found", envSDRS}
	}
	if err := decide("DeleteDisasterRecoveryDrill", Situation{DrillStatus: "available"}); err != nil {
		return nil, 0, err
	}
	if err := e.sb.Invoke(physics(ctx), lifecycle.ProtectionGroup, gid, lifecycle.OpStopDrill, "", nil); err != nil {
		return nil, 0, translate(err, "SDRS.1013")
	}
	j := e.newJob("deleteDisasterRecoveryDrillNoCG", lifecycle.ProtectionGroup, gid, lifecycle.OpStopDrill)
	return map[string]string{"job_id": j.ID}, http.StatusOK, nil
}

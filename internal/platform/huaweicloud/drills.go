package huaweicloud

// SDRS DR drills: Creating a DR Drill (start_drill: a drill VPC and servers from the DR-site
// data) and Deleting a DR Drill (stop_drill: every drill of the group, Querying DR Drills).

import (
	"context"
	"unicode/utf8"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/sdrs/v1/model"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// issueDrill starts or stops g's drill; "" when there is nothing to do.
func (p *Platform) issueDrill(ctx context.Context, g platform.ProtectionGroup, op lifecycle.Op) (string, error) {
	id := g.ID
	switch op {
	case lifecycle.OpStartDrill:
		if g.DrillActive {
			return "", nil
		}
		// Creating a DR Drill (the drill VPC is created by SDRS when none is given).
		r, err := sdk(ctx, p, "start drill of "+id, func() (*model.CreateDisasterRecoveryDrillResponse, error) {
			return p.client.CreateDisasterRecoveryDrill(&model.CreateDisasterRecoveryDrillRequest{Body: &model.CreateDisasterRecoveryDrillRequestBody{
				DisasterRecoveryDrill: &model.CreateDisasterRecoveryDrillRequestParams{ServerGroupId: id, Name: drillName(g.Name)}}})
		})
		if err != nil {
			return "", err
		}
		return deref(r.JobId), nil
	case lifecycle.OpStopDrill:
		// Deleting a DR Drill, every drill of the group (Querying DR Drills).
		drills, err := p.listAll(ctx, "/v1/{project_id}/disaster-recovery-drills", "disaster_recovery_drills", id, "list drills")
		if err != nil {
			return "", err
		}
		last := ""
		for _, d := range drills {
			if d.str("server_group_id") != id {
				continue
			}
			r, err := sdk(ctx, p, "stop drill "+d.str("id"), func() (*model.DeleteDisasterRecoveryDrillResponse, error) {
				return p.client.DeleteDisasterRecoveryDrill(&model.DeleteDisasterRecoveryDrillRequest{DisasterRecoveryDrillId: d.str("id")})
			})
			if err != nil && !platform.IsNotFound(err) {
				return "", err
			}
			if r != nil {
				last = deref(r.JobId)
			}
		}
		return last, nil
	}
	return "", platform.Invalidf("", "the huaweicloud platform cannot invoke %s as a drill", op)
}

// drillName is the name of a group's drill: "dr-drill-" and the group's name, cut to the 64
// bytes Creating a DR Drill takes (a group name may have 64 bytes itself) at a character
// boundary.
func drillName(group string) string { return truncateBytes("dr-drill-"+group, 64) }

// truncateBytes cuts s to at most n bytes without splitting a character.
func truncateBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

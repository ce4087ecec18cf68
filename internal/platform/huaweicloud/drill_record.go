package huaweicloud

import (
	"context"
	"time"

	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// The last drill on record of a protection group (issue 27). SDRS keeps a DR drill (Querying
// DR Drills, GET /v1/{project_id}/disaster-recovery-drills?server_group_id, sdrs_05_0903) until
// it is deleted, with its creation time and status (creating, available, deleting, error,
// error-deleting); a group counts its drills (disaster_recovery_drill_num). A group with none
// costs no call and has no drill on record; one with a drill costs one list of its drills.
// SDRS does not report when a drill became available or was deleted.

// sdrsDrillOutcome maps a DR drill's status onto the record's outcome.
var sdrsDrillOutcome = map[string]string{"creating": platform.DrillStarting, "available": platform.DrillReady,
	"deleting": platform.DrillCleaningUp, "error": platform.DrillFailed, "error-deleting": platform.DrillCleanupFailed}

// lastDrill reads the group's drill on record (nil: none).
func (p *Platform) lastDrill(ctx context.Context, g obj) (*platform.DrillRecord, error) {
	if g.int("disaster_recovery_drill_num") == 0 {
		return nil, nil
	}
	id := g.str("id")
	drills, err := p.listAll(ctx, "/v1/{project_id}/disaster-recovery-drills", "disaster_recovery_drills", id, "list drills")
	if err != nil {
		return nil, err
	}
	for _, d := range drills {
		if d.str("server_group_id") != id {
			continue
		}
		outcome := sdrsDrillOutcome[d.str("status")]
		if outcome == "" {
			outcome = platform.DrillStarting // a status the reference does not list: not known to be ready
		}
		why := "SDRS reports a DR drill's creation time and status, not when it became available"
		return &platform.DrillRecord{ID: d.str("id"), StartedAt: sdrsTime(d.str("created_at")), Outcome: outcome,
			Unreported: map[string]string{"ready_at": why, "time_to_ready": why,
				"ended_at": "SDRS lists a DR drill only until it is deleted: its end is not on record"}}, nil
	}
	return nil, nil
}

// sdrsTime parses an SDRS time ("2019-05-23 07:48:11.155", RFC 3339 tolerated); zero when
// unparsable.
func sdrsTime(s string) time.Time {
	for _, layout := range []string{"2006-01-02 15:04:05.999999", "2006-01-02T15:04:05.999999", time.RFC3339Nano} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

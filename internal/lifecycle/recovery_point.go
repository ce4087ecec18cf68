package lifecycle

import (
	"fmt"
	"slices"
)

// CheckRecoveryPoint is V-REFS for the recovery point a recovery server's failover or test
// failover starts from (the rows that take ParamRecoveryPoint): a point chosen by its ID must
// be one of the machine's recovery points the platform lists now (points, as the platform
// identifies them); "" means the latest and names none. The refusal is about the operation's
// recovery point parameter (Violation.Params), so a surface places it at the attribute that
// chose it. nil: allowed, or op does not take a recovery point.
func CheckRecoveryPoint(op Op, obs Observation, id string, points []string) []Violation {
	if obs.Kind == "" {
		obs.Kind = RecoveryServer
	}
	row, ok := Table(obs.Kind).Operation(op)
	if !ok || !slices.Contains(row.Params, ParamRecoveryPoint) || id == "" || slices.Contains(points, id) {
		return nil
	}
	listed := "the machine has none"
	if len(points) > 0 {
		listed = fmt.Sprintf("%d listed, the newest %q", len(points), points[0])
	}
	remedy := "Choose an ID the dr_recovery_points data source lists for the machine, or leave the recovery point unset for the latest."
	v := Violation{Rule: "V-REFS", Precondition: "recovery_point_exists", Params: []string{ParamRecoveryPoint}, Remedy: remedy,
		Message: fmt.Sprintf("V-REFS: %s of %s starts from recovery point %q, which the platform does not list among its machine's recovery points (%s). %s",
			op, quoteName(&obs), id, listed, remedy)}
	v.fill(obs.Kind, op, &obs)
	return []Violation{v}
}

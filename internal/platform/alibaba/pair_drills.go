package alibaba

// Replica-pair DR drills (issue 27), through darabonba-openapi CallApi (callAPI, drills.go) as
// the group drills: the SDK v1.63.107 has none of these calls.
//
//   - StartPairDrill: RegionId (the region of the pair's current secondary disk, where a drill
//     runs: OperationDenied.StartDrillShouldOnDestRegion otherwise), PairId, ClientToken;
//     returns DrillId. Needs a recovery point (OperationDenied.RecoverPointNotFound). It makes
//     a pay-as-you-go drill disk from the last recovery point; replication goes on.
//     https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ebs-2021-07-30-startpairdrill
//   - ClearPairDrill: RegionId, PairId, DrillId; deletes the drill disk.
//     https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ebs-2021-07-30-clearpairdrill
//   - DescribePairDrills: RegionId, PairId (required), DrillId, MaxResults (1–500) + NextToken;
//     Drills[].DrillId, DrillDiskId, DrillDiskStatus, RecoverPoint, StartAt, Status
//     (executing, executed, execute_failed, clearing, clear_failed), StatusMessage.
//     https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ebs-2021-07-30-describepairdrills
//
// A pair's drills are read in its current secondary region. A pair without a recovery point
// has none (a drill needs one), which costs no call; a pair with one costs one
// DescribePairDrills per read snapshot (the API takes one PairId), cached in the snapshot like
// a group's drills. A listed drill, whatever its status, is a drill of the pair (the pair's
// failover and reprotect wait for it: V-DRILL); a status the reference does not list counts
// too. The last drill on record is the listed one: EBS lists a drill until it is cleared, and
// reports when it started and its status — not when it became ready or ended.

import (
	"context"
	"strconv"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ebs"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// pairDrill is one entry of DescribePairDrills.Drills.
type pairDrill struct {
	DrillId         string `json:"DrillId"`
	DrillDiskId     string `json:"DrillDiskId"`
	DrillDiskStatus string `json:"DrillDiskStatus"`
	RecoverPoint    int64  `json:"RecoverPoint"`
	StartAt         int64  `json:"StartAt"`
	Status          string `json:"Status"`
	StatusMessage   string `json:"StatusMessage"`
}

// pairDrillView is what the driver knows of a pair's drills.
type pairDrillView struct {
	known bool // read (or known to be none: no recovery point yet)
	drill *pairDrill
}

// describePairDrills lists a pair's drills in region (DescribePairDrills, 500 a page).
func (d *Driver) describePairDrills(ctx context.Context, region, pairID string) ([]pairDrill, error) {
	var out []pairDrill
	next := ""
	for {
		var resp struct {
			Drills    []pairDrill `json:"Drills"`
			NextToken string      `json:"NextToken"`
		}
		q := map[string]string{"RegionId": region, "PairId": pairID, "MaxResults": strconv.Itoa(pageSize), "NextToken": next}
		if err := d.callAPI(ctx, "DescribePairDrills", region, q, &resp); err != nil {
			return nil, err
		}
		out = append(out, resp.Drills...)
		if resp.NextToken == "" || resp.NextToken == next || len(resp.Drills) == 0 {
			return out, nil
		}
		next = resp.NextToken
	}
}

// pairDrills reads a pair's drills in its current secondary (destination) region; none, with
// no call, before its first recovery point.
func (d *Driver) pairDrills(ctx context.Context, x ebs.ReplicaPair) (pairDrillView, error) {
	if x.LastRecoverPoint <= 0 || x.Status == "deleted" || x.DestinationRegion == "" {
		return pairDrillView{known: true}, nil
	}
	ds, err := d.describePairDrills(ctx, x.DestinationRegion, x.ReplicaPairId)
	if err != nil {
		return pairDrillView{}, err
	}
	v := pairDrillView{known: true}
	if len(ds) > 0 {
		v.drill = &ds[0]
	}
	return v, nil
}

// pairDrillKey is the key of a pair's drills in the snapshot's drills cache (group IDs key the
// groups' there; the prefix keeps the two apart).
func pairDrillKey(id string) string { return "pair/" + id }

// snapPairDrills returns a pair's drills as the snapshot knows them, reading them on the
// pair's first read from this snapshot.
func (d *Driver) snapPairDrills(ctx context.Context, s *readSnapshot, x ebs.ReplicaPair) (pairDrillView, error) {
	key := pairDrillKey(x.ReplicaPairId)
	s.drillMu.Lock()
	if v, ok := s.drills[key]; ok {
		s.drillMu.Unlock()
		pv := pairDrillView{known: v.known}
		if v.active {
			pv.drill = &pairDrill{DrillId: v.id, Status: v.status, StartAt: v.startAt}
		}
		return pv, nil
	}
	s.drillMu.Unlock()
	pv, err := d.pairDrills(ctx, x)
	if err != nil {
		return pv, err
	}
	v := drillView{known: pv.known}
	if pv.drill != nil {
		v.active, v.id, v.status, v.startAt = true, pv.drill.DrillId, pv.drill.Status, pv.drill.StartAt
	}
	s.drillMu.Lock()
	if s.drills == nil {
		s.drills = map[string]drillView{}
	}
	s.drills[key] = v
	s.drillMu.Unlock()
	return pv, nil
}

// withPairDrill adds what DescribePairDrills told of the pair's drills to the pair: the drill
// fact (unknown when not read), the drill in the version (two drills separated by a clear get
// different client tokens), the last drill on record.
func withPairDrill(p *platform.ReplicationPair, v pairDrillView) {
	f := &p.Observed.Facts
	if !v.known {
		f.Unknown[lifecycle.FactDrill] = true
		return
	}
	if v.drill == nil {
		return
	}
	p.DrillActive, f.DrillActive = true, true
	p.Version ^= platform.Fingerprint(v.drill.DrillId, v.drill.Status) & (1<<19 - 1)
	p.Observed.Version = p.Version
	p.LastDrill = ebsDrillRecord(v.drill.DrillId, v.drill.Status, v.drill.StatusMessage, v.drill.StartAt)
}

// ebsDrillRecord is the last drill on record of a drill EBS lists (a pair's or a group's).
func ebsDrillRecord(id, status, msg string, startAt int64) *platform.DrillRecord {
	outcome := map[string]string{"executing": platform.DrillStarting, "executed": platform.DrillReady, "execute_failed": platform.DrillFailed,
		"clearing": platform.DrillCleaningUp, "clear_failed": platform.DrillCleanupFailed}[status]
	if outcome == "" {
		outcome = platform.DrillStarting // a status the reference does not list: running, not known to be ready
	}
	return &platform.DrillRecord{ID: id, StartedAt: unix(startAt), Outcome: outcome, Message: msg,
		Unreported: map[string]string{
			"ready_at":      "Alibaba Cloud EBS reports a drill's start (StartAt) and status, not when its drill disk became ready",
			"time_to_ready": "Alibaba Cloud EBS reports a drill's start (StartAt) and status, not when its drill disk became ready",
			"ended_at":      "Alibaba Cloud EBS lists a drill only until it is cleared: its end is not on record",
		}}
}

// record is the last drill on record of a group's listed drill (nil: none listed).
func (v drillView) record() *platform.DrillRecord {
	if !v.active {
		return nil
	}
	return ebsDrillRecord(v.id, v.status, "", v.startAt)
}

// lagFacts sets the replication lag facts (readiness) from EBS's last recovery point and RPO:
// the lag is measured against this machine's clock — EBS's recovery points are Unix times —
// and is 0 before the first recovery point (FirstSyncDone is then false).
func lagFacts(f *lifecycle.Facts, lastRecoverPoint, rpo int64) {
	f.RPOSeconds = rpo
	if lastRecoverPoint > 0 {
		f.LagSeconds = max(time.Now().Unix()-lastRecoverPoint, 0)
	}
}

// invokePairDrill starts (StartPairDrill) or clears (ClearPairDrill) the pair's drill in its
// current secondary region: the engine's region for start_drill (lifecycle.ParamRegion, the
// standby region), else the pair's DestinationRegion.
func (d *Driver) invokePairDrill(ctx context.Context, x ebs.ReplicaPair, op lifecycle.Op, tok string, params map[string]string) error {
	region := x.DestinationRegion
	if r := params[lifecycle.ParamRegion]; r != "" {
		region = r
	}
	if op == lifecycle.OpStartDrill {
		var resp struct {
			DrillId string `json:"DrillId"`
		}
		err := d.callAPI(ctx, "StartPairDrill", region, map[string]string{"RegionId": region, "PairId": x.ReplicaPairId,
			"ClientToken": d.drillToken(tok)}, &resp)
		if err == nil && tok != "" {
			d.mu.Lock()
			if d.drillStartTok == nil {
				d.drillStartTok = map[string]string{}
			}
			d.drillStartTok[pairDrillKey(x.ReplicaPairId)] = tok
			d.mu.Unlock()
		}
		return err
	}
	ds, err := d.describePairDrills(ctx, region, x.ReplicaPairId)
	if err != nil {
		return err
	}
	for _, dr := range ds {
		if dr.Status == "clearing" {
			continue // being cleared already (a repeated stop_drill): nothing to send
		}
		if err := d.callAPI(ctx, "ClearPairDrill", region, map[string]string{"RegionId": region, "PairId": x.ReplicaPairId, "DrillId": dr.DrillId}, nil); err != nil {
			return err
		}
		d.spentDrillToken(pairDrillKey(x.ReplicaPairId))
	}
	return nil // no drill listed: cleared already (a retried stop_drill after its call went through)
}

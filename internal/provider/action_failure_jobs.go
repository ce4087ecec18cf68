package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

var (
	_ action.Action               = (*clearFailureJobsAction)(nil)
	_ action.ActionWithConfigure  = (*clearFailureJobsAction)(nil)
	_ action.ActionWithModifyPlan = (*clearFailureJobsAction)(nil)
)

// opClearFailureJobs names the action's operation. It is not a lifecycle row: deleting the
// records of failed jobs changes no object's state (the group stays error{op} and the next
// apply retries the operation); it is a platform's own documented operation (the Huawei SDRS
// task center), listed in the catalog as a custom action.
const opClearFailureJobs lifecycle.Op = "clear_failure_jobs"

// clearFailureJobsInfo is the catalog entry of dr_protection_group_clear_failure_jobs.
var clearFailureJobsInfo = ActionInfo{
	TypeName: "dr_protection_group_clear_failure_jobs", ResourceType: "dr_protection_group",
	Kind: lifecycle.ProtectionGroup, Op: opClearFailureJobs, Custom: true,
	Summary: "Delete the records of a protection group's failed jobs (Huawei Cloud SDRS task center: Deleting a Failure Task, " +
		"Deleting All Failure Tasks of a Protection Group). The group keeps its state; the next apply retries the failed operation.",
}

// clearFailureJobsAction deletes the failure jobs of a protection group on a platform that
// keeps them (platform.FailureJobs): one (failure_job_id) or all of the group's.
type clearFailureJobsAction struct {
	actionBase
}

func (a *clearFailureJobsAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	attrs := commonAttributes(a.info.ResourceType, defaultActionTimeout)
	attrs["failure_job_id"] = schema.StringAttribute{
		MarkdownDescription: "Delete only this failure job (its `job_id` in the task center) instead of all of the group's.",
		Optional:            true,
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Runs the `clear_failure_jobs` operation on a `dr_protection_group`: deletes the records of the group's " +
			"failed jobs in the Huawei Cloud SDRS task center — one (`failure_job_id`) or all of the group's (SDRS *Deleting a Failure " +
			"Task*, `DELETE /v1/{project_id}/task-center/failure-jobs/{failure_job_id}`; *Deleting All Failure Tasks of a Protection " +
			"Group*, `DELETE /v1/{project_id}/task-center/{server_group_id}/failure-jobs/batch`). A failed job's reason is what " +
			"`last_error` shows; clearing the records is a deliberate step, never done by a retry. The group keeps its state " +
			"(e.g. `error{enable_protection}`), and the next apply retries the failed operation.\n\n" +
			"`terraform plan -invoke=…` refuses the action on a platform that keeps no such records (V-PLATFORM) and names a " +
			"`failure_job_id` the group does not have; `precheck = true` lists the group's failure jobs without deleting them.",
		Attributes: attrs,
	}
}

type clearFailureJobsConfig struct {
	actionConfig
	JobID types.String
}

// jobsOf returns the platform's failure-job records; the engine refuses the operation where
// the platform does not offer it (V-PLATFORM, Capabilities.Extra), at id.
func (a *clearFailureJobsAction) jobsOf(obs lifecycle.Observation, diags *diag.Diagnostics) (platform.FailureJobs, bool) {
	if v := lifecycle.CheckExtraOp(lifecycle.ProtectionGroup, opClearFailureJobs, obs,
		"a failed operation shows in the group's last_error and is retried by the next apply.", a.data.options(false)); v != nil {
		addViolations(diags, path.Root("id"), a.info.TypeName, []lifecycle.Violation{*v})
		return nil, false
	}
	fj, ok := failureJobsOf(a.data)
	if !ok {
		diags.AddError("Internal error: "+a.info.TypeName, "the platform declares "+string(opClearFailureJobs)+" but keeps no failure-job records")
	}
	return fj, ok
}

// read reads the shared attributes and failure_job_id.
func (a *clearFailureJobsAction) read(ctx context.Context, get func(context.Context, path.Path, any) diag.Diagnostics, base actionConfig, diags *diag.Diagnostics) clearFailureJobsConfig {
	c := clearFailureJobsConfig{actionConfig: base}
	diags.Append(get(ctx, path.Root("failure_job_id"), &c.JobID)...)
	return c
}

// check observes the group and lists its failure jobs; a failure_job_id it does not have is an
// error at that attribute.
func (a *clearFailureJobsAction) check(ctx context.Context, c clearFailureJobsConfig, diags *diag.Diagnostics) (lifecycle.Observation, []platform.FailureJob, platform.FailureJobs, bool) {
	fj, ok := a.jobsOf(lifecycle.Observation{Kind: lifecycle.ProtectionGroup, ID: c.ID.ValueString()}, diags)
	if !ok {
		return lifecycle.Observation{}, nil, nil, false
	}
	obs, ok := a.observe(ctx, c.ID.ValueString(), diags)
	if !ok {
		return obs, nil, nil, false
	}
	jobs, err := fj.ListFailureJobs(ctx, obs.ID)
	if err != nil {
		addError(diags, "listing the failure jobs of", a.info.ResourceType, obs.ID, err)
		return obs, nil, nil, false
	}
	if id := c.JobID.ValueString(); id != "" {
		found := false
		for _, j := range jobs {
			found = found || j.ID == id
		}
		if !found {
			diags.AddAttributeError(path.Root("failure_job_id"), fmt.Sprintf("%s has no failure job %q", a.prefix(obs), id),
				fmt.Sprintf("The task center has no failure job %q of %s (it has %d: %s).", id, a.prefix(obs), len(jobs), jobList(jobs)))
			return obs, jobs, fj, false
		}
	}
	return obs, jobs, fj, true
}

func jobList(jobs []platform.FailureJob) string {
	if len(jobs) == 0 {
		return "none"
	}
	parts := make([]string, 0, len(jobs))
	for _, j := range jobs {
		parts = append(parts, fmt.Sprintf("%s %s (%s: %s)", j.ID, j.FailureStatus, j.ErrorCode, j.FailReason))
	}
	return strings.Join(parts, "; ")
}

func (a *clearFailureJobsAction) ModifyPlan(ctx context.Context, req action.ModifyPlanRequest, resp *action.ModifyPlanResponse) {
	if a.data == nil || req.Config.Raw.IsNull() {
		return
	}
	base := readActionConfig(ctx, req.Config, false, &resp.Diagnostics)
	c := a.read(ctx, req.Config.GetAttribute, base, &resp.Diagnostics)
	if resp.Diagnostics.HasError() || !c.known() || c.JobID.IsUnknown() {
		return
	}
	if _, jobs, _, ok := a.check(ctx, c, &resp.Diagnostics); ok && len(jobs) == 0 {
		resp.Diagnostics.AddAttributeWarning(path.Root("id"), a.info.TypeName+": nothing to do",
			"The group has no failure jobs in the task center; invoking the action changes nothing.")
	}
}

func (a *clearFailureJobsAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	base, ok := a.invokeConfig(ctx, req, false, &resp.Diagnostics)
	if !ok {
		return
	}
	c := a.read(ctx, req.Config.GetAttribute, base, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout(defaultActionTimeout))
	defer cancel()
	obs, jobs, fj, ok := a.check(ctx, c, &resp.Diagnostics)
	if !ok {
		return
	}
	prefix := a.prefix(obs)
	state := lifecycle.RenderState(obs.State, obs.FailedOp)
	if c.JobID.ValueString() != "" {
		for _, j := range jobs {
			if j.ID == c.JobID.ValueString() {
				jobs = []platform.FailureJob{j}
			}
		}
	}
	for _, j := range jobs {
		send(resp, fmt.Sprintf("%s: failure job %s %s %s: %s (%s)", prefix, j.ID, j.JobType, j.FailureStatus, j.FailReason, j.ErrorCode))
	}
	if len(jobs) == 0 {
		send(resp, fmt.Sprintf("%s: no failure jobs; nothing to do (no-op)", prefix))
		return
	}
	if c.Precheck.ValueBool() {
		send(resp, fmt.Sprintf("%s: precheck passed: %d failure job(s) would be deleted; nothing was changed", prefix, len(jobs)))
		return
	}
	if err := fj.DeleteFailureJobs(ctx, obs.ID, c.JobID.ValueString()); err != nil {
		addError(&resp.Diagnostics, "deleting the failure jobs of", a.info.ResourceType, obs.ID, err)
		return
	}
	send(resp, fmt.Sprintf("%s: deleted %d failure job(s); the group is still %s (the next apply retries a failed operation)", prefix, len(jobs), state))
}

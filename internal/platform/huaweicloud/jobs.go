package huaweicloud

// SDRS asynchronous jobs: the last job this process started on a group, a failed job's reason
// (last_error), and the task center's failure jobs (platform.FailureJobs).

import (
	"context"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/sdrs/v1/model"

	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// lastError is the failed job's reason: the job this process started (ShowJobStatus), else the
// group's latest failure job in the task center (ListFailureJobs), else the status itself (no
// failure job: e.g. cleared with clear_failure_jobs). A lookup that fails is the read's error
// (each request goes through the retry layer; a throttled one that outlasts it is the read's
// Retryable error), never the bare status: a throttled lookup once showed "SDRS status
// error-starting" as last_error in a refresh under throttling
// (TestLastErrorNotLostToThrottledLookup).
func (p *Platform) lastError(ctx context.Context, groupID, status string) (string, error) {
	p.mu.Lock()
	jobID := p.jobs[groupID]
	p.mu.Unlock()
	if jobID != "" {
		j, err := sdk(ctx, p, "show job "+jobID, func() (*model.ShowJobStatusResponse, error) {
			return p.client.ShowJobStatus(&model.ShowJobStatusRequest{JobId: jobID})
		})
		if err != nil {
			if platform.IsRetryable(err) {
				return "", err
			}
			// the job is gone (SDRS keeps jobs for a while): the task center has its record
		} else if j.Status != nil && j.Status.Value() == "FAIL" {
			return jobReason(deref(j.ErrorCode), deref(j.FailReason), status), nil
		}
	}
	fj, err := p.listAll(ctx, "/v1/{project_id}/task-center/failure-jobs", "failure_jobs", groupID, "list failure jobs")
	if err != nil {
		return "", err
	}
	for i := len(fj) - 1; i >= 0; i-- {
		if fj[i].str("resource_id") == groupID {
			return jobReason(fj[i].str("error_code"), fj[i].str("fail_reason"), status), nil
		}
	}
	return "SDRS status " + status, nil
}

func jobReason(code, reason, status string) string {
	s := status + ": " + reason
	if code != "" {
		s += " (" + code + ")"
	}
	return s
}

func (p *Platform) rememberJob(groupID, jobID string) {
	p.mu.Lock()
	p.jobs[groupID] = jobID
	p.mu.Unlock()
}

var _ platform.FailureJobs = (*Platform)(nil)

// ListFailureJobs lists the group's failure jobs (Querying Failure Tasks, GET
// /v1/{project_id}/task-center/failure-jobs?server_group_id, paginated;
// task center pages of https://support.huaweicloud.com/intl/en-us/api-sdrs/).
func (p *Platform) ListFailureJobs(ctx context.Context, groupID string) ([]platform.FailureJob, error) {
	fj, err := p.listAll(ctx, "/v1/{project_id}/task-center/failure-jobs", "failure_jobs", groupID, "list failure jobs")
	if err != nil {
		return nil, err
	}
	var out []platform.FailureJob
	for _, j := range fj {
		if groupID != "" && j.str("resource_id") != groupID {
			continue
		}
		out = append(out, platform.FailureJob{ID: j.str("job_id"), JobType: j.str("job_type"), ResourceID: j.str("resource_id"),
			ResourceType: j.str("resource_type"), FailureStatus: j.str("failure_status"), ErrorCode: j.str("error_code"),
			FailReason: j.str("fail_reason"), BeginTime: j.str("begin_time")})
	}
	return out, nil
}

// DeleteFailureJobs deletes one failure job (Deleting a Failure Task, DELETE
// /v1/{project_id}/task-center/failure-jobs/{failure_job_id}) or every failure job of the group
// (Deleting All Failure Tasks of a Protection Group, DELETE
// /v1/{project_id}/task-center/{server_group_id}/failure-jobs/batch); task center pages of
// https://support.huaweicloud.com/intl/en-us/api-sdrs/. Only the records go: the group keeps
// its error-* status, and the failed operation is retried by the next apply.
func (p *Platform) DeleteFailureJobs(ctx context.Context, groupID, jobID string) error {
	defer p.wrote()
	if jobID != "" {
		_, err := sdk(ctx, p, "delete failure job "+jobID, func() (*model.DeleteFailureJobResponse, error) {
			return p.client.DeleteFailureJob(&model.DeleteFailureJobRequest{FailureJobId: jobID})
		})
		return err
	}
	_, err := sdk(ctx, p, "delete the failure jobs of protection group "+groupID, func() (*model.DeleteServerGroupFailureJobsResponse, error) {
		return p.client.DeleteServerGroupFailureJobs(&model.DeleteServerGroupFailureJobsRequest{ServerGroupId: groupID})
	})
	return err
}

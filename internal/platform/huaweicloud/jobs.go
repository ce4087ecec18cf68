package huaweicloud

// SDRS asynchronous jobs: the last job this process started on a group, a failed job's reason
// (last_error), and the task center's failure jobs (platform.FailureJobs).

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/sdrs/v1/model"

	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// lastError is the failed job's reason: the job this process started (ShowJobStatus), else the
// group's latest failure of that operation in the task center (ListFailureJobs), else the latest
// failure listed for the group (an instance's), named as such, else the status itself (no
// failure job: e.g. cleared with clear_failure_jobs). The reason drops the vendor's internal
// task name ("SdrsXxxTask-fail:"). A lookup that fails is the read's error
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
	fj, err := p.failureJobs(ctx, groupID)
	if err != nil {
		return "", err
	}
	// the group's own failure of the operation its status names, newest first; else the
	// latest failure listed for the group (its protected instances' are listed with it),
	// named as what it is
	want := failureStatusOf[status]
	for _, j := range fj {
		if j.str("failure_status") == want && (j.str("resource_id") == groupID || j.str("resource_type") == "server_groups") {
			return jobReason(j.str("error_code"), j.str("fail_reason"), status), nil
		}
	}
	if len(fj) > 0 {
		j := fj[0]
		return fmt.Sprintf("%s; the latest failure the SDRS task center lists for the group: %s of %s failed: %s", status,
			j.str("job_type"), j.str("resource_name"), reasonWithCode(j.str("error_code"), j.str("fail_reason"))), nil
	}
	return "SDRS status " + status + " (the SDRS task center lists no failure of the group)", nil
}

// failureStatusOf is the task center's failure_status of the operation a group's error status
// names (Querying Failed Tasks: failure_status).
var failureStatusOf = map[string]string{
	"error": "createFail", "error-starting": "startFail", "error-stopping": "stopFail", "error-reversing": "reverseFail",
	"error-failing-over": "failoverFail", "error-reprotecting": "reprotectFail", "error-deleting": "deleteFail",
}

// failureJobs lists the task center's failure jobs of a group ("" : every group), newest
// first. Filtered by server_group_id, SDRS lists the group's failures and its protected
// instances' (whose resource_id is the instance), so none is dropped here.
func (p *Platform) failureJobs(ctx context.Context, groupID string) ([]obj, error) {
	fj, err := p.listAll(ctx, "/v1/{project_id}/task-center/failure-jobs", "failure_jobs", groupID, "list failure jobs")
	if err != nil {
		return nil, err
	}
	sort.SliceStable(fj, func(i, k int) bool { return jobTime(fj[i]).After(jobTime(fj[k])) })
	return fj, nil
}

// jobTime is a failure job's begin_time (documented "yyyy-MM-ddTHH:mm:ss.SSSZ"; other SDRS
// times come without the zone or with a space): the zero time when unreadable.
func jobTime(j obj) time.Time {
	v := j.str("begin_time")
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t
		}
	}
	return time.Time{}
}

// taskPrefix is the vendor's internal task name a job's fail_reason starts with
// ("SdrsSomethingTask-fail:the reason").
var taskPrefix = regexp.MustCompile(`^\s*[A-Za-z0-9_.]+-fail:\s*`)

// reasonWithCode is a job's failure reason without the internal task name, with its code.
func reasonWithCode(code, reason string) string {
	s := taskPrefix.ReplaceAllString(reason, "")
	if s == "" {
		s = "no reason given"
	}
	if code != "" {
		s += " (" + code + ")"
	}
	return s
}

func jobReason(code, reason, status string) string {
	return status + ": " + reasonWithCode(code, reason)
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
	fj, err := p.failureJobs(ctx, groupID)
	if err != nil {
		return nil, err
	}
	var out []platform.FailureJob
	for _, j := range fj {
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

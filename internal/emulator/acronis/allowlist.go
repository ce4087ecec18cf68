package acronis

// The emulator's allow-list: what Acronis documents, not what the engine (internal/lifecycle)
// decides. Acronis does not tabulate which action is allowed in which status: a server lists the
// actions it can take now in _links and what blocks one in _issues, each issue naming the link it
// blocks ("Allowed actions are advertised, not tabulated", vendor-lifecycles §5.1). This file
// writes down, status by status, which action links a server lists and which issues it reports,
// each row citing where Acronis says so (or saying that Acronis does not, and what is assumed);
// which links each documented issue blocks; and the 409 each refusal answers. The emulator
// computes _links and _issues from it and decides a POST's legality from them, then runs the
// action on the sandbox with sandbox.PhysicsOnly: the sandbox keeps the physics (durations, the
// VM, addresses), the table keeps legality.
//
// Sources (short names used in the rows):
//
//	[DR-REF]   DR API v2 reference, https://developer.acronis.com/doc/disaster-recovery/v2/reference/openapi.json
//	           (status enum; the issue variants per link; the 409s)
//	[LIST]     .../outbound/apis/api-library/dr/cloud-servers/fetch-cloud-servers-list.html (the only
//	           published recovery servers: POWERING_OFF/POWERING_ON with a task, the three action links
//	           listed and a ResourceBusy issue on each)
//	[PROD]     .../dr/cloud-servers/start-production-failover.html (checks _issues and the start link
//	           before posting)
//	[STOP]     .../dr/cloud-servers/stop-failover.html (stops a test failover, or cancels a production
//	           failover, losing the cloud VM's changes)
//	[ERRORS]   .../dr/error-codes.html (ServerNotReady, ResourceBusy, FailoverCancellationAlreadyInProgress, …)
//	[LIFECYCLE] seed 004, "Recovery server lifecycle" (standby → failover → cancel or failback; standby →
//	           testing → stop)
//	[HOW]      https://www.acronis.com/en-us/support/documentation/DisasterRecovery/how-failover-and-failback-work.html
//	           (a failover needs a disk-image backup; finalization; test failover)
//	[FAILOVER] https://www.acronis.com/en-us/support/documentation/BackupService/40121.html ("the only way
//	           to get out of the failover state is a failback": the console's view, see FAILOVER_PROD)

// Action link relations.
var actionRels = []string{RelStartFailoverPrd, RelStartFailoverTst, RelStopFailover}

// StatusRow is what a server in one status offers through the DR API v2.
type StatusRow struct {
	Status string
	// Actions are the action links the server lists (in _links order). A start link is listed
	// only when the protected machine has a recovery point ([HOW]: a failover needs at least one
	// disk-image backup).
	Actions []string
	// Busy: a task runs on the server; each listed action link carries a ResourceBusy issue
	// naming it ([LIST]), so every action is refused with ResourceBusy.
	Busy bool
	// Cite is where Acronis says so, or what is assumed where it does not.
	Cite string
}

// busyCite is the citation of every status in which a task runs.
const busyCite = "[LIST]: a server whose task runs lists the three action links, each blocked by a ResourceBusy issue naming the task; the emulator applies the published busy servers' shape to every transitional status"

// Statuses is the vendor's status table: every value of the DR API's status enum [DR-REF].
var Statuses = []StatusRow{
	{Status: "CREATING", Actions: actionRels, Busy: true, Cite: busyCite + " (the console's creation task)"},
	{Status: "STAND_BY", Actions: []string{RelStartFailoverPrd, RelStartFailoverTst},
		Cite: "[LIFECYCLE] standby: start a failover or a test failover; [PROD] posts to the start link once _issues is empty; [HOW] a start needs a recovery point. Not published: that the stop link is absent (nothing to stop)"},
	{Status: "STARTING_FAILOVER_PROD", Actions: actionRels, Busy: true, Cite: busyCite},
	{Status: "FINALIZATION", Actions: actionRels, Busy: true, Cite: busyCite + " ([HOW]: the failover's task runs until finalization ends)"},
	{Status: "FINALIZATION_FAILED", Actions: []string{RelStopFailover},
		Cite: "not published; assumed: the stop link, the way back to standby from a failover that cannot be finalized ([STOP]), no start link (the server is not in standby)"},
	{Status: "FAILOVER_PROD", Actions: []string{RelStopFailover},
		Cite: "[STOP] the stop link cancels a production failover (its changes are lost); [LIFECYCLE] 'cancel the failover' → standby. [FAILOVER] says only a failback leaves the failover state: that is the console's offer (the API has no failback); the API's stop is gated at run time by the link's presence"},
	{Status: "STARTING_FAILOVER_TEST", Actions: actionRels, Busy: true, Cite: busyCite},
	{Status: "STARTING_FAILOVER_TEST_AUTO", Actions: actionRels, Busy: true, Cite: busyCite},
	{Status: "FAILOVER_TEST", Actions: []string{RelStopFailover}, Cite: "[LIFECYCLE] testing: stop testing; [STOP] the stop link stops a test failover"},
	{Status: "FAILOVER_TEST_AUTO", Actions: []string{RelStopFailover},
		Cite: "not published for the automated test failover; assumed like FAILOVER_TEST ([STOP] stops 'the failover of the cloud server')"},
	{Status: "STOPPING_FAILOVER", Actions: actionRels, Busy: true,
		Cite: busyCite + "; a second stop is answered FailoverCancellationAlreadyInProgress [ERRORS]"},
	{Status: "STARTING_FAILBACK", Actions: actionRels, Busy: true, Cite: busyCite},
	{Status: "FAILING_BACK", Actions: actionRels, Busy: true, Cite: busyCite},
	{Status: "FAILBACK_DATA_TRANSFER", Actions: actionRels, Busy: true, Cite: busyCite + " (the data transfer task)"},
	{Status: "STARTING_FAILBACK_DATA_TRANSFER_RESUME", Actions: actionRels, Busy: true, Cite: busyCite},
	{Status: "STARTING_FAILBACK_DATA_TRANSFER_STOP", Actions: actionRels, Busy: true, Cite: busyCite},
	{Status: "FAILBACK_SWITCHOVER", Actions: actionRels, Busy: true, Cite: busyCite},
	{Status: "STARTING_FAILBACK_SWITCHOVER_BEGIN", Actions: actionRels, Busy: true, Cite: busyCite},
	{Status: "STARTING_FAILBACK_SWITCHOVER_COMPLETE", Actions: actionRels, Busy: true, Cite: busyCite},
	{Status: "FAILBACK_VALIDATION", Cite: "[LIFECYCLE] ready for failback: confirm or cancel the failback, console steps the DR API v2 does not offer: no action link"},
	{Status: "STARTING_FAILBACK_COMMIT", Actions: actionRels, Busy: true, Cite: busyCite},
	{Status: "STARTING_FAILBACK_ROLLBACK", Actions: actionRels, Busy: true, Cite: busyCite},
	{Status: "POWERING_ON", Actions: actionRels, Busy: true, Cite: busyCite + " (published as is)"},
	{Status: "POWERING_OFF", Actions: actionRels, Busy: true, Cite: busyCite + " (published as is)"},
	{Status: "RECONFIGURING", Actions: actionRels, Busy: true, Cite: busyCite},
	{Status: "RESTORING_FROM_BACKUP", Actions: actionRels, Busy: true, Cite: busyCite},
	{Status: "STOPPING_RESTORE_FROM_BACKUP", Actions: actionRels, Busy: true, Cite: busyCite},
	{Status: "DELETING", Actions: actionRels, Busy: true, Cite: busyCite},
}

// Row returns the table's row of a status.
func Row(status string) (StatusRow, bool) {
	for _, r := range Statuses {
		if r.Status == status {
			return r, true
		}
	}
	return StatusRow{}, false
}

// IssueLinks are the links each issue code the emulator reports blocks: the issue variants of
// the DR reference [DR-REF] (a start-failover issue names a start link, a stop-failover issue
// the stop link, a console issue the remote-console link). An issue is reported on each of
// them the server lists.
var IssueLinks = map[string][]string{
	"SiteNotReady":                      {RelStartFailoverPrd, RelStartFailoverTst, RelStopFailover, RelRemoteConsole},
	"ServerNotReady":                    {RelStartFailoverPrd, RelStartFailoverTst, RelStopFailover, RelRemoteConsole},
	"ResourceBusy":                      {RelStartFailoverPrd, RelStartFailoverTst, RelStopFailover},
	"VPNGatewayUnreachable":             {RelStartFailoverPrd, RelStartFailoverTst, RelStopFailover},
	"NotAllowed":                        {RelStartFailoverPrd, RelStartFailoverTst, RelStopFailover},
	"BaseDrTestFailoverLimitReached":    {RelStartFailoverTst},
	"QuotaExceededBaseDR":               {RelStartFailoverPrd, RelStartFailoverTst},
	"QuotaExceededCloudServers":         {RelStartFailoverPrd, RelStartFailoverTst},
	"QuotaExceededComputePoints":        {RelStartFailoverPrd, RelStartFailoverTst},
	"SubscriptionNotFoundComputePoints": {RelStartFailoverPrd, RelStartFailoverTst},
	"SubscriptionNotFoundCloudServers":  {RelStartFailoverPrd, RelStartFailoverTst},
	"SubscriptionNotFoundDrStorage":     {RelStartFailoverPrd, RelStartFailoverTst},
	"SubscriptionNotFoundAzureDR":       {RelStartFailoverPrd, RelStartFailoverTst},
	"ServerNotLicensed":                 {RelStartFailoverPrd, RelStartFailoverTst},
	"CloudConnectionIssue":              {RelStartFailoverPrd, RelStartFailoverTst},
	"CloudConnectionWorkerIssue":        {RelStartFailoverPrd, RelStartFailoverTst},
}

// Refusal codes: the 409 a POST of an action gets [DR-REF, ERRORS].
const (
	// RefusalNotListed: the server does not list the action's link now.
	RefusalNotListed = "ServerNotReady"
	// RefusalStopping: a stop while a stop runs.
	RefusalStopping = "FailoverCancellationAlreadyInProgress"
	// An issue on the action's link is answered with the issue's own error (its code, message
	// and context): ResourceBusy, SiteNotReady, BaseDrTestFailoverLimitReached, a quota, …
)

// issueMessages are the emulator's messages of the issue codes it reports (ours: the
// error-codes page's texts are not copied).
var issueMessages = map[string]string{
	"SiteNotReady":                   "The disaster recovery site is being deployed or removed.",
	"ServerNotReady":                 "This action does not apply to a cloud server in its current state.",
	"ResourceBusy":                   "Another task runs on this server; wait for it to finish.",
	"BaseDrTestFailoverLimitReached": "Too many recovery servers are in test failover at the same time for this pack.",
	"VPNGatewayUnreachable":          "The VPN gateway has not reported for too long.",
}

func issueMessage(code string) string {
	if m, ok := issueMessages[code]; ok {
		return m
	}
	return "The action is blocked (" + code + ")."
}

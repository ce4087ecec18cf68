package huaweicloud

// SDRS protected instances: protecting a server (Creating a Protected Instance: SDRS creates
// its DR-site twin and a replication pair per disk) and unprotecting it (Deleting a Protected
// Instance, the servers kept).

import (
	"context"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/sdrs/v1/model"

	"github.com/dr-provider/terraform-provider-dr/internal/lifecycle"
	"github.com/dr-provider/terraform-provider-dr/internal/platform"
)

// issueServer protects (add_server) or unprotects (remove_server) params' server_id in g; ""
// when it already is (or is not) protected.
func (p *Platform) issueServer(ctx context.Context, g platform.ProtectionGroup, op lifecycle.Op, params map[string]string) (string, error) {
	id := g.ID
	switch op {
	case lifecycle.OpAddServer:
		sid := params[lifecycle.ParamServerID]
		if sid == "" {
			return "", platform.Invalidf("", "add_server needs server_id")
		}
		for _, s := range g.ServerIDs {
			if s == sid {
				return "", nil // already protected
			}
		}
		// Creating a Protected Instance (SDRS creates the DR-site server and a pair per disk).
		name := truncateBytes("dr-"+sid, 64)
		r, err := sdk(ctx, p, "protect server "+sid, func() (*model.CreateProtectedInstanceResponse, error) {
			return p.client.CreateProtectedInstance(&model.CreateProtectedInstanceRequest{Body: &model.CreateProtectedInstanceRequestBody{
				ProtectedInstance: &model.CreateProtectedInstanceRequestParams{ServerGroupId: id, ServerId: sid, Name: name}}})
		})
		if err != nil {
			return "", err
		}
		return deref(r.JobId), nil
	case lifecycle.OpRemoveServer:
		sid := params[lifecycle.ParamServerID]
		insts, err := p.listAll(ctx, "/v1/{project_id}/protected-instances", "protected_instances", id, "list protected instances")
		if err != nil {
			return "", err
		}
		for _, in := range insts {
			if in.str("source_server") != sid {
				continue
			}
			// Deleting a Protected Instance; the servers (and the DR-site twin) are kept.
			r, err := sdk(ctx, p, "unprotect server "+sid, func() (*model.DeleteProtectedInstanceResponse, error) {
				return p.client.DeleteProtectedInstance(&model.DeleteProtectedInstanceRequest{ProtectedInstanceId: in.str("id"),
					Body: &model.DeleteProtectedInstanceRequestBody{DeleteTargetServer: ptr(false), DeleteTargetEip: ptr(false)}})
			})
			if err != nil {
				return "", err
			}
			return deref(r.JobId), nil
		}
		return "", nil // not protected: nothing to do
	}
	return "", platform.Invalidf("", "the huaweicloud platform cannot invoke %s on a protected instance", op)
}

// Command trivialprovider is the floor of the startup benchmark (make bench): a
// terraform-plugin-framework provider with one attribute-less resource and nothing else.
package main

import (
	"context"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
)

type trivial struct{}

func (trivial) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "trivial"
}
func (trivial) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse)          {}
func (trivial) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {}
func (trivial) DataSources(context.Context) []func() datasource.DataSource                        { return nil }
func (trivial) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{func() resource.Resource { return thing{} }}
}

type thing struct{}

func (thing) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = "trivial_thing"
}
func (thing) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{Attributes: map[string]schema.Attribute{"id": schema.StringAttribute{Computed: true}}}
}

// Create stores the least state Terraform accepts (the id); Read keeps the prior state and
// Delete's empty response removes it, so the drbench heavy section can apply, plan and destroy.
func (thing) Create(ctx context.Context, _ resource.CreateRequest, resp *resource.CreateResponse) {
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), "x")...)
}
func (thing) Read(context.Context, resource.ReadRequest, *resource.ReadResponse)       {}
func (thing) Update(context.Context, resource.UpdateRequest, *resource.UpdateResponse) {}
func (thing) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

func main() {
	err := providerserver.Serve(context.Background(), func() provider.Provider { return trivial{} },
		providerserver.ServeOpts{Address: "registry.terraform.io/dr-provider/trivial"})
	if err != nil {
		log.Fatal(err)
	}
}

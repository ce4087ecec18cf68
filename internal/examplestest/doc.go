// Package examplestest applies what a newcomer copies first — every example under
// examples/resources, examples/data-sources and examples/actions, and the quickstart story —
// through the real Terraform CLI (terraform-plugin-testing, provider served in-process), each
// against a fresh sandbox in a temporary directory on the sandbox's DEFAULT clock (no
// time_scale), and checks that each applies within seconds and plans empty afterwards.
//
// The examples are used as written; the test only adds what a user's root module adds around
// them: the provider requirement (`source = "dr-provider/dr"`, served under that address by
// setting TF_ACC_PROVIDER_NAMESPACE for this package's test binary) and a provider block that
// points the sandbox at the test's temporary database. A data-source example looks up an
// object made by the resource example of the same type (its id goes in through the example's
// variable); an action example is applied together with the resource example of its target
// type, whose instance it names. Actions need Terraform 1.14: with an older CLI those tests
// skip visibly (Terraform 1.11 cannot even parse an `action` block), and
// TestExamples_actionsValidate checks every action block against the provider's schema and
// ValidateActionConfig at the protocol level, on any CLI. To run the CLI tests, point the
// harness at a newer CLI: TF_ACC=1 TF_ACC_TERRAFORM_PATH=/path/to/terraform-1.14+ go test
// ./internal/examplestest (they pass with Terraform 1.15.9).
//
// Each example must finish within a wall-time budget (exampleBudget; the story has its
// own), which is what catches an example that waits out a simulated operation in real time.
package examplestest

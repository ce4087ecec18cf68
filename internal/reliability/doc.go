// Package reliability holds the provider's end-to-end reliability tests: the built provider
// binary driven through the real Terraform CLI (dev_overrides, no network) against a sandbox
// database, with the CLI killed or interrupted mid-apply, transient and permanent platform
// faults, concurrent terraform processes on one database, high parallelism, and log and file
// hygiene. The package has no non-test code; see templates/guides/reliability.md.tmpl for the
// guarantees these tests demonstrate.
package reliability

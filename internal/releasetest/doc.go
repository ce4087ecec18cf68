// Package releasetest tests what a user gets from a release, through the CLI, as a user runs
// it: the provider installed by `make install` (the implied local mirror under a temporary
// HOME, for Terraform's and OpenTofu's registry hosts; no dev_overrides, no registry), and
// the dr-emulator command started as its own process.
//
//   - every runnable example directory (one with a required_providers block), copied, works
//     with `terraform init` then `apply` or `test`: the quickstart and the module's rehearsal
//     here (examples/module-test/ci.sh: the commands the "Rehearse DR in CI" guide shows), the
//     vendor examples through their rehearsals;
//   - each vendor example's rehearse.sh (dr-emulator, the seed configuration, the vendor story
//     through the CLI) passes;
//   - examples/alibaba/ci.sh, the job the "Rehearse your vendor configuration in CI" guide
//     shows, passes (`terraform init && terraform test` against dr-emulator);
//   - two rehearsals with separate states run at once against one dr-emulator process without
//     interfering, and the emulator's startup time (to its first served request) is logged.
//
// The tests need TF_ACC (make test sets it), make, and the CLI named by TF_ACC_TERRAFORM_PATH
// or terraform on PATH; make test-matrix runs them on every CLI of the matrix. They never use
// the network: the CLI configuration (TF_CLI_CONFIG_FILE) is an empty file, HOME is
// temporary, CHECKPOINT_DISABLE is set, and the provider is found in the implied mirror.
package releasetest

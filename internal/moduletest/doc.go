// Package moduletest runs the example DR module's rehearsal (examples/module-test) with the
// CLI's own test command (`terraform test` / `tofu test`), one run per .tftest.hcl file, and
// rehearses the one thing those files cannot express: a change the provider refuses at plan
// time (no CLI's expect_failures catches a provider error diagnostic).
//
// It also runs examples/readiness-checks (issue 27): its check blocks warn, and its test file
// fails, naming the rule, when readiness is broken on the sandbox — the DR site down before the
// first synchronisation, a stalled replication link (the copy ages past the RPO), a drill
// started out of band.
//
// The tests need TF_ACC (make test sets it) and run the CLI named by TF_ACC_TERRAFORM_PATH, or
// terraform on PATH; make test-matrix runs them on every CLI of the matrix.
package moduletest

# expect_failures catches what the configuration itself checks (variable validations,
# preconditions, postconditions, check blocks). A plan-time refusal by the provider (e.g. R000-2)
# is an error diagnostic, which no CLI lets a test expect: the driver
# (internal/moduletest) rehearses that one with a plain plan.

run "bad_active_site" {
  command = plan
  variables {
    active_site = "dr"
  }
  expect_failures = [var.active_site]
}

run "bad_protection" {
  command = plan
  variables {
    protection = "on"
  }
  expect_failures = [var.protection]
}

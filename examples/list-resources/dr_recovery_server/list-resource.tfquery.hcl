# Every recovery server (at most 50 results).
list "dr_recovery_server" "all" {
  provider = dr
  limit    = 50
}

package lifecycle

import (
	"fmt"
	"strings"
)

// FormatError is a format-rule refusal (the provider wraps these in attribute validators).
type FormatError struct {
	Rule    string
	Field   string
	Message string
}

func (e *FormatError) Error() string { return e.Message }

// ValidateClientToken enforces R001-4: 1–64 ASCII characters.
func ValidateClientToken(token string) error {
	if n := len(token); n == 0 || n > 64 {
		return &FormatError{"R001-4", "client_token", fmt.Sprintf("R001-4: a client token has 1 to 64 ASCII characters; this one has %d bytes.", n)}
	}
	for i, r := range token {
		if r > 0x7e || r < 0x20 {
			return &FormatError{"R001-4", "client_token", fmt.Sprintf("R001-4: a client token is printable ASCII only; character %d is %q.", i, r)}
		}
	}
	return nil
}

// ValidateReplicaName enforces R003-9: 1–64 characters of letters, digits, _ and -.
func ValidateReplicaName(name string) error {
	if n := len([]rune(name)); n == 0 || n > 64 {
		return &FormatError{"R003-9", "name", fmt.Sprintf("R003-9: a replica name has 1 to 64 characters; %q has %d.", name, n)}
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return &FormatError{"R003-9", "name", fmt.Sprintf("R003-9: a replica name uses only letters, digits, _ and -; %q contains %q.", name, r)}
		}
	}
	return nil
}

// ValidateReplicaDescription enforces R003-10: at most 255 characters, no < or >.
func ValidateReplicaDescription(desc string) error {
	if n := len([]rune(desc)); n > 255 {
		return &FormatError{"R003-10", "description", fmt.Sprintf("R003-10: a replica description has at most 255 characters; this one has %d.", n)}
	}
	if strings.ContainsAny(desc, "<>") {
		return &FormatError{"R003-10", "description", "R003-10: a replica description cannot contain < or >."}
	}
	return nil
}

// ValidatePairVolumes enforces V-PAIR-VOLUMES' static part: a pair replicates one volume to
// another, so its two volumes differ. (Whether they exist is a plan-time fact, V-REFS.)
func ValidatePairVolumes(primary, secondary string) error {
	if primary != "" && primary == secondary {
		return &FormatError{"V-PAIR-VOLUMES", "secondary_volume_id", fmt.Sprintf(
			"V-PAIR-VOLUMES: a replication pair copies one volume to another; primary and secondary are both %q. Use a volume at the standby site as the secondary.", primary)}
	}
	return nil
}

// ValidateGroupSites enforces V-GRP-SITES' static part: a group protects between two sites, so
// its source and target (region and zone) differ.
func ValidateGroupSites(sourceRegion, sourceZone, targetRegion, targetZone string) error {
	if sourceRegion != "" && sourceRegion == targetRegion && sourceZone == targetZone {
		return &FormatError{"V-GRP-SITES", "target_zone", fmt.Sprintf(
			"V-GRP-SITES: a protection group protects between two sites; source and target are both %s/%s. Choose a target in another zone or region.", sourceRegion, sourceZone)}
	}
	return nil
}

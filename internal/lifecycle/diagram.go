package lifecycle

import (
	"fmt"
	"strings"
)

func mermaidID(s State) string {
	if s == "" {
		return "[*]"
	}
	return string(s)
}

// Mermaid renders the kind's table as a Mermaid stateDiagram-v2 (stable order: table order).
// Failure edges go to the single error state, labelled with the operation; platform-driven
// transitions are dashed in spirit (labelled "(platform)").
func Mermaid(k Kind) string {
	t := Table(k)
	if t == nil {
		return ""
	}
	var b strings.Builder
	b.WriteString("stateDiagram-v2\n")
	for _, s := range t.states {
		fmt.Fprintf(&b, "    state \"%s (%s)\" as %s\n", s.State, s.Class, s.State)
	}
	seen := map[string]bool{}
	edge := func(from, to, label string) {
		line := fmt.Sprintf("    %s --> %s: %s\n", from, to, label)
		if !seen[line] {
			seen[line] = true
			b.WriteString(line)
		}
	}
	for _, o := range t.ops {
		label := string(o.Name)
		if !o.Invocable {
			label += " (platform)"
		}
		if o.DataLoss != nil {
			label += " ⚠"
		}
		if o.Site == SiteFlip {
			label += " ⇄"
		}
		for _, f := range o.From {
			src := mermaidID(f.State)
			if o.Via != "" {
				edge(src, mermaidID(o.Via), label)
			} else {
				edge(src, mermaidID(o.Target(f.State)), label)
			}
		}
		if o.Via != "" {
			prev := o.Via
			for _, p := range o.Pending {
				edge(mermaidID(prev), mermaidID(p), label)
				prev = p
			}
			edge(mermaidID(prev), mermaidID(o.OnSuccess), label+" ok")
			edge(mermaidID(prev), mermaidID(Error), label+" failed")
		}
	}
	if t.HasState(Deleted) {
		edge(mermaidID(Deleted), "[*]", "")
	}
	return strings.TrimRight(b.String(), "\n") + "\n"
}

// OperationsMarkdown renders the kind's operations as a Markdown table: operation, from-states,
// via, result, site, data loss, rules.
func OperationsMarkdown(k Kind) string {
	t := Table(k)
	if t == nil {
		return ""
	}
	var b strings.Builder
	b.WriteString("| operation | from | via | result | active site | data loss | rules | description |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|\n")
	for _, o := range t.ops {
		froms := make([]string, len(o.From))
		for i, f := range o.From {
			froms[i] = "`" + f.String() + "`"
		}
		name := "`" + string(o.Name) + "`"
		if !o.Invocable {
			name += " (platform)"
		}
		res := "unchanged"
		if o.OnSuccess != "" {
			res = "`" + string(o.OnSuccess) + "`"
		}
		res += " / `" + o.OnFailure.String() + "`"
		via := "–"
		if o.Via != "" {
			via = "`" + string(o.Via) + "`"
		}
		dl := "no"
		if o.DataLoss != nil {
			dl = "needs `allow_data_loss` (" + o.DataLoss.Rule + ")"
		}
		desc := o.Description
		if o.Afterwards != "" {
			desc += " Afterwards: " + o.Afterwards
		}
		if o.Checkpoint != "" {
			desc += " **Manual step before the next operation** (" + o.Checkpoint + "): one apply stops here (V-MANUAL-STEP)."
		}
		if o.Syncs {
			desc += " Copies data between the sites: refused while either is down (V-SYNC-SITES)."
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", name, strings.Join(froms, ", "), via, res, o.Site, dl,
			strings.Join(o.Rules(), ", "), strings.ReplaceAll(desc, "|", "\\|"))
	}
	return b.String()
}

// StatesMarkdown renders the kind's states as a Markdown table.
func StatesMarkdown(k Kind) string {
	t := Table(k)
	if t == nil {
		return ""
	}
	var b strings.Builder
	b.WriteString("| state | class | meaning |\n|---|---|---|\n")
	for _, s := range t.states {
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", s.State, s.Class, s.Description)
	}
	return b.String()
}

// RulesMarkdown renders the rules that apply to a kind as a Markdown list.
func RulesMarkdown(k Kind) string {
	var b strings.Builder
	for _, r := range RulesFor(k) {
		fmt.Fprintf(&b, "- **%s** %s\n", r.ID, r.Statement)
	}
	return b.String()
}

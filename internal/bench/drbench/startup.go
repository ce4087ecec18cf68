package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// rawCodec passes request and response bytes through, so GetProviderSchema can be called
// without the provider protocol's generated code (its request message is empty).
type rawCodec struct{}

func (rawCodec) Marshal(v any) ([]byte, error) { return *(v.(*[]byte)), nil }
func (rawCodec) Unmarshal(data []byte, v any) error {
	*(v.(*[]byte)) = append([]byte(nil), data...)
	return nil
}
func (rawCodec) Name() string { return "proto" }

// launch starts bin as Terraform does (go-plugin handshake, protocol 6, no mTLS) and returns
// the time to the handshake line and to the GetProviderSchema response, and its size.
func launch(bin string) (handshake, schema time.Duration, size int, err error) {
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(),
		"TF_PLUGIN_MAGIC_COOKIE=d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2",
		"PLUGIN_PROTOCOL_VERSIONS=6", "PLUGIN_MIN_PORT=10000", "PLUGIN_MAX_PORT=25000", "TF_LOG=")
	out, err := cmd.StdoutPipe()
	if err != nil {
		return 0, 0, 0, err
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, 0, err
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		return 0, 0, 0, fmt.Errorf("handshake: %w", err)
	}
	handshake = time.Since(start)
	parts := strings.Split(strings.TrimSpace(line), "|")
	if len(parts) < 5 {
		return 0, 0, 0, fmt.Errorf("handshake line %q", line)
	}
	target := parts[3]
	if parts[2] == "unix" {
		target = "unix://" + target
	}
	conn, err := grpc.NewClient(target, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return 0, 0, 0, err
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, resp := []byte{}, []byte(nil)
	if err := conn.Invoke(ctx, "/tfplugin6.Provider/GetProviderSchema", &req, &resp, grpc.ForceCodec(rawCodec{})); err != nil {
		return 0, 0, 0, err
	}
	return handshake, time.Since(start), len(resp), nil
}

func runStartup(args []string) error {
	fs := flag.NewFlagSet("startup", flag.ExitOnError)
	provider := fs.String("provider", "terraform-provider-dr", "built provider binary")
	trivial := fs.String("trivial", "", "a trivial framework provider (the floor)")
	runs := fs.Int("runs", 30, "launches per binary (interleaved; the median is reported)")
	_ = fs.Parse(args)
	bins := []struct{ name, path string }{{"dr provider", *provider}}
	if *trivial != "" {
		bins = append(bins, struct{ name, path string }{"trivial framework provider (floor)", *trivial})
	}
	hs := make([][]time.Duration, len(bins))
	sc := make([][]time.Duration, len(bins))
	sizes := make([]int, len(bins))
	for r := 0; r < *runs; r++ {
		for i, b := range bins {
			h, s, n, err := launch(b.path)
			if err != nil {
				return fmt.Errorf("%s: %w", b.name, err)
			}
			hs[i], sc[i], sizes[i] = append(hs[i], h), append(sc[i], s), n
		}
	}
	fmt.Printf("### Provider launch to served schema (exec → go-plugin handshake → GetProviderSchema response; median of %d interleaved launches)\n\n", *runs)
	fmt.Println("| binary | size | exec → handshake | exec → schema served | schema bytes | target | met |")
	fmt.Println("|---|---:|---:|---:|---:|---:|:-:|")
	for i, b := range bins {
		st, _ := os.Stat(b.path)
		s := median(sc[i])
		target, met := "≤ 30 ms", yes(s <= 30*time.Millisecond)
		if i > 0 {
			target, met = "—", "—"
		}
		fmt.Printf("| %s | %.1f MB | %s ms | %s ms | %d | %s | %s |\n", b.name, float64(st.Size())/1e6,
			ms(median(hs[i])), ms(s), sizes[i], target, met)
	}
	fmt.Println()
	return nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d)/1e6) }

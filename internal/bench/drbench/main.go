package main

import (
	"fmt"
	"os"
	"strconv"

	"github.com/dr-provider/terraform-provider-dr/internal/bench"
)

func main() {
	if len(os.Args) == 4 && os.Args[1] == "gen" {
		n, _ := strconv.Atoi(os.Args[3])
		if os.Args[2] == "floor" {
			fmt.Print(bench.Floor(n))
		} else {
			fmt.Print(bench.DR(n))
		}
	}
}

package ledger

import (
	"os"
	"runtime"
)

func writeFile(path, data string) error { return os.WriteFile(path, []byte(data), 0o600) }

func gomaxprocs() int { return runtime.GOMAXPROCS(0) }

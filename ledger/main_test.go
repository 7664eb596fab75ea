package ledger

import (
	"testing"

	"github.com/dangol/dangol/internal/testproc"
)

// TestMain runs a helper process when a test started one (testproc), else
// the tests.
func TestMain(m *testing.M) { testproc.Main(m) }

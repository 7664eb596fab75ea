package testproc

import (
	"strings"
	"testing"
)

const echoEnv = "DANGOL_TESTPROC_ECHO"

func init() {
	Register(echoEnv, func(arg string, args []string) int {
		print(arg + " " + strings.Join(args, " "))
		if arg == "fail" {
			return 3
		}
		return 0
	})
}

func TestMain(m *testing.M) { Main(m) }

// TestCommand: the helper runs in a process of its own with its value and
// arguments, instead of the tests, and its exit code is the process's.
func TestCommand(t *testing.T) {
	out, err := Command(nil, echoEnv, "hello", "a", "b").CombinedOutput()
	if err != nil || string(out) != "hello a b" {
		t.Errorf("helper printed %q, %v; want %q", out, err, "hello a b")
	}
	err = Command([]string{"HOME=/"}, echoEnv, "fail").Run()
	if code := exitCode(err); code != 3 {
		t.Errorf("helper exit %v (code %d), want 3", err, code)
	}
	if code, ok := RunHelper(); ok {
		t.Errorf("RunHelper ran a helper (code %d) with none named", code)
	}
}

func exitCode(err error) int {
	type coder interface{ ExitCode() int }
	if c, ok := err.(coder); ok {
		return c.ExitCode()
	}
	return -1
}

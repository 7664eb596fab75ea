package testproc

import (
	"os"
	"os/exec"
	"testing"
)

// helpers are the registered helpers by the environment variable that
// starts each; no lock: Register runs in init, before Main.
var helpers = map[string]func(arg string, args []string) int{}

// Register makes run the helper that starts when env is set: it gets the
// variable's value and the process's arguments, and returns the exit
// code. Call it from an init function of a test file.
func Register(env string, run func(arg string, args []string) int) {
	helpers[env] = run
}

// Main runs the helper named by the environment, if any, and exits with
// its code; otherwise it runs the tests and exits with theirs. Call it as
// a package's TestMain, or first thing in one.
func Main(m *testing.M) {
	if code, ok := RunHelper(); ok {
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// RunHelper runs the helper named by the environment and reports its exit
// code; ok is false when none is named. For a TestMain that has work of
// its own after it.
func RunHelper() (code int, ok bool) {
	for env, run := range helpers {
		if arg := os.Getenv(env); arg != "" {
			return run(arg, os.Args[1:]), true
		}
	}
	return 0, false
}

// Command returns the command that runs this test binary as the helper
// registered under env, with arg as its value and args as its arguments,
// in the environment base (nil: this process's) plus env.
func Command(base []string, env, arg string, args ...string) *exec.Cmd {
	if base == nil {
		base = os.Environ()
	}
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(base[:len(base):len(base)], env+"="+arg)
	return cmd
}

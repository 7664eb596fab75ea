// Package testproc runs a test binary again as a helper process, for a
// test that needs something set on a whole process: a resource limit (a
// file that may not grow, standing for a full disk), which would reach
// every other test of the package if the test set it on itself.
//
// A test file registers its helper in init (Register); the package's
// TestMain calls Main, which runs the helper the environment names instead
// of the tests; the test starts the helper with Command and reads what it
// printed.
//
// LimitFileSize (Linux) sets the limit a full-disk test needs.
//
// Caveats: the helper runs before flag parsing and before anything else
// TestMain does (a build of the binary under test, say), and its
// arguments are the test binary's own (os.Args[1:]), not test flags.
package testproc

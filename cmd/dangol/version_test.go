package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// gitOut runs git with args in dir and returns its trimmed output.
func gitOut(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("git %s: %v", strings.Join(args, " "), err)
	}
	return strings.TrimSpace(string(out))
}

// TestVersion_Binary builds dangol with VCS stamping and checks that
// --version names the commit it was built from and the Go toolchain.
func TestVersion_Binary(t *testing.T) {
	t.Parallel() // its own ledger, Main and fakes
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not on PATH: no VCS information to stamp")
	}
	// Other work may commit while the binary builds: HEAD before and after
	// are both right answers.
	before := gitOut(t, ".", "rev-parse", "HEAD")
	bin := filepath.Join(t.TempDir(), "dangol")
	gotool, err := exec.LookPath("go")
	if err != nil {
		gotool = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	build := exec.Command(gotool, "build", "-buildvcs=true", "-o", bin, ".")
	top := gitOut(t, ".", "rev-parse", "--show-toplevel")
	if fi, err := os.Stat(filepath.Join(top, ".git")); err == nil && !fi.IsDir() {
		// A linked worktree: its .git is a file, and the go command stamps
		// only a checkout whose .git is a folder. Build HEAD from a clone.
		clone := filepath.Join(t.TempDir(), "clone")
		gitOut(t, ".", "clone", "-q", "--no-checkout", gitOut(t, ".", "rev-parse", "--path-format=absolute", "--git-common-dir"), clone)
		gitOut(t, clone, "checkout", "-q", before)
		build.Args[len(build.Args)-1] = "./cmd/dangol"
		build.Dir = clone
	}
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build -buildvcs=true: %v\n%s", err, out)
	}
	after := gitOut(t, ".", "rev-parse", "HEAD")

	for _, args := range [][]string{{"--version"}, {"version", "--lang", "en"}} {
		cmd := exec.Command(bin, args...)
		cmd.Env = []string{"HOME=" + t.TempDir()}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("dangol %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		got := string(out)
		if !strings.Contains(got, before[:12]) && !strings.Contains(got, after[:12]) {
			t.Errorf("dangol %s = %q, want the revision %s", strings.Join(args, " "), got, after[:12])
		}
		if !strings.Contains(got, runtime.Version()) {
			t.Errorf("dangol %s = %q, want the Go version %s", strings.Join(args, " "), got, runtime.Version())
		}
		if !strings.HasPrefix(got, "dangol ") {
			t.Errorf("dangol %s = %q, want it to start with the program's name", strings.Join(args, " "), got)
		}
	}
}

// maxTrackedBytes is the most a tracked file may weigh, outside the
// embedded font and the golden images.
const maxTrackedBytes = 2 << 20

// largeFileAllowed reports whether path (slash-separated, from the
// repository root) may be over maxTrackedBytes.
func largeFileAllowed(path string) bool {
	if dir, file := filepath.Split(filepath.FromSlash(path)); filepath.ToSlash(dir) == "feedback/fonts/" && strings.HasSuffix(file, ".ttf") {
		return true
	}
	return strings.HasSuffix(path, ".png") && (strings.HasPrefix(path, "testdata/") || strings.Contains(path, "/testdata/"))
}

func TestLargeFileAllowed(t *testing.T) {
	tests := []struct {
		path string
		want bool
	}{
		{"feedback/fonts/NanumSquareR.ttf", true},
		{"feedback/testdata/week.png", true},
		{"cmd/dangol/testdata/summary.png", true},
		{"cmd/dangol/dangol", false},
		{"feedback/fonts/OFL.txt", false},
		{"fonts/NanumSquareR.ttf", false},
		{"feedback/fonts/sub/x.ttf", false},
		{"docs/screenshot.png", false},
		{"testdata/dump.db", false},
	}
	for _, tt := range tests {
		if got := largeFileAllowed(tt.path); got != tt.want {
			t.Errorf("largeFileAllowed(%q) = %t, want %t", tt.path, got, tt.want)
		}
	}
}

// TestRepo_NoLargeFiles fails for a tracked file over 2 MB, such as a
// built binary committed by mistake.
func TestRepo_NoLargeFiles(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not on PATH")
	}
	root := gitOut(t, ".", "rev-parse", "--show-toplevel")
	files := gitOut(t, root, "ls-files", "-z")
	n := 0
	for _, path := range strings.Split(files, "\x00") {
		if path == "" {
			continue
		}
		n++
		fi, err := os.Lstat(filepath.Join(root, filepath.FromSlash(path)))
		if err != nil {
			continue // deleted in the work tree, not yet in the index
		}
		if fi.Size() > maxTrackedBytes && !largeFileAllowed(path) {
			t.Errorf("%s is tracked and weighs %d bytes (over %d): keep built or generated files out of git", path, fi.Size(), maxTrackedBytes)
		}
	}
	if n < 10 {
		t.Fatalf("git ls-files listed %d files; the repository has more", n)
	}
}

package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// dockerStages splits a Dockerfile into its build stages (from each FROM),
// instructions upper-cased, comments and blank lines dropped, continued
// lines joined.
func dockerStages(t *testing.T, path string) [][]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var stages [][]string
	var cont string
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasSuffix(line, "\\") {
			cont += strings.TrimSuffix(line, "\\") + " "
			continue
		}
		line, cont = cont+line, ""
		op, _, _ := strings.Cut(line, " ")
		line = strings.ToUpper(op) + line[len(op):]
		if strings.HasPrefix(line, "FROM ") {
			stages = append(stages, nil)
		}
		if len(stages) == 0 {
			t.Fatalf("%s: %q before any FROM", path, line)
		}
		stages[len(stages)-1] = append(stages[len(stages)-1], line)
	}
	return stages
}

// TestDockerfile reads cmd/dangol/deploy/Dockerfile (no Docker engine is
// needed): a static build on golang:1.26, a final stage without a shell
// that runs as a non-root user with the data in a volume.
func TestDockerfile(t *testing.T) {
	stages := dockerStages(t, filepath.Join("deploy", "Dockerfile"))
	if len(stages) < 2 {
		t.Fatalf("%d stages, want a builder and a final stage", len(stages))
	}
	build, final := strings.Join(stages[0], "\n"), stages[len(stages)-1]
	if !strings.HasPrefix(build, "FROM golang:1.26 ") {
		t.Errorf("the builder is not golang:1.26:\n%s", build)
	}
	if !regexp.MustCompile(`RUN CGO_ENABLED=0 go build .*-o \S+ \./cmd/dangol`).MatchString(build) {
		t.Errorf("the builder does not build ./cmd/dangol with CGO_ENABLED=0:\n%s", build)
	}
	if !regexp.MustCompile(`^FROM (gcr\.io/distroless/static\S*|scratch)\b`).MatchString(final[0]) {
		t.Errorf("the final stage is %q, want distroless/static or scratch", final[0])
	}
	var user, volume, entry string
	env := map[string]string{}
	for _, line := range final {
		switch op, arg, _ := strings.Cut(line, " "); op {
		case "USER":
			user = arg
		case "VOLUME":
			volume = arg
		case "ENTRYPOINT":
			entry = arg
		case "ENV":
			for _, kv := range strings.Fields(arg) {
				if k, v, ok := strings.Cut(kv, "="); ok {
					env[k] = v
				}
			}
		}
	}
	if name, _, _ := strings.Cut(user, ":"); name == "" || name == "0" || name == "root" {
		t.Errorf("USER %q: the final stage must name a non-root user", user)
	} else if name != "65532" && name != "nonroot" {
		t.Errorf("USER %q, want 65532 (distroless' nonroot)", user)
	}
	if !strings.Contains(volume, "/data") {
		t.Errorf("VOLUME %q, want /data", volume)
	}
	if env["DANGOL_DB"] != "/data/dangol.db" || env["DANGOL_BACKUP_DIR"] != "/data/backups" {
		t.Errorf("ENV %v: the data file and backups must be in the volume", env)
	}
	if !strings.Contains(entry, "dangol") {
		t.Errorf("ENTRYPOINT %q does not run dangol", entry)
	}
	// Every source the builder copies must exist in the context (the
	// repository root).
	for _, line := range stages[0] {
		if op, arg, _ := strings.Cut(line, " "); op == "COPY" && !strings.HasPrefix(arg, "--from") {
			fields := strings.Fields(arg)
			for _, src := range fields[:len(fields)-1] {
				if _, err := os.Stat(filepath.Join("..", "..", src)); err != nil {
					t.Errorf("COPY %s: not in the build context: %v", src, err)
				}
			}
		}
	}

	ignore, err := os.ReadFile(filepath.Join("deploy", "Dockerfile.dockerignore"))
	if err != nil {
		t.Fatal(err)
	}
	for _, rule := range []string{".git", "**/*.db", "**/*.env"} {
		if !hasLine(strings.Split(string(ignore), "\n"), rule) {
			t.Errorf("Dockerfile.dockerignore lacks %q: data and tokens must stay out of the build context", rule)
		}
	}
}

// TestCompose checks the compose example for what a shop's box needs.
func TestCompose(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("deploy", "compose.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	compose := string(b)
	for _, want := range []string{
		"restart: unless-stopped",
		"env_file: dangol.env",
		"dockerfile: cmd/dangol/deploy/Dockerfile",
		"- dangol-data:/data",
		"\nvolumes:\n  dangol-data:",
	} {
		if !strings.Contains(compose, want) {
			t.Errorf("compose.yaml lacks %q", want)
		}
	}
	if _, err := os.Stat(filepath.Join("deploy", "dangol.env.example")); err != nil {
		t.Errorf("the example env file the compose comments name: %v", err)
	}
}

// hasLine reports whether one of lines is s, spaces aside.
func hasLine(lines []string, s string) bool {
	for _, l := range lines {
		if strings.TrimSpace(l) == s {
			return true
		}
	}
	return false
}

package hazy

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// examples/go is a separate module that imports this package through a replace directive:
// build it like a user would and run it against the stack.
func TestExampleProgram(t *testing.T) {
	t.Parallel()
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	exampleDir := filepath.Join(repo, "examples", "go")
	bin := filepath.Join(t.TempDir(), "hazy-train")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = exampleDir
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build in examples/go: %v\n%s", err, out)
	}

	project := newProject(t)
	setJobDuration(t, project, time.Second)
	run := exec.Command(bin, project, "examples/training-config.json")
	run.Dir = repo
	run.Env = append(os.Environ(), "HAZY_HUB_HOST="+hubURL, "HAZY_CLIENT_ID="+apiID,
		"HAZY_CLIENT_SECRET="+apiSecret, "HAZY_POLL_INTERVAL_MS=200")
	out, err := run.CombinedOutput()
	if err != nil {
		t.Fatalf("example: %v\n%s", err, out)
	}
	t.Logf("example output:\n%s", out)
	m := regexp.MustCompile(`training succeeded: model id (\S+)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("the example printed no model id:\n%s", out)
	}
	if strings.Contains(string(out), apiSecret) {
		t.Fatalf("the example printed the secret")
	}
	models, err := apiClient(t).ListModels(timeout(t, time.Minute), project)
	if err != nil || len(models) != 1 || models[0].ID != string(m[1]) {
		t.Fatalf("models of %s: %+v, %v; the example printed %s", project, models, err, m[1])
	}

	// The same program fails cleanly, naming the cause, with a wrong secret.
	bad := exec.Command(bin, project, "examples/training-config.json")
	bad.Dir = repo
	bad.Env = append(os.Environ(), "HAZY_HUB_HOST="+hubURL, "HAZY_CLIENT_ID="+apiID, "HAZY_CLIENT_SECRET=Zq7-bad-secret-1")
	out, err = bad.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "AUTH") || strings.Contains(string(out), "Zq7-bad-secret-1") {
		t.Fatalf("with a wrong secret: %v\n%s", err, out)
	}
}

// The documented alternative to pkg-config: the flags in CGO_CFLAGS/CGO_LDFLAGS and a
// pkg-config that prints nothing.
func TestBuildWithoutPkgConfig(t *testing.T) {
	t.Parallel()
	pc, err := exec.Command("pkg-config", "--variable=libdir", "hazy").Output()
	if err != nil {
		t.Fatalf("pkg-config: %v", err)
	}
	inc, err := exec.Command("pkg-config", "--variable=includedir", "hazy").Output()
	if err != nil {
		t.Fatalf("pkg-config: %v", err)
	}
	libdir, includedir := strings.TrimSpace(string(pc)), strings.TrimSpace(string(inc))
	bin := filepath.Join(t.TempDir(), "hazy-train")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = "../../examples/go"
	build.Env = append(os.Environ(), "PKG_CONFIG=true", "PKG_CONFIG_PATH=", "CGO_CFLAGS=-I"+includedir,
		"CGO_LDFLAGS=-L"+libdir+" -Wl,-rpath,"+libdir+" -lhazy")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build with CGO_ flags: %v\n%s", err, out)
	}
	out, err := exec.CommandContext(context.Background(), bin, "p", "/nonexistent.json").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "libhazy "+Version()) {
		t.Fatalf("the program built without pkg-config: %v\n%s", err, out)
	}
}

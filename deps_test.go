package newsbot

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/newsbot-dev/newsbot"

// coreModuleDeps are the packages of other modules, or of this one, that
// the answering core may link, and why it needs each. The standard library
// is allowed by rule, less coreBans.
var coreModuleDeps = map[string]string{
	module:                     "the core itself",
	module + "/prompts":        "the templates the model is sent: embedded text/template files, overridable from a directory",
	module + "/corpus/segment": "sentence splitting: the core splits a model's reply into sentences to check each one against the evidence",
}

// coreBans are what the answering core must never link, each with the
// reason the ban exists. A ban covers the package and every package
// beneath it, and holds even inside the standard library.
var coreBans = map[string]string{
	"net/http":   "the core is transport-free: HTTP servers and clients belong to the adapters (httpapi, slack, discord, openai) that call it",
	"crypto/tls": "TLS comes only with network clients and servers, which belong to the adapters",
	"testing":    "it adds its flags and test machinery to every binary that links it; test helpers belong in ...test packages (corpus/retrievaltest)",

	"golang.org/x/net/html":               "HTML is parsed by corpus/load alone: the core answers from text already extracted",
	"github.com/go-shiori/go-readability": "HTML extraction belongs to corpus/load",
	"github.com/go-shiori/dom":            "HTML extraction belongs to corpus/load",
	"github.com/andybalholm/cascadia":     "HTML selectors come with HTML extraction, in corpus/load",
	"github.com/PuerkitoBio/goquery":      "HTML extraction belongs to corpus/load",

	"go.yaml.in/yaml":          "YAML (front matter, the config file) is read at the edges, by corpus/load and cmd/bot",
	"gopkg.in/yaml.v2":         "YAML is read at the edges, by corpus/load and cmd/bot",
	"gopkg.in/yaml.v3":         "YAML is read at the edges, by corpus/load and cmd/bot",
	"sigs.k8s.io/yaml":         "YAML is read at the edges, by corpus/load and cmd/bot",
	"github.com/goccy/go-yaml": "YAML is read at the edges, by corpus/load and cmd/bot",

	"github.com/slack-go/slack":         "chat platforms belong to their adapter (adapters/slack); imports point inward",
	"github.com/bwmarrin/discordgo":     "chat platforms belong to their adapter (adapters/discord); imports point inward",
	"github.com/sashabaranov/go-openai": "the LLM vendor belongs to its adapter (adapters/openai), which implements the core's Model",
	"github.com/prometheus":             "metrics belong to adapters/prometheus, which observes the core through its Observer",
	module + "/adapters":                "adapters import the core, never the other way round",
	module + "/cmd":                     "wiring imports the core, never the other way round",
	module + "/corpus/index":            "the core declares Retriever and reaches into no engine",
	module + "/corpus/load":             "loading files is the retrieval layer's business, not the core's",
}

// inwardBans are what the retrieval layer (corpus/...) and the prompts
// must not link either: chat platforms, LLM vendors and adapters.
var inwardBans = []string{
	"github.com/slack-go/slack",
	"github.com/bwmarrin/discordgo",
	"github.com/sashabaranov/go-openai",
	module + "/adapters",
}

// under reports whether pkg is prefix or a package beneath it.
func under(pkg, prefix string) bool {
	return pkg == prefix || strings.HasPrefix(pkg, prefix+"/")
}

type dep struct {
	path     string
	standard bool
}

// listDeps runs go list -deps on pkgs for goos.
func listDeps(t *testing.T, goos string, pkgs ...string) []dep {
	t.Helper()
	cmd := exec.Command("go", append([]string{"list", "-deps", "-f", "{{.ImportPath}} {{.Standard}}"}, pkgs...)...)
	cmd.Env = append(os.Environ(), "GOOS="+goos)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("GOOS=%s go list -deps %s: %v\n%s", goos, strings.Join(pkgs, " "), err, out)
	}
	var deps []dep
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		path, std, ok := strings.Cut(line, " ")
		if !ok {
			t.Fatalf("go list: unexpected line %q", line)
		}
		deps = append(deps, dep{path, std == "true"})
	}
	return deps
}

// TestCoreDependencies allow-lists what the answering core links, in the
// manner of Tailscale's tstest/deptest: the standard library less the
// bans, and the listed packages of modules. A new dependency of the core
// fails here until it is listed with the reason the core needs it.
func TestCoreDependencies(t *testing.T) {
	for _, goos := range []string{"linux", "darwin", "windows"} {
		deps := listDeps(t, goos, ".")
		if len(deps) < 10 {
			t.Fatalf("GOOS=%s: only %d dependencies listed: %v", goos, len(deps), deps)
		}
		found := map[string]bool{}
		for _, d := range deps {
			found[d.path] = true
			banned := false
			for ban, why := range coreBans {
				if under(d.path, ban) {
					t.Errorf("GOOS=%s: the core depends on %s, which it must not: %s", goos, d.path, why)
					banned = true
				}
			}
			if !banned && !d.standard && coreModuleDeps[d.path] == "" {
				t.Errorf("GOOS=%s: the core depends on %s, which is not allowed: remove the import, or list it in coreModuleDeps with the reason the core needs it", goos, d.path)
			}
		}
		for p := range coreModuleDeps {
			if !found[p] {
				t.Errorf("GOOS=%s: coreModuleDeps lists %s, which the core no longer depends on: drop it", goos, p)
			}
		}
	}
}

// TestImportsPointInward keeps the retrieval layer (corpus/...) and the
// prompts free of chat platforms, LLM vendors and adapters: those depend
// on them, not the other way round.
func TestImportsPointInward(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Deps " "}}`, "./corpus/...", "./prompts/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) < 5 {
		t.Fatalf("found only %q to check", lines)
	}
	for _, line := range lines {
		f := strings.Fields(line)
		for _, d := range f[1:] {
			for _, ban := range inwardBans {
				if under(d, ban) {
					t.Errorf("%s depends on %s", f[0], d)
				}
			}
		}
	}
}

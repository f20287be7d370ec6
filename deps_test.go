package newsbot

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImportsPointInward keeps the answering core, the retrieval layer
// (corpus) and the prompts free of chat platforms and LLM vendors: those
// belong to adapters.
func TestImportsPointInward(t *testing.T) {
	const module = "github.com/newsbot-dev/newsbot"
	forbidden := []string{
		"github.com/slack-go/",
		"github.com/bwmarrin/discordgo",
		"github.com/sashabaranov/go-openai",
		module + "/adapters",
	}
	out, err := exec.Command("go", "list", "./...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	var inward []string
	for _, p := range strings.Fields(string(out)) {
		if p == module || strings.HasPrefix(p, module+"/corpus") || strings.HasPrefix(p, module+"/prompts") {
			inward = append(inward, p)
		}
	}
	if len(inward) < 2 {
		t.Fatalf("found only %v to check", inward)
	}
	for _, pkg := range inward {
		out, err := exec.Command("go", "list", "-deps", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, f := range forbidden {
				if strings.HasPrefix(dep, f) {
					t.Errorf("%s depends on %s", pkg, dep)
				}
			}
		}
	}
}

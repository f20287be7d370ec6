package newsbot

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImportsPointInward keeps the answering core and the retrieval layer
// free of chat platforms and LLM vendors: those belong to adapters.
func TestImportsPointInward(t *testing.T) {
	forbidden := []string{
		"github.com/slack-go/",
		"github.com/bwmarrin/discordgo",
		"github.com/sashabaranov/go-openai",
		"github.com/newsbot-dev/newsbot/adapters",
	}
	for _, pkg := range []string{".", "./corpus/...", "./prompts/..."} {
		out, err := exec.Command("go", "list", "-deps", pkg).CombinedOutput()
		if err != nil {
			if strings.Contains(string(out), "matched no packages") {
				continue
			}
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

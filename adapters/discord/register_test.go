package discord

import (
	"context"
	"strings"
	"testing"
)

// Registering again changes nothing that is already right; a command that
// differs is updated in place; other commands are left alone.
func TestRegisterIdempotent(t *testing.T) {
	f := newFakeDiscord(t)
	f.SetCommands([]map[string]any{{"id": "1", "name": "other", "description": "someone else's", "type": 1}})
	a, err := New(Config{Token: "t", GuildID: guildID, Transport: f.Transport()}, builtinBot(t))
	if err != nil {
		t.Fatal(err)
	}
	writes := func() []string {
		var out []string
		for _, r := range f.Requests(func(r fakeReq) bool { return r.Method != "GET" }) {
			out = append(out, r.Method+" "+r.Path)
		}
		return out
	}
	ctx := context.Background()
	if err := a.Register(ctx); err != nil {
		t.Fatal(err)
	}
	if got := writes(); len(got) != 1 || got[0] != "POST applications/"+botUserID+"/guilds/"+guildID+"/commands" {
		t.Fatalf("first Register wrote %v, want one POST to the guild's commands (app id from users/@me)", got)
	}
	if err := a.Register(ctx); err != nil {
		t.Fatal(err)
	}
	if got := writes(); len(got) != 1 {
		t.Errorf("second Register wrote %v, want nothing new", got)
	}
	cmds := f.Commands()
	cmds[1]["description"] = "old text"
	f.SetCommands(cmds)
	if err := a.Register(ctx); err != nil {
		t.Fatal(err)
	}
	got := writes()
	if len(got) != 2 || !strings.HasPrefix(got[1], "PATCH applications/"+botUserID+"/guilds/"+guildID+"/commands/") {
		t.Errorf("Register of a changed command wrote %v, want a PATCH", got)
	}
	if cmds := f.Commands(); len(cmds) != 2 || cmds[0]["name"] != "other" {
		t.Errorf("commands now %v", cmds)
	}
}

package discord

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsbot-dev/newsbot"
	"github.com/newsbot-dev/newsbot/adapters/discord/discordtest"
	"github.com/newsbot-dev/newsbot/corpus"
	"github.com/newsbot-dev/newsbot/corpus/builtin"
	"github.com/newsbot-dev/newsbot/corpus/index"
	"github.com/newsbot-dev/newsbot/corpus/load"
)

// The fake Discord is discordtest's; these names keep the tests short.
type (
	fakeDiscord = discordtest.Fake
	fakeReq     = discordtest.Request
)

func newFakeDiscord(t *testing.T) *fakeDiscord { return discordtest.New(t) }

// Ids the fake Discord uses.
const (
	botUserID = discordtest.BotUserID
	appID     = discordtest.AppID
	guildID   = discordtest.GuildID
	channelID = discordtest.ChannelID
	threadID  = discordtest.ThreadID
)

func isCallback(r fakeReq) bool {
	return r.Method == "POST" && strings.HasPrefix(r.Path, "interactions/") && strings.HasSuffix(r.Path, "/callback")
}

func isOriginalEdit(r fakeReq) bool {
	return r.Method == "PATCH" && strings.HasSuffix(r.Path, "/messages/@original")
}

func isFollowup(r fakeReq) bool {
	return r.Method == "POST" && strings.HasPrefix(r.Path, "webhooks/")
}

func isChannelPost(r fakeReq) bool {
	return r.Method == "POST" && strings.HasPrefix(r.Path, "channels/") && strings.HasSuffix(r.Path, "/messages")
}

// final reports a message edit or post that carries embeds or is not a
// streaming preview.
func final(r fakeReq) bool {
	m := r.JSON()
	if e, _ := m["embeds"].([]any); len(e) > 0 {
		return true
	}
	c, _ := m["content"].(string)
	return c != "" && !strings.HasSuffix(c, " …")
}

// --- Helpers ---------------------------------------------------------------

// builtinBot is the real core on the built-in corpus, extractive.
func builtinBot(t testing.TB) *newsbot.Bot {
	t.Helper()
	var l load.Loader
	var arts []corpus.Article
	for _, r := range l.LoadFS(builtin.FS, ".") {
		arts = append(arts, r.Articles...)
	}
	if len(arts) == 0 {
		t.Fatal("no built-in articles")
	}
	return &newsbot.Bot{Retriever: index.Build(arts), Conversations: &newsbot.MemoryConversations{}}
}

// recorder wraps an Answerer and records each request, when it came, and
// the turns store held for its conversation then.
type recorder struct {
	Answerer
	store newsbot.Conversations
	mu    sync.Mutex
	reqs  []newsbot.Request
	at    []time.Time
	turns [][]newsbot.Turn
}

func (r *recorder) Ask(ctx context.Context, req newsbot.Request, stream newsbot.Stream) (newsbot.Answer, error) {
	var turns []newsbot.Turn
	if r.store != nil && req.Conversation != "" {
		turns, _ = r.store.Turns(ctx, req.Conversation)
	}
	r.mu.Lock()
	r.reqs = append(r.reqs, req)
	r.at = append(r.at, time.Now())
	r.turns = append(r.turns, turns)
	r.mu.Unlock()
	return r.Answerer.Ask(ctx, req, stream)
}

// history returns the turns the i-th request was read against.
func (r *recorder) history(i int) []newsbot.Turn {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.turns[i]
}

func (r *recorder) calls() []newsbot.Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]newsbot.Request(nil), r.reqs...)
}

// answerFunc is an Answerer from a function.
type answerFunc func(ctx context.Context, req newsbot.Request, stream newsbot.Stream) (newsbot.Answer, error)

func (f answerFunc) Ask(ctx context.Context, req newsbot.Request, stream newsbot.Stream) (newsbot.Answer, error) {
	return f(ctx, req, stream)
}

// startGateway runs an adapter against the fake until the test ends, and
// waits for it to connect and register /ask.
func startGateway(t *testing.T, f *fakeDiscord, cfg Config, bot Answerer) *Adapter {
	t.Helper()
	cfg.Token = "test-token"
	cfg.Transport = f.Transport()
	if cfg.EditEvery == 0 {
		cfg.EditEvery = 20 * time.Millisecond
	}
	if cfg.ShutdownGrace == 0 {
		cfg.ShutdownGrace = time.Second // then a slow answer is cancelled
	}
	a, err := New(cfg, bot)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("Run did not return after its context ended")
		}
	})
	f.Wait("registration of /ask", 1, func(r fakeReq) bool {
		return strings.HasPrefix(r.Path, "applications/") && r.Method != "GET"
	})
	return a
}

// askEvent is an INTERACTION_CREATE for /ask.
func askEvent(id, user, question string) map[string]any {
	return map[string]any{
		"id": id, "application_id": appID, "type": 2, "token": "token-" + id,
		"guild_id": guildID, "channel_id": channelID, "version": 1,
		"member": map[string]any{"user": map[string]any{"id": user, "username": "person" + user}},
		"data": map[string]any{"id": "cmd-1", "name": "ask", "type": 1, "options": []any{
			map[string]any{"name": "question", "type": 3, "value": question},
		}},
	}
}

// mentionEvent is a MESSAGE_CREATE that mentions the bot.
func mentionEvent(id, user, text string) map[string]any {
	return map[string]any{
		"id": id, "channel_id": channelID, "guild_id": guildID, "type": 0,
		"author":   map[string]any{"id": user, "username": "person" + user},
		"content":  "<@" + botUserID + "> " + text,
		"mentions": []any{map[string]any{"id": botUserID, "username": "newsbot", "bot": true}},
	}
}

// unescape undoes the Markdown escapes and zero-width spaces, to compare
// what a reader sees.
func unescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return strings.ReplaceAll(b.String(), "\u200b", "")
}

// embedsOf returns the embeds of a message body.
func embedsOf(r fakeReq) []map[string]any {
	var out []map[string]any
	es, _ := r.JSON()["embeds"].([]any)
	for _, e := range es {
		m, _ := e.(map[string]any)
		out = append(out, m)
	}
	return out
}

// checkNoMentions asserts that a message body carries allowed_mentions with
// an explicitly empty parse list.
func checkNoMentions(t *testing.T, r fakeReq) {
	t.Helper()
	m := r.JSON()
	if isCallback(r) {
		m, _ = m["data"].(map[string]any)
	}
	am, ok := m["allowed_mentions"].(map[string]any)
	if !ok {
		t.Errorf("%s %s: no allowed_mentions in %s", r.Method, r.Path, r.Body)
		return
	}
	p, ok := am["parse"].([]any)
	if !ok || len(p) != 0 {
		t.Errorf("%s %s: allowed_mentions.parse = %v, want []", r.Method, r.Path, am["parse"])
	}
	if am["replied_user"] == true {
		t.Errorf("%s %s: replied_user is true", r.Method, r.Path)
	}
}

// isMessage reports requests that post or edit a visible message.
func isMessage(r fakeReq) bool {
	return isCallback(r) || isOriginalEdit(r) || isFollowup(r) || isChannelPost(r) ||
		(r.Method == "PATCH" && strings.HasPrefix(r.Path, "channels/"))
}

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }

func itoa(n int) string { return fmt.Sprint(n) }

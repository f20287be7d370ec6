package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/newsbot-dev/newsbot/adapters/bolt"
	"github.com/newsbot-dev/newsbot/adapters/discord/discordtest"
)

// postSlackEvent delivers a signed Events API callback to serve's
// /slack/events, as Slack does in HTTP mode.
func postSlackEvent(t *testing.T, base, secret, eventID string, inner map[string]any) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"type": "event_callback", "event_id": eventID, "team_id": "T1", "api_app_id": "A1", "event": inner})
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + ts + ":" + string(body)))
	req, _ := http.NewRequest(http.MethodPost, base+"/slack/events", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("event %s: status %d", eventID, resp.StatusCode)
	}
}

// waitPost waits for a chat.postMessage in thread whose blocks contain
// want.
func (f *fakeSlackAPI) waitPost(t *testing.T, thread, want string) url.Values {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		f.mu.Lock()
		for _, p := range f.posts {
			if p.Get("thread_ts") == thread && strings.Contains(p.Get("blocks"), want) {
				f.mu.Unlock()
				return p
			}
		}
		f.mu.Unlock()
		time.Sleep(20 * time.Millisecond)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	t.Fatalf("no post in thread %s with %q; posts: %v", thread, want, f.posts)
	return nil
}

// bot serve stopped and started again between two messages of a Slack
// thread: the follow-up, which needs no mention in a thread the bot
// answered in, is read with the earlier turn.
func TestServeRestartKeepsASlackThread(t *testing.T) {
	slack := newFakeSlackAPI(t)
	data := t.TempDir()
	env := map[string]string{
		"NEWSBOT_LOG_LEVEL": "error", "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": "shh",
		"NEWSBOT_SLACK_API_URL": slack.srv.URL + "/", "NEWSBOT_SLACK_REACTION": "-", "XDG_DATA_HOME": data,
	}
	const root = "1700000001.000100"
	base, stop := startServe(t, env)
	postSlackEvent(t, base, "shh", "Ev1", map[string]any{"type": "app_mention", "channel": "C1", "user": "UASK", "ts": root,
		"text": "<@UBOT> What did Lavrov say about sanctions?"})
	slack.waitPost(t, root, "counter-productive")
	if err := stop(); err != nil {
		t.Fatalf("serve: %v", err)
	}
	if _, err := os.Stat(filepath.Join(data, "newsbot", conversationsFile)); err != nil {
		t.Fatalf("no conversations in the data directory: %v", err)
	}

	base, stop = startServe(t, env)
	postSlackEvent(t, base, "shh", "Ev2", map[string]any{"type": "message", "channel": "C1", "channel_type": "channel", "user": "UASK",
		"ts": "1700000002.000200", "thread_ts": root, "text": "and what did Medvedev say?"})
	post := slack.waitPost(t, root, "Medvedev")
	if b := post.Get("blocks"); !strings.Contains(b, "sanctions") {
		t.Errorf("the follow-up was not read with the earlier turn (Medvedev on sanctions): %s", b)
	}
	if err := stop(); err != nil {
		t.Fatalf("serve: %v", err)
	}
	checkFollowUpTurn(t, filepath.Join(data, "newsbot", conversationsFile), "slack:C1/"+root)
}

// checkFollowUpTurn checks that the conversation key holds the first
// question and then the follow-up, both as asked (how a follow-up was read
// depends on the turns before it, which are kept too).
func checkFollowUpTurn(t *testing.T, path, key string) {
	t.Helper()
	s, err := bolt.Open(path, bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	turns, err := s.Turns(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	if len(turns) != 2 || turns[0].Question != "What did Lavrov say about sanctions?" || turns[1].Question != "and what did Medvedev say?" ||
		!strings.Contains(turns[1].Answer, "Medvedev") || !strings.Contains(turns[1].Answer, "sanctions") {
		t.Errorf("conversation %s = %+v, want the Lavrov turn, then the follow-up as asked with its answer on Medvedev and sanctions", key, turns)
	}
}

// bot serve stopped and started again between two messages of a Discord
// reply chain: the reply to the bot's answer is read with the earlier turn.
func TestServeRestartKeepsADiscordReplyChain(t *testing.T) {
	f := discordtest.New(t)
	data := t.TempDir()
	env := map[string]string{
		"NEWSBOT_LOG_LEVEL": "error", "DISCORD_TOKEN": "test-token", "NEWSBOT_DISCORD_API_URL": f.URL(),
		"XDG_DATA_HOME": data,
	}
	isReply := func(r discordtest.Request) bool {
		if r.Method != "POST" || !strings.HasPrefix(r.Path, "channels/") || !strings.HasSuffix(r.Path, "/messages") {
			return false
		}
		e, _ := r.JSON()["embeds"].([]any)
		return len(e) > 0
	}
	mention := func(id, text string) map[string]any {
		return map[string]any{
			"id": id, "channel_id": discordtest.ChannelID, "guild_id": discordtest.GuildID, "type": 0,
			"author":   map[string]any{"id": "42", "username": "person42"},
			"content":  "<@" + discordtest.BotUserID + "> " + text,
			"mentions": []any{map[string]any{"id": discordtest.BotUserID, "username": "newsbot", "bot": true}},
		}
	}
	_, stop := startServe(t, env)
	f.WaitConnection(1)
	f.Dispatch("MESSAGE_CREATE", mention("m1", "What did Lavrov say about sanctions?"))
	f.Wait("the answer", 1, isReply)
	replyID := f.LastID()
	if err := stop(); err != nil {
		t.Fatalf("serve: %v", err)
	}

	_, stop = startServe(t, env)
	f.WaitConnection(2)
	follow := mention("m2", "and what did Medvedev say?")
	follow["type"] = 19
	follow["message_reference"] = map[string]any{"message_id": replyID, "channel_id": discordtest.ChannelID, "guild_id": discordtest.GuildID}
	f.Dispatch("MESSAGE_CREATE", follow)
	second := f.Wait("the follow-up's answer", 2, isReply)[1]
	body := string(second.Body)
	if !strings.Contains(body, "Medvedev") || !strings.Contains(body, "sanctions") {
		t.Errorf("the follow-up was not read with the earlier turn (Medvedev on sanctions): %s", body)
	}
	if err := stop(); err != nil {
		t.Fatalf("serve: %v", err)
	}
	// The reply joined the first message's conversation.
	checkFollowUpTurn(t, filepath.Join(data, "newsbot", conversationsFile), "discord:msg:m1")
}

// bot discord alone answers over the gateway with its settings filled from
// the table; bot slack and bot discord without their credentials say which
// settings to set.
func TestChatCommandsAlone(t *testing.T) {
	f := discordtest.New(t)
	env := map[string]string{
		"NEWSBOT_LOG_LEVEL": "error", "DISCORD_TOKEN": "test-token", "NEWSBOT_DISCORD_API_URL": f.URL(),
		"XDG_DATA_HOME": t.TempDir(), "NEWSBOT_DISCORD_EDIT_EVERY": "50ms",
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"discord"}, func(k string) string { return env[k] }, strings.NewReader(""), io.Discard)
	}()
	f.WaitConnection(1)
	f.Dispatch("MESSAGE_CREATE", map[string]any{
		"id": "m1", "channel_id": discordtest.ChannelID, "guild_id": discordtest.GuildID, "type": 0,
		"author":   map[string]any{"id": "42", "username": "person42"},
		"content":  "<@" + discordtest.BotUserID + "> What did Lavrov say about sanctions?",
		"mentions": []any{map[string]any{"id": discordtest.BotUserID, "username": "newsbot", "bot": true}},
	})
	f.Wait("the answer", 1, func(r discordtest.Request) bool {
		return r.Method == "POST" && strings.HasSuffix(r.Path, "/messages") && strings.Contains(string(r.Body), "counter-productive")
	})
	cancel()
	select {
	case err := <-done:
		if err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("bot discord: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("bot discord did not stop")
	}

	for _, tc := range []struct {
		cmd  string
		env  map[string]string
		want string
	}{
		{"slack", nil, "SLACK_BOT_TOKEN"},
		{"slack", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET"},
		{"discord", nil, "DISCORD_TOKEN"},
		{"discord", map[string]string{"DISCORD_TOKEN": "t", "NEWSBOT_DISCORD_ADDR": ":0"}, "DISCORD_PUBLIC_KEY"},
	} {
		if _, err := runBot(t, tc.env, "", tc.cmd); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("bot %s with %v: err = %v, want one naming %s", tc.cmd, tc.env, err, tc.want)
		}
	}
}

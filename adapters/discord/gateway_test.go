package discord

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/newsbot-dev/newsbot"
	"github.com/newsbot-dev/newsbot/adapters/chat"
)

const lavrovSentence = "But Foreign Minister Sergei Lavrov restated at a news conference with Clinton Russia’s position that any talk of sanctions against Iran at this stage was counter-productive."

// An /ask over the gateway gets the deferral, then an edit of the original
// whose embed holds the cited Lavrov sentence with its outlet and headline.
// The same interaction delivered twice is answered once.
func TestAskOverGateway(t *testing.T) {
	f := newFakeDiscord(t)
	bot := &recorder{Answerer: builtinBot(t)}
	startGateway(t, f, Config{}, bot)

	if got := f.Identifys(); len(got) != 1 || got[0] != int(intents) {
		t.Errorf("IDENTIFY intents = %v, want [%d]", got, intents)
	}
	ev := askEvent("900", "42", "What did Lavrov say about sanctions?")
	f.Dispatch("INTERACTION_CREATE", ev)
	f.Dispatch("INTERACTION_CREATE", ev) // delivered again

	cb := f.Wait("deferral", 1, isCallback)[0]
	if cb.Path != "interactions/900/token-900/callback" {
		t.Errorf("deferral went to %s", cb.Path)
	}
	if typ := cb.JSON()["type"]; typ != float64(5) {
		t.Errorf("first response type = %v, want 5 (deferred)", typ)
	}
	edit := f.Wait("final edit", 1, func(r fakeReq) bool { return isOriginalEdit(r) && final(r) })[0]
	if edit.Path != "webhooks/"+appID+"/token-900/messages/@original" {
		t.Errorf("edit went to %s", edit.Path)
	}
	embeds := embedsOf(edit)
	if len(embeds) == 0 {
		t.Fatalf("final edit has no embeds: %s", edit.Body)
	}
	desc := unescape(embeds[0]["description"].(string))
	if !strings.Contains(desc, lavrovSentence) {
		t.Errorf("description %q lacks the Lavrov sentence", desc)
	}
	var found bool
	for _, e := range embeds {
		fields, _ := e["fields"].([]any)
		for _, fl := range fields {
			fm := fl.(map[string]any)
			name, value := unescape(fm["name"].(string)), unescape(fm["value"].(string))
			if strings.Contains(value, lavrovSentence) {
				found = true
				if !strings.Contains(name, "Reuters") || !strings.HasPrefix(name, "[1]") {
					t.Errorf("field name %q, want [1] and the outlet Reuters", name)
				}
				if !strings.Contains(value, "Clinton fails to win Russia pledge on Iran sanctions") {
					t.Errorf("field value %q lacks the headline", value)
				}
			}
		}
	}
	if !found {
		t.Errorf("no source field quotes the Lavrov sentence: %s", edit.Body)
	}
	time.Sleep(100 * time.Millisecond) // room for a wrong second answer
	if n := len(f.Requests(isCallback)); n != 1 {
		t.Errorf("%d responses to one interaction delivered twice, want 1", n)
	}
	if n := len(bot.calls()); n != 1 {
		t.Errorf("Answerer called %d times, want 1", n)
	}
	for _, r := range f.Requests(isMessage) {
		checkNoMentions(t, r)
	}
}

// A model that takes 10 s still gets the deferral within 3 s: the
// deferral goes out before the Answerer is even called.
func TestDeferralBeforeSlowModel(t *testing.T) {
	f := newFakeDiscord(t)
	called := make(chan time.Time, 1)
	slow := answerFunc(func(ctx context.Context, req newsbot.Request, _ newsbot.Stream) (newsbot.Answer, error) {
		called <- time.Now()
		select {
		case <-time.After(10 * time.Second):
			return newsbot.Answer{Text: "late"}, nil
		case <-ctx.Done():
			return newsbot.Answer{}, ctx.Err()
		}
	})
	startGateway(t, f, Config{}, slow)

	sent := time.Now()
	f.Dispatch("INTERACTION_CREATE", askEvent("901", "42", "What did Lavrov say about sanctions?"))
	cb := f.Wait("deferral", 1, isCallback)[0]
	if d := cb.At.Sub(sent); d > 3*time.Second {
		t.Errorf("deferral after %v, want within 3 s", d)
	}
	select {
	case at := <-called:
		if at.Before(cb.At) {
			t.Errorf("Answerer called %v before the deferral arrived", cb.At.Sub(at))
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Answerer never called")
	}
	// The test's cleanup cancels Run, which stops the slow answer after
	// its grace.
}

// A global rate limit on the bot's REST session (where discordgo sleeps
// inside the call) does not hold up a deferral: interaction responses have
// their own rate-limit state and a deadline.
func TestDeferralNotBehindRateLimitSleep(t *testing.T) {
	f := newFakeDiscord(t)
	f.SetHook(func(w http.ResponseWriter, r *http.Request, _ []byte) bool {
		if strings.HasSuffix(r.URL.Path, "/commands") && r.Method == "GET" {
			// Every later request of the bot session now sleeps 60 s first.
			w.Header().Set("X-RateLimit-Global", "true")
			w.Header().Set("X-RateLimit-Reset-After", "60")
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte("[]"))
			return true
		}
		return false
	})
	a, err := New(Config{Token: "t", AppID: appID, Transport: f.Transport(), RequestTimeout: 300 * time.Millisecond, EditEvery: 20 * time.Millisecond}, builtinBot(t))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := a.Register(context.Background()); err == nil {
		t.Error("Register succeeded behind a 60 s rate limit")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Register returned after %v; the request deadline is 300 ms", d)
	}
	// Now an interaction arrives (as over the gateway).
	sent := time.Now()
	a.onGatewayInteraction(interactionOf(t, askEvent("902", "42", "What did Lavrov say about sanctions?")))
	cb := f.Wait("deferral", 1, isCallback)[0]
	if d := cb.At.Sub(sent); d > time.Second {
		t.Errorf("deferral after %v behind a rate-limit sleep", d)
	}
	f.Wait("final edit", 1, func(r fakeReq) bool { return isOriginalEdit(r) && final(r) })
	a.shutdown()
}

// A mention is answered as a reply; a mention that replies to the bot's
// answer continues that conversation: the Answerer gets the earlier turn.
// The bot's own messages and other bots' are ignored; DMs are answered.
func TestMentionReplyChain(t *testing.T) {
	f := newFakeDiscord(t)
	core := builtinBot(t)
	bot := &recorder{Answerer: core, store: core.Conversations}
	links := &chat.MemoryLinks{}
	startGateway(t, f, Config{Links: links}, bot)

	own := mentionEvent("m0", botUserID, "What did Lavrov say about sanctions?")
	own["author"] = map[string]any{"id": botUserID, "bot": true}
	f.Dispatch("MESSAGE_CREATE", own)
	other := mentionEvent("m00", "77", "What did Lavrov say about sanctions?")
	other["author"] = map[string]any{"id": "77", "bot": true}
	f.Dispatch("MESSAGE_CREATE", other)
	notMe := mentionEvent("m000", "42", "What did Lavrov say about sanctions?")
	notMe["mentions"], notMe["content"] = []any{}, "What did Lavrov say about sanctions?"
	f.Dispatch("MESSAGE_CREATE", notMe)

	f.Dispatch("MESSAGE_CREATE", mentionEvent("m1", "42", "What did Lavrov say about sanctions?"))
	first := f.Wait("reply", 1, func(r fakeReq) bool { return isChannelPost(r) && final(r) })[0]
	ref, _ := first.JSON()["message_reference"].(map[string]any)
	if ref["message_id"] != "m1" {
		t.Fatalf("reply references %v, want m1: %s", ref, first.Body)
	}
	replyID := f.LastID()
	// The reply is linked to its conversation once Discord has answered
	// its POST, which the fake records before it answers: a person's
	// reply cannot come sooner.
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if k, _ := links.Conversation(context.Background(), "discord:"+replyID); k != "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the reply %s was never linked to its conversation", replyID)
		}
	}

	follow := mentionEvent("m2", "42", "and what did Medvedev say?")
	follow["type"] = 19
	follow["message_reference"] = map[string]any{"message_id": replyID, "channel_id": channelID, "guild_id": guildID}
	follow["referenced_message"] = map[string]any{"id": replyID, "channel_id": channelID, "author": map[string]any{"id": botUserID, "bot": true}, "content": ""}
	f.Dispatch("MESSAGE_CREATE", follow)
	second := f.Wait("second reply", 2, func(r fakeReq) bool { return isChannelPost(r) && final(r) })[1]
	ref, _ = second.JSON()["message_reference"].(map[string]any)
	if ref["message_id"] != "m2" {
		t.Errorf("second reply references %v, want m2", ref)
	}
	calls := bot.calls()
	if len(calls) != 2 {
		t.Fatalf("Answerer called %d times, want 2 (own and other bots' messages, and messages not mentioning the bot, ignored)", len(calls))
	}
	if calls[1].Conversation == "" || calls[1].Conversation != calls[0].Conversation {
		t.Errorf("conversations %q and %q, want the reply chain's for both", calls[0].Conversation, calls[1].Conversation)
	}
	h := bot.history(1)
	if len(h) != 1 || h[0].Question != "What did Lavrov say about sanctions?" || !strings.Contains(h[0].Answer, "Lavrov") {
		t.Errorf("follow-up history = %+v, want the Lavrov turn", h)
	}
	if calls[1].Question != "and what did Medvedev say?" {
		t.Errorf("follow-up question = %q", calls[1].Question)
	}
	if d := unescape(embedsOf(second)[0]["description"].(string)); !strings.Contains(d, "Medvedev") {
		t.Errorf("follow-up answer %q is not about Medvedev", d)
	}

	// A DM needs no mention.
	dm := map[string]any{"id": "d1", "channel_id": "9", "type": 0, "author": map[string]any{"id": "43"}, "content": "What did Lavrov say about sanctions?"}
	f.Dispatch("MESSAGE_CREATE", dm)
	f.Wait("DM reply", 1, func(r fakeReq) bool { return isChannelPost(r) && r.Path == "channels/9/messages" })
	for _, r := range f.Requests(isMessage) {
		checkNoMentions(t, r)
	}
}

// interactionOf decodes an event as discordgo does.
func interactionOf(t *testing.T, ev map[string]any) *discordgo.Interaction {
	t.Helper()
	b, _ := json.Marshal(ev)
	var i discordgo.Interaction
	if err := json.Unmarshal(b, &i); err != nil {
		t.Fatal(err)
	}
	return &i
}

// Close codes 4004 and 4014 stop Run with a clear error instead of
// reconnecting forever, whether at the first IDENTIFY or later on a
// resume; other codes are reconnected.
func TestFatalCloseCodes(t *testing.T) {
	for _, tc := range []struct {
		name     string
		code     int
		later    bool // close after a working connection
		attempts int
		want     string
	}{
		{"4004 at identify", 4004, false, 1, "DISCORD_TOKEN"},
		{"4014 at identify", 4014, false, 1, "Privileged Gateway Intents"},
		{"4004 after ready", 4004, true, 2, "DISCORD_TOKEN"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeDiscord(t)
			f.SetCloseOn(func(n int) int {
				if tc.later && n == 1 {
					return 0
				}
				return tc.code
			})
			a, err := New(Config{Token: "bad", AppID: appID, Transport: f.Transport()}, builtinBot(t))
			if err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			start := time.Now()
			go func() { done <- a.Run(ctx) }()
			if tc.later {
				f.WaitConnected()
				f.CloseGateway(tc.code)
			}
			select {
			case err = <-done:
			case <-time.After(10 * time.Second):
				t.Fatalf("Run still running after 10 s; %d connection attempts", f.Attempts())
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("Run took %v to stop", d)
			}
			if !errors.Is(err, ErrFatalClose) {
				t.Fatalf("Run returned %v, want ErrFatalClose", err)
			}
			var ce *CloseError
			if !errors.As(err, &ce) || ce.Code != tc.code {
				t.Errorf("close error %v, want code %d", err, tc.code)
			}
			if msg := err.Error(); !strings.Contains(msg, tc.want) || !strings.Contains(msg, "gateway") {
				t.Errorf("error %q does not say what to do (%q)", msg, tc.want)
			}
			if n := f.Attempts(); n != tc.attempts {
				t.Errorf("%d connection attempts, want %d", n, tc.attempts)
			}
		})
	}
}

// A close with an ordinary code (4000) is followed by a RESUME on READY's
// resume_gateway_url, as Discord requires (finding 3 of issue 10:
// discordgo resumed on the first URL), and the bot keeps answering. A
// second close resumes there again.
func TestReconnectAfterOrdinaryClose(t *testing.T) {
	f := newFakeDiscord(t)
	startGateway(t, f, Config{}, builtinBot(t))
	f.CloseGateway(4000)
	deadline := time.Now().Add(10 * time.Second)
	for f.Attempts() < 2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	f.WaitConnected()
	ops, paths := f.Ops(), f.Paths()
	if len(ops) != 2 || ops[1] != 6 {
		t.Fatalf("connection ops = %v, want [2 6] (identify, then resume)", ops)
	}
	if paths[0] != "/gw/" || paths[1] != "/gw-resume/" {
		t.Fatalf("connection paths = %v, want the identify on /gw/ and the resume on READY's resume_gateway_url, /gw-resume/", paths)
	}
	f.Dispatch("INTERACTION_CREATE", askEvent("903", "42", "What did Lavrov say about sanctions?"))
	f.Wait("final edit after reconnecting", 1, func(r fakeReq) bool { return isOriginalEdit(r) && final(r) })

	f.CloseGateway(4000)
	f.WaitConnection(3)
	if ops, paths := f.Ops(), f.Paths(); len(ops) != 3 || ops[2] != 6 || paths[2] != "/gw-resume/" {
		t.Fatalf("after a second close: ops %v on %v, want a resume on /gw-resume/", ops, paths)
	}
}

// Adversarial output: mentions, markdown and a foreign link from the model
// are neutralised, every message carries an empty allowed_mentions parse
// list, and an error's text never reaches the chat.
func TestOutputNeutralised(t *testing.T) {
	f := newFakeDiscord(t)
	const cited = "https://www.reuters.com/article/clinton-russia"
	evil := answerFunc(func(ctx context.Context, req newsbot.Request, stream newsbot.Stream) (newsbot.Answer, error) {
		if strings.Contains(req.Question, "fail") {
			return newsbot.Answer{}, errors.New("upstream said: 401 invalid key sk-secret")
		}
		text := "@everyone and @here look: <@123> <@&456> [click](https://evil.example/x) https://evil.example/y **bold** ||spoiler|| # heading " + cited + " [1]"
		return newsbot.Answer{Question: req.Question, Text: text, Citations: []newsbot.Citation{{
			N: 1, Sentence: "Lavrov said @everyone <@789> should [read](https://evil.example/z) this.", Outlet: "Reuters @here", Title: "A [title]", URL: cited,
		}}}, nil
	})
	startGateway(t, f, Config{}, evil)
	f.Dispatch("INTERACTION_CREATE", askEvent("904", "42", "What did Lavrov say?"))
	edit := f.Wait("final edit", 1, func(r fakeReq) bool { return isOriginalEdit(r) && final(r) })[0]
	e := embedsOf(edit)[0]
	desc := e["description"].(string)
	field := e["fields"].([]any)[0].(map[string]any)
	all := desc + "\n" + field["name"].(string) + "\n" + field["value"].(string)
	for _, bad := range []string{"@everyone", "@here", "<@123>", "<@&456>", "<@789>", "](https://evil", "https://evil", "**bold**", "||spoiler||", "[click]"} {
		if strings.Contains(strings.ReplaceAll(all, `\`+bad, ""), bad) {
			t.Errorf("output contains %q unneutralised:\n%s", bad, all)
		}
	}
	if !strings.Contains(field["value"].(string), "]("+cited+")") {
		t.Errorf("the cited source is not linked: %s", field["value"])
	}
	if !strings.Contains(desc, cited) {
		t.Errorf("the cited URL in the text was removed: %s", desc)
	}
	if got := unescape(desc); !strings.Contains(got, "<@123>") || !strings.Contains(got, "@everyone") {
		t.Errorf("the text should still read as written: %q", got)
	}

	f.Dispatch("INTERACTION_CREATE", askEvent("905", "42", "please fail"))
	sorry := f.Wait("sorry", 1, func(r fakeReq) bool { return isOriginalEdit(r) && strings.Contains(r.Path, "token-905") && final(r) })[0]
	if c := unescape(sorry.JSON()["content"].(string)); c != chat.Sorry {
		t.Errorf("after an error the person sees %q, want %q", c, chat.Sorry)
	}
	for _, r := range f.Requests(isMessage) {
		checkNoMentions(t, r)
		if strings.Contains(string(r.Body), "sk-secret") || strings.Contains(string(r.Body), "401") {
			t.Errorf("error text reached the chat: %s", r.Body)
		}
	}
}

// A 100 KB question is refused with a friendly notice before any Answerer
// call, as an /ask and as a mention; a person asking too fast is told so,
// only to them.
func TestRefusedBeforeAnswering(t *testing.T) {
	f := newFakeDiscord(t)
	bot := &recorder{Answerer: builtinBot(t)}
	startGateway(t, f, Config{Burst: 2, RatePerMinute: 1.0 / 60}, bot)
	huge := strings.Repeat("sanctions ", 10_000)

	f.Dispatch("INTERACTION_CREATE", askEvent("910", "42", huge))
	cb := f.Wait("refusal", 1, isCallback)[0]
	data, _ := cb.JSON()["data"].(map[string]any)
	if cb.JSON()["type"] != float64(4) || data["flags"] != float64(64|4) || unescape(data["content"].(string)) != chat.TooLong {
		t.Errorf("refusal of a 100 KB question = %s", cb.Body)
	}
	f.Dispatch("MESSAGE_CREATE", mentionEvent("m10", "42", huge))
	post := f.Wait("refusal reply", 1, isChannelPost)[0]
	if unescape(post.JSON()["content"].(string)) != chat.TooLong {
		t.Errorf("refusal reply = %s", post.Body)
	}

	// Rate: a burst of 2 (the refusals above used none), then a notice.
	for _, id := range []string{"911", "912", "913"} {
		f.Dispatch("INTERACTION_CREATE", askEvent(id, "42", "What did Lavrov say about sanctions?"))
	}
	f.Wait("three responses", 4, isCallback)
	// The handlers run concurrently: any one of the three may be the third.
	var notices []fakeReq
	for _, r := range f.Requests(isCallback) {
		if !strings.Contains(r.Path, "/910/") && r.JSON()["type"] == float64(4) {
			notices = append(notices, r)
		}
	}
	if len(notices) != 1 {
		t.Fatalf("%d notices for three questions in a row, want 1", len(notices))
	}
	data, _ = notices[0].JSON()["data"].(map[string]any)
	if data["flags"] != float64(64|4) || unescape(data["content"].(string)) != chat.SlowDown {
		t.Errorf("third question in a row got %s, want an ephemeral notice", notices[0].Body)
	}
	f.Wait("two answers", 2, func(r fakeReq) bool { return isOriginalEdit(r) && final(r) })
	if n := len(bot.calls()); n != 2 {
		t.Errorf("Answerer called %d times, want 2", n)
	}
	for _, r := range f.Requests(isMessage) {
		checkNoMentions(t, r)
	}
}

// A streamed answer is shown by throttled edits of the original, then the
// final answer; one too long for a message continues in follow-ups, each
// within Discord's limits, ephemeral when configured.
func TestStreamedAndSplit(t *testing.T) {
	f := newFakeDiscord(t)
	var sentences []string
	for i := 0; i < 60; i++ {
		sentences = append(sentences, strings.Repeat("Sanctions were discussed at length by the ministers. ", 3)+"[1]")
	}
	var cites []newsbot.Citation
	for i := 1; i <= 40; i++ {
		cites = append(cites, newsbot.Citation{N: i, Sentence: strings.Repeat("A long quoted sentence about sanctions. ", 20), Outlet: "Reuters", Title: "Clinton fails to win Russia pledge on Iran sanctions", URL: "https://example.com/a"})
	}
	streaming := answerFunc(func(ctx context.Context, req newsbot.Request, stream newsbot.Stream) (newsbot.Answer, error) {
		for _, s := range sentences[:8] {
			stream(newsbot.Piece{Text: s + " "})
			time.Sleep(30 * time.Millisecond)
		}
		return newsbot.Answer{Question: req.Question, Text: strings.Join(sentences, " "), Citations: cites}, nil
	})
	startGateway(t, f, Config{Ephemeral: true, EditEvery: 100 * time.Millisecond}, streaming)
	f.Dispatch("INTERACTION_CREATE", askEvent("920", "42", "What did Lavrov say about sanctions?"))

	f.Wait("final edit", 1, func(r fakeReq) bool { return isOriginalEdit(r) && final(r) })
	time.Sleep(200 * time.Millisecond)
	cb := f.Requests(isCallback)[0]
	if data, _ := cb.JSON()["data"].(map[string]any); data["flags"] != float64(64) {
		t.Errorf("deferral flags = %v, want 64 (ephemeral)", data["flags"])
	}
	edits := f.Requests(isOriginalEdit)
	var previews []fakeReq
	for _, e := range edits {
		if !final(e) {
			previews = append(previews, e)
		}
	}
	if len(previews) < 1 {
		t.Errorf("no streamed edits before the final one (%d edits)", len(edits))
	}
	for i := 1; i < len(previews); i++ {
		if d := previews[i].At.Sub(previews[i-1].At); d < 80*time.Millisecond {
			t.Errorf("edits %d and %d only %v apart, want at least EditEvery (100 ms)", i-1, i, d)
		}
	}
	followups := f.Requests(isFollowup)
	if len(followups) == 0 {
		t.Fatal("a long answer was not continued in follow-ups")
	}
	var fieldsSeen int
	for _, r := range append(edits, followups...) {
		checkLimits(t, r)
		for _, e := range embedsOf(r) {
			fs, _ := e["fields"].([]any)
			fieldsSeen += len(fs)
		}
	}
	for _, r := range followups {
		if flags, _ := r.JSON()["flags"].(float64); int(flags)&64 == 0 {
			t.Errorf("follow-up not ephemeral: flags %v", flags)
		}
	}
	if fieldsSeen != len(cites) {
		t.Errorf("%d source fields posted, want %d", fieldsSeen, len(cites))
	}
}

// checkLimits asserts Discord's limits on one message body.
func checkLimits(t *testing.T, r fakeReq) {
	t.Helper()
	m := r.JSON()
	if c, _ := m["content"].(string); dlen(c) > maxContent {
		t.Errorf("content of %d characters", dlen(c))
	}
	embeds := embedsOf(r)
	if len(embeds) > maxEmbeds {
		t.Errorf("%d embeds in one message", len(embeds))
	}
	total := 0
	for _, e := range embeds {
		d, _ := e["description"].(string)
		if dlen(d) > maxDescription {
			t.Errorf("description of %d characters", dlen(d))
		}
		total += dlen(d)
		fs, _ := e["fields"].([]any)
		if len(fs) > maxFields {
			t.Errorf("%d fields in one embed", len(fs))
		}
		for _, fl := range fs {
			fm := fl.(map[string]any)
			n, v := fm["name"].(string), fm["value"].(string)
			if dlen(n) > maxFieldName || dlen(v) > maxFieldValue {
				t.Errorf("field of %d+%d characters", dlen(n), dlen(v))
			}
			total += dlen(n) + dlen(v)
		}
	}
	if total > maxEmbedsTotal {
		t.Errorf("embeds of %d characters in one message", total)
	}
}

// A source field names who its sentence quotes next to the outlet, escaped
// like the outlet: a speaker's mention pings no one.
func TestSourceFieldNamesTheSpeaker(t *testing.T) {
	f := newFakeDiscord(t)
	bot := answerFunc(func(ctx context.Context, req newsbot.Request, stream newsbot.Stream) (newsbot.Answer, error) {
		return newsbot.Answer{Question: req.Question, Text: "Reuters quoted Lavrov as saying all forces should be aimed at supporting talks [1].", Citations: []newsbot.Citation{{
			N: 1, Sentence: "“All forces should be aimed at supporting talks,” he said.", Outlet: "Reuters", Speaker: "Sergei Lavrov @everyone",
			Title: "Clinton fails to win Russia pledge", URL: "https://news.example/a", Published: time.Date(2009, 10, 13, 0, 0, 0, 0, time.UTC),
		}}}, nil
	})
	startGateway(t, f, Config{}, bot)
	f.Dispatch("INTERACTION_CREATE", askEvent("906", "42", "What did Lavrov say?"))
	edit := f.Wait("final edit", 1, func(r fakeReq) bool { return isOriginalEdit(r) && final(r) })[0]
	field := embedsOf(edit)[0]["fields"].([]any)[0].(map[string]any)
	name := field["name"].(string)
	if got := unescape(name); got != "[1] Reuters — Sergei Lavrov @everyone · 2009-10-13" {
		t.Errorf("field name = %q (raw %q), want the outlet, the speaker and the date", got, name)
	}
	if strings.Contains(strings.ReplaceAll(name, `\@everyone`, ""), "@everyone") && !strings.Contains(name, "@\u200beveryone") {
		t.Errorf("the speaker's mention is not neutralised: %q", name)
	}
	checkNoMentions(t, edit)
}

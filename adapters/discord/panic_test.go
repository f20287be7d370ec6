package discord

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/newsbot-dev/newsbot"
	"github.com/newsbot-dev/newsbot/adapters/chat"
)

// panicky panics on questions that say "panic", and answers the others
// with the real bot.
func panicky(t *testing.T) Answerer {
	bot := builtinBot(t)
	return answerFunc(func(ctx context.Context, req newsbot.Request, stream newsbot.Stream) (newsbot.Answer, error) {
		if strings.Contains(req.Question, "panic") {
			var turns []newsbot.Turn
			_ = turns[len(req.Question)] // out of range: a real bug's panic
		}
		return bot.Ask(ctx, req, stream)
	})
}

// content is what a message body shows, unescaped.
func content(r fakeReq) string {
	c, _ := r.JSON()["content"].(string)
	return unescape(c)
}

func TestPanicWhileAnsweringOverTheGateway(t *testing.T) {
	f := newFakeDiscord(t)
	startGateway(t, f, Config{}, panicky(t))

	// /ask: the deferred message says sorry, and the next /ask is answered.
	f.Dispatch("INTERACTION_CREATE", askEvent("960", "42", "panic please"))
	sorry := f.Wait("sorry", 1, func(r fakeReq) bool { return isOriginalEdit(r) && strings.Contains(r.Path, "token-960") })[0]
	if got := content(sorry); got != chat.Sorry {
		t.Errorf("after a panic the person sees %q, want %q", got, chat.Sorry)
	}
	f.Dispatch("INTERACTION_CREATE", askEvent("961", "42", "What did Lavrov say about sanctions?"))
	answer := f.Wait("answer", 1, func(r fakeReq) bool { return isOriginalEdit(r) && strings.Contains(r.Path, "token-961") && final(r) })[0]
	if !strings.Contains(unescape(string(answer.Body)), "Lavrov") {
		t.Errorf("the /ask after the panic got %s", answer.Body)
	}

	// A mention: the reply says sorry, and the next mention is answered.
	f.Dispatch("MESSAGE_CREATE", mentionEvent("m60", "43", "panic please"))
	reply := f.Wait("sorry reply", 1, isChannelPost)[0]
	if got := content(reply); got != chat.Sorry {
		t.Errorf("after a panic the reply is %q, want %q", got, chat.Sorry)
	}
	f.Dispatch("MESSAGE_CREATE", mentionEvent("m61", "43", "What did Lavrov say about sanctions?"))
	second := f.Wait("answer reply", 2, func(r fakeReq) bool { return isChannelPost(r) })[1]
	if ref, _ := second.JSON()["message_reference"].(map[string]any); ref["message_id"] != "m61" {
		t.Errorf("second reply references %v", ref)
	}
}

func TestPanicWhileAnsweringOverHTTP(t *testing.T) {
	f := newFakeDiscord(t)
	_, srv := httpAdapter(t, f, panicky(t))
	for i, q := range []string{"panic please", "What did Lavrov say about sanctions?"} {
		ask, _ := json.Marshal(askEvent(fmt.Sprint("97", i), "42", q))
		ts := fmt.Sprint(1608597150 + i)
		resp, body := post(t, srv.URL, signed(sign(t, ts, string(ask)), ts), string(ask))
		if resp.StatusCode != 200 || !strings.Contains(body, `"type":5`) {
			t.Fatalf("question %d: got %d %q, want a deferral", i+1, resp.StatusCode, body)
		}
	}
	sorry := f.Wait("sorry", 1, func(r fakeReq) bool { return isOriginalEdit(r) && strings.Contains(r.Path, "token-970") })[0]
	if got := content(sorry); got != chat.Sorry {
		t.Errorf("after a panic the person sees %q, want %q", got, chat.Sorry)
	}
	answer := f.Wait("answer", 1, func(r fakeReq) bool { return isOriginalEdit(r) && strings.Contains(r.Path, "token-971") && final(r) })[0]
	if !strings.Contains(unescape(string(answer.Body)), "Lavrov") {
		t.Errorf("the question after the panic got %s", answer.Body)
	}
}

func TestNotReadyHasItsOwnSentence(t *testing.T) {
	f := newFakeDiscord(t)
	notReady := answerFunc(func(context.Context, newsbot.Request, newsbot.Stream) (newsbot.Answer, error) {
		return newsbot.Answer{}, fmt.Errorf("stopping: %w", newsbot.ErrNotReady)
	})
	startGateway(t, f, Config{}, notReady)
	f.Dispatch("INTERACTION_CREATE", askEvent("980", "42", "What did Lavrov say about sanctions?"))
	edit := f.Wait("notice", 1, func(r fakeReq) bool { return isOriginalEdit(r) && strings.Contains(r.Path, "token-980") })[0]
	if got := content(edit); got != chat.NotReady {
		t.Errorf("not ready: the person sees %q, want %q", got, chat.NotReady)
	}
}

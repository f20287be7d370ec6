package slack

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/newsbot-dev/newsbot"
	"github.com/newsbot-dev/newsbot/adapters/chat"
)

// panicky panics on questions that say "panic" (after streaming a piece
// and calling shown, when shown is not nil), and answers the others with
// the real bot.
func panicky(t *testing.T, shown func()) Answerer {
	bot := builtinBot(t)
	return answerFunc(func(ctx context.Context, req newsbot.Request, stream newsbot.Stream) (newsbot.Answer, error) {
		if strings.Contains(req.Question, "panic") {
			if shown != nil && stream != nil {
				stream(newsbot.Piece{Text: "Lavrov said [1]."})
				shown()
			}
			var turns []newsbot.Turn
			_ = turns[len(req.Question)] // out of range: a real bug's panic
		}
		return bot.Ask(ctx, req, stream)
	})
}

func TestPanicWhileAnsweringSocketMode(t *testing.T) {
	var r *running
	started := make(chan struct{})
	r = startSocket(t, panicky(t, func() {
		<-started
		r.f.waitCall("chat.postMessage", 1, nil) // the streamed piece is shown
	}), nil)
	close(started)
	deliver(r.f, r.conn, "env-1", "EvP1", 0, mentionEvent("C1", "UASK", "1700000020.000001", "", "panic please"))
	// The half-streamed answer is replaced by the sorry sentence.
	r.f.waitCall("chat.postMessage", 1, isPost("C1", "1700000020.000001"))
	sorry := r.f.waitCall("chat.update", 1, func(c apiCall) bool { return c.get("text") == chat.Sorry })
	if sorry.get("channel") != "C1" || !strings.HasPrefix(sorry.get("ts"), "2000000000.") {
		t.Errorf("sorry edit of %q in %q, want the streamed message's", sorry.get("ts"), sorry.get("channel"))
	}
	// And the next question is answered as usual.
	deliver(r.f, r.conn, "env-2", "EvP2", 0, mentionEvent("C1", "UASK", "1700000020.000002", "", lavrovQuestion))
	post := r.f.waitCall("chat.postMessage", 1, isPost("C1", "1700000020.000002"))
	if !strings.Contains(post.all(), "Lavrov restated") {
		t.Errorf("the question after the panic got %s", post.all())
	}
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
	if n := len(filter(r.f.callsOf("chat.postMessage"), isPost("C1", "1700000020.000001"))); n != 1 {
		t.Errorf("%d messages in the panicking question's thread, want 1 (the streamed one, edited)", n)
	}
	if l := r.logs.String(); !strings.Contains(l, "panic while slack: answering") || !strings.Contains(l, "index out of range") {
		t.Errorf("the panic was not logged with its cause:\n%s", l)
	}
}

func TestPanicWhileAnsweringHTTP(t *testing.T) {
	r, srv := startHTTP(t, panicky(t, nil), nil)
	for i, q := range []string{"panic please", lavrovQuestion} {
		ev := mustJSON(t, callback(fmt.Sprint("EvHP", i), mentionEvent("C1", "UASK", fmt.Sprint("1700000021.00000", i), "", q)))
		if code, _ := sendSigned(t, srv, jsonType, ev); code != http.StatusOK {
			t.Fatalf("event %d: status %d", i, code)
		}
	}
	sorry := r.f.waitCall("chat.postMessage", 1, isPost("C1", "1700000021.000000"))
	if sorry.get("text") != chat.Sorry {
		t.Errorf("after a panic the person got %q, want %q", sorry.get("text"), chat.Sorry)
	}
	post := r.f.waitCall("chat.postMessage", 1, isPost("C1", "1700000021.000001"))
	if !strings.Contains(post.all(), "Lavrov restated") {
		t.Errorf("the question after the panic got %s", post.all())
	}
	// /ask too: the sorry sentence goes to its response URL.
	form := "command=%2Fask&text=panic&user_id=UASK&channel_id=C1&response_url=" + strings.ReplaceAll(r.f.url()+"respond/1", ":", "%3A")
	if code, _ := sendSigned(t, srv, formType, form); code != http.StatusOK {
		t.Fatalf("/ask: status %d", code)
	}
	resp := r.f.waitCall("respond/1", 1, nil)
	if resp.get("text") != chat.Sorry {
		t.Errorf("/ask after a panic got %q", resp.get("text"))
	}
}

func TestNotReadyHasItsOwnSentence(t *testing.T) {
	notReady := answerFunc(func(context.Context, newsbot.Request, newsbot.Stream) (newsbot.Answer, error) {
		return newsbot.Answer{}, fmt.Errorf("the coverage is loading: %w", newsbot.ErrNotReady)
	})
	r := startSocket(t, notReady, nil)
	deliver(r.f, r.conn, "env-1", "EvNR", 0, mentionEvent("C1", "UASK", "1700000022.000001", "", lavrovQuestion))
	post := r.f.waitCall("chat.postMessage", 1, isPost("C1", "1700000022.000001"))
	if post.get("text") != chat.NotReady {
		t.Errorf("reply = %q, want %q", post.get("text"), chat.NotReady)
	}
}
